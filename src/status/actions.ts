import type { Config } from "../config/schema.js";
import type { AppDatabase } from "../db/connection.js";
import { requeueDeadLetters } from "../db/inbox.js";
import type { Logger } from "../observability/logger.js";
import { collectStatus, type StatusReport } from "./collect.js";

export interface StatusView {
  report: StatusReport;
  /** When the nightly run fires next; undefined when the server is not scheduling. */
  nextScheduledRunAt: number | undefined;
}

export type ReconcileStart = "started" | "already-running";

/** What reading the config file again did: the pairs now running, or why the old config stays. */
export type ReloadOutcome = { ok: true; pairs: string[] } | { ok: false; message: string };

export const CANNOT_RELOAD: ReloadOutcome = { ok: false, message: "this process cannot reload its config" };

/** What the status page may read and do; the HTTP layer only translates to these. */
export interface StatusActions {
  view(): Promise<StatusView>;
  /**
   * Starts a full run of every pair in the background. The run records itself (reconcile_runs), so the
   * page shows its outcome on a later visit; a second start while one from here is going is refused.
   */
  startReconcile(): ReconcileStart;
  /** Dead letters back to the inbox; `ids` undefined means all. Returns how many were requeued. */
  retryDeadLetters(ids?: number[]): Promise<number>;
  /** Reads the config file again and applies it; an invalid file is refused and the old config keeps running. */
  reloadConfig(): ReloadOutcome;
  /** Resolves when no run started here is going (tests, shutdown). */
  idle(): Promise<void>;
}

export interface StatusActionDeps {
  database: AppDatabase;
  /** The config in effect; a function when a reload can replace it. */
  config: Config | (() => Config);
  logger: Logger;
  reconcileNow: () => Promise<unknown>;
  nextScheduledRun: () => Date | undefined;
  /** Wakes the worker after a requeue so retried events go at once. */
  onRequeued?: () => void;
  /** The service's reload; absent, the page's button is answered with CANNOT_RELOAD. */
  reload?: () => ReloadOutcome;
  now?: () => number;
}

export function createStatusActions(deps: StatusActionDeps): StatusActions {
  const now = deps.now ?? Date.now;
  const given = deps.config;
  const config = typeof given === "function" ? given : () => given;
  let running: Promise<void> | undefined;
  return {
    async view() {
      return {
        report: await collectStatus(deps.database, config(), now()),
        nextScheduledRunAt: deps.nextScheduledRun()?.getTime(),
      };
    },
    startReconcile() {
      if (running) return "already-running";
      deps.logger.info("reconciliation started from the status page");
      running = deps
        .reconcileNow()
        .then(
          () => undefined,
          (error: unknown) => deps.logger.error({ err: error }, "reconciliation started from the status page failed"),
        )
        .finally(() => {
          running = undefined;
        });
      return "started";
    },
    async retryDeadLetters(ids) {
      const requeued = await requeueDeadLetters(deps.database, ids, now());
      if (requeued > 0) deps.onRequeued?.();
      return requeued;
    },
    reloadConfig() {
      if (!deps.reload) return CANNOT_RELOAD;
      try {
        const outcome = deps.reload();
        deps.logger.info({ ok: outcome.ok }, "config reload asked from the status page");
        return outcome;
      } catch (error) {
        // The reload is meant to answer, not throw; if it does, the page still gets a sentence.
        deps.logger.error({ err: error }, "config reload from the status page failed");
        return { ok: false, message: "the reload failed unexpectedly; see the service log" };
      }
    },
    async idle() {
      await running;
    },
  };
}
