import { createClientFactory } from "../clockify/client-factory.js";
import type { ClockifyClient } from "../clockify/client.js";
import type { RateLimiterRegistry } from "../clockify/rate-limiter.js";
import type { RequestEvent } from "../clockify/transport.js";
import type { Config, PairConfig } from "../config/schema.js";
import type { AppDatabase } from "../db/connection.js";
import type { Alerter } from "../observability/alerts.js";
import type { Logger } from "../observability/logger.js";
import { WorkspaceCatalog } from "./workspace-catalog.js";
import type { KeyedMutex } from "./keyed-mutex.js";

/** What the sync needs to act for one pair: its config, a client per side, name caches, shared locks. */
export interface PairRuntime {
  readonly pair: PairConfig;
  readonly source: ClockifyClient;
  readonly destination: ClockifyClient;
  readonly destinationCatalog: WorkspaceCatalog;
  readonly database: AppDatabase;
  readonly locks: KeyedMutex;
  readonly logger: Logger;
  /** Id of the destination API key's owner: entries for anyone else need the create-for-user route. */
  destinationKeyOwner(): Promise<string>;
  /** Tells a person (the alert receiver when one is configured, the log always). */
  alert(problem: string, text: string): Promise<void>;
}

export interface RuntimeDeps {
  config: Config;
  apiUrl: string;
  database: AppDatabase;
  logger: Logger;
  limiters: RateLimiterRegistry;
  /** One per process: the worker and reconciliation runs serialise on the same keys. */
  locks: KeyedMutex;
  onRequest?: (event: RequestEvent) => void;
  /** Tests shorten backoff; production keeps the defaults. */
  backoff?: { baseDelayMs?: number; maxDelayMs?: number };
  /** Where problems a person must settle go; without one they are logged. */
  alerter?: Alerter;
}

export function createPairRuntimes(deps: RuntimeDeps): Map<string, PairRuntime> {
  const { config } = deps;
  const client = createClientFactory({
    apiUrl: deps.apiUrl,
    clockify: config.clockify,
    limiters: deps.limiters,
    ...(deps.onRequest ? { onRequest: deps.onRequest } : {}),
    ...(deps.backoff ? { backoff: deps.backoff } : {}),
  });
  const runtimes = new Map<string, PairRuntime>();
  for (const pair of config.pairs) {
    const destination = client(pair.destination.apiKey);
    let owner: Promise<string> | undefined;
    const logger = deps.logger.child({ pair: pair.id });
    runtimes.set(pair.id, {
      pair,
      source: client(pair.source.apiKey),
      destination,
      destinationCatalog: new WorkspaceCatalog(destination, pair.destination.workspaceId),
      database: deps.database,
      locks: deps.locks,
      logger,
      destinationKeyOwner() {
        owner ??= destination.getCurrentUser().then(
          (u) => u.id,
          (error: unknown) => {
            owner = undefined;
            throw error;
          },
        );
        return owner;
      },
      async alert(problem, text) {
        if (deps.alerter) await deps.alerter.alert(problem, text);
        else logger.warn({ problem }, text);
      },
    });
  }
  return runtimes;
}

export const entryLockKey = (pairId: string, sourceEntryId: string) => `entry:${pairId}:${sourceEntryId}`;
export const projectLockKey = (pairId: string, name: string) => `project:${pairId}:${name}`;
