import { and, eq, lt } from "drizzle-orm";
import { z } from "zod";
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

/** What a run found and planned for one member of the pair. */
export interface MemberCounts {
  /** Where the config names the member ("users[1]", "source.userId"). */
  field: string;
  sourceUserId: string;
  destinationUserId: string;
  /** The member's entries in the window that are the pair's (client's projects, finished). */
  entries: number;
  created: number;
  /** Taken over: a copy already in the destination (the original tool's, or an interrupted create's). */
  adopted: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

const count = z.number().int().nonnegative();
const memberCountsSchema = z.array(
  z.object({ field: z.string(), sourceUserId: z.string(), destinationUserId: z.string(), entries: count, created: count, adopted: count.default(0), updated: count, deleted: count, unchanged: count }),
);

export interface RunFinish extends Partial<RunCounts> {
  outcome: Exclude<RunOutcome, "running">;
  error?: string | null;
  memberCounts?: readonly MemberCounts[];
}

/** A run's per-member counts; none for runs from before they were stored, or a row that does not parse. */
export function memberCountsOf(run: Pick<ReconcileRun, "memberCounts">): MemberCounts[] {
  if (run.memberCounts === null) return [];
  try {
    const parsed = memberCountsSchema.safeParse(JSON.parse(run.memberCounts));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Records the run as "running" before any work, so a crash mid-run still leaves a row to see. */
export async function startReconcileRun({ db }: AppDatabase, start: RunStart, now: number = clockNow()): Promise<ReconcileRun> {
  return db
    .insert(reconcileRuns)
    .values({ ...start, startedAt: now, outcome: "running" })
    .returning()
    .get();
}

/** Counts left out keep their stored value. Returns undefined for an unknown run id. */
export async function finishReconcileRun(
  { db }: AppDatabase,
  runId: number,
  { outcome, error, memberCounts, ...counts }: RunFinish,
  now: number = clockNow(),
): Promise<ReconcileRun | undefined> {
  const members = memberCounts === undefined ? {} : { memberCounts: JSON.stringify(memberCounts) };
  return db
    .update(reconcileRuns)
    .set({ ...counts, ...members, outcome, error: error ?? null, finishedAt: now })
    .where(eq(reconcileRuns.id, runId))
    .returning()
    .get();
}

/**
 * Runs of a pair still marked "running" whose process is gone (the caller knows: it took over their
 * lease) become "aborted", so status and doctor stop calling them running.
 */
export async function abortOrphanedRuns({ db }: AppDatabase, pairId: string, reason: string, now: number = clockNow()): Promise<number> {
  return db
    .update(reconcileRuns)
    .set({ outcome: "aborted", finishedAt: now, error: reason })
    .where(and(eq(reconcileRuns.pairId, pairId), eq(reconcileRuns.outcome, "running")))
    .run().changes;
}

/** Polling's short-window runs are many (one per poll): only the last week of them is kept. */
export async function prunePollRuns({ db }: AppDatabase, before: number): Promise<number> {
  return db
    .delete(reconcileRuns)
    .where(and(eq(reconcileRuns.trigger, "poll"), lt(reconcileRuns.startedAt, before)))
    .run().changes;
}
