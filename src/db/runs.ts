import { and, eq } from "drizzle-orm";
import type { AppDatabase } from "./connection.js";
import { reconcileRuns, type ReconcileRun, type RunOutcome, type RunTrigger } from "./schema.js";
import { now as clockNow } from "../clock.js";

export interface RunStart {
  pairId: string;
  trigger: RunTrigger;
  windowStart: number;
  windowEnd: number;
  dryRun: boolean;
}

export interface RunCounts {
  created: number;
  updated: number;
  deleted: number;
  adopted: number;
  unchanged: number;
  failed: number;
  requests: number;
}

export interface RunFinish extends Partial<RunCounts> {
  outcome: Exclude<RunOutcome, "running">;
  error?: string | null;
}

/** Records the run as "running" before any work, so a crash mid-run still leaves a row to see. */
export function startReconcileRun({ db }: AppDatabase, start: RunStart, now: number = clockNow()): ReconcileRun {
  return db
    .insert(reconcileRuns)
    .values({ ...start, startedAt: now, outcome: "running" })
    .returning()
    .get();
}

/** Counts left out keep their stored value. Returns undefined for an unknown run id. */
export function finishReconcileRun(
  { db }: AppDatabase,
  runId: number,
  { outcome, error, ...counts }: RunFinish,
  now: number = clockNow(),
): ReconcileRun | undefined {
  return db
    .update(reconcileRuns)
    .set({ ...counts, outcome, error: error ?? null, finishedAt: now })
    .where(eq(reconcileRuns.id, runId))
    .returning()
    .get();
}

/**
 * Runs of a pair still marked "running" whose process is gone (the caller knows: it took over their
 * lease) become "aborted", so status and doctor stop calling them running.
 */
export function abortOrphanedRuns({ db }: AppDatabase, pairId: string, reason: string, now: number = clockNow()): number {
  return db
    .update(reconcileRuns)
    .set({ outcome: "aborted", finishedAt: now, error: reason })
    .where(and(eq(reconcileRuns.pairId, pairId), eq(reconcileRuns.outcome, "running")))
    .run().changes;
}
