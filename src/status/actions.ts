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

/** What the status page may read and do; the HTTP layer only translates to these. */
export interface StatusActions {
  view(): StatusView;
  /**
   * Starts a full run of every pair in the background. The run records itself (reconcile_runs), so the
   * page shows its outcome on a later visit; a second start while one from here is going is refused.
   */
  startReconcile(): ReconcileStart;
  /** Dead letters back to the inbox; `ids` undefined means all. Returns how many were requeued. */
  retryDeadLetters(ids?: number[]): number;
  /** Resolves when no run started here is going (tests, shutdown). */
  idle(): Promise<void>;
}

export interface StatusActionDeps {
  database: AppDatabase;
  config: Config;
  logger: Logger;
  reconcileNow: () => Promise<unknown>;
  nextScheduledRun: () => Date | undefined;
  /** Wakes the worker after a requeue so retried events go at once. */
  onRequeued?: () => void;
  now?: () => number;
}

export function createStatusActions(deps: StatusActionDeps): StatusActions {
  const now = deps.now ?? Date.now;
  let running: Promise<void> | undefined;
  return {
    view() {
      return {
        report: collectStatus(deps.database, deps.config, now()),
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
    retryDeadLetters(ids) {
      const requeued = requeueDeadLetters(deps.database, ids, now());
      if (requeued > 0) deps.onRequeued?.();
      return requeued;
    },
    async idle() {
      await running;
    },
  };
}
