import type { Config } from "./config/schema.js";
import type { Logger } from "./observability/logger.js";
import type { ReloadOutcome } from "./status/actions.js";
import type { PairRuntime } from "./sync/pair-runtime.js";

/** What a reload changed, for its log line: pair ids only, never keys. */
function describeReload(before: Config, next: Config): { added: string[]; removed: string[]; changed: string[] } {
  const old = new Map(before.pairs.map((p) => [p.id, JSON.stringify(p)]));
  const now = new Map(next.pairs.map((p) => [p.id, JSON.stringify(p)]));
  return {
    added: [...now.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !now.has(id)),
    changed: [...now.keys()].filter((id) => old.has(id) && old.get(id) !== now.get(id)),
  };
}

/** Swaps the runtimes in place: the worker holds this map, and takes each event's pair from it. */
export function replaceRuntimes(target: Map<string, PairRuntime>, next: Map<string, PairRuntime>): void {
  target.clear();
  for (const [id, runtime] of next) target.set(id, runtime);
}

export interface ReloadTargets {
  /** Reads and validates the config file; absent when the service was not started from one. */
  loadConfig: (() => Config) | undefined;
  logger: Logger;
  current: () => Config;
  /** Puts a valid new config in place everywhere, without stopping intake. */
  apply: (next: Config, before: Config) => void;
}

/**
 * A reload (SIGHUP, the status page's button): an invalid file is refused with its message and changes
 * nothing; a valid one takes effect for the next delivery and the next event the worker takes.
 */
export function createReloader(targets: ReloadTargets): () => ReloadOutcome {
  return () => {
    if (!targets.loadConfig) return { ok: false, message: "this service was started without a config file to reload" };
    let next: Config;
    try {
      next = targets.loadConfig();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      targets.logger.error({ reason: message }, "config reload refused; the running config stays");
      return { ok: false, message };
    }
    const before = targets.current();
    try {
      targets.apply(next, before);
    } catch (error) {
      // apply swaps what lives in memory first; what failed after that is retried by its own next run.
      targets.logger.error({ err: error }, "config reload applied with an error; the new config is in effect");
      return { ok: false, message: `the new config is in effect, but part of the reload failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    targets.logger.info(describeReload(before, next), "config reloaded");
    return { ok: true, pairs: next.pairs.map((p) => p.id) };
  };
}
