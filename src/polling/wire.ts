import type { Config } from "../config/schema.js";
import type { AppDatabase } from "../db/connection.js";
import type { Logger } from "../observability/logger.js";
import { createPairRuntimes, type PairRuntime, type RuntimeDeps } from "../sync/pair-runtime.js";
import { Poller } from "./poller.js";
import type { WindowSettings } from "./windows.js";

export interface PollingParts {
  database: AppDatabase;
  logger: Logger;
  config: () => Config;
  /** The service's runtime deps in effect (a reload replaces them): the poller builds its own runtimes from them. */
  runtimeDeps: () => RuntimeDeps;
  notify: () => void;
  /** Tests: a fixed delay between polls, shorter windows. */
  tuning?: { intervalMs?: number; windows?: Partial<WindowSettings>; feedMaxPages?: number };
}

/**
 * The service's poller. Its runtimes are its own (so a poll's request count is its own) and use the
 * "heal" share of an hourly budget, below webhooks; they are rebuilt when a reload changes the deps.
 */
export function createPoller(parts: PollingParts): Poller {
  let builtFor: RuntimeDeps | undefined;
  let runtimes: Map<string, PairRuntime> = new Map();
  return new Poller({
    database: parts.database,
    logger: parts.logger.child({ component: "poller" }),
    config: parts.config,
    notify: parts.notify,
    runtimes: () => {
      const deps = parts.runtimeDeps();
      if (deps !== builtFor) {
        runtimes = createPairRuntimes({ ...deps, purpose: "heal" });
        builtFor = deps;
      }
      return runtimes;
    },
    ...(parts.tuning?.intervalMs === undefined ? {} : { intervalMs: parts.tuning.intervalMs }),
    ...(parts.tuning?.windows ? { windows: parts.tuning.windows } : {}),
    ...(parts.tuning?.feedMaxPages === undefined ? {} : { feedMaxPages: parts.tuning.feedMaxPages }),
  });
}
