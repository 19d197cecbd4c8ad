import { sql } from "drizzle-orm";
import { z } from "zod";
import type { ReconcileRun, RunOutcome, RunTrigger } from "./schema.js";
import type { Store } from "./sql/executor.js";
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

/** Every column of reconcile_runs under its field name. */
export const RUN_COLUMNS = sql.raw(
  `id, pair_id as "pairId", "trigger", window_start as "windowStart", window_end as "windowEnd", dry_run as "dryRun", ` +
    `started_at as "startedAt", finished_at as "finishedAt", outcome, created, updated, deleted, adopted, unchanged, failed, ` +
    `requests, error, member_counts as "memberCounts"`,
);

/** dry_run is 0 or 1 in both engines. */
export type RunRow = Omit<ReconcileRun, "dryRun"> & { dryRun: number | boolean };
export const runOf = (row: RunRow): ReconcileRun => ({ ...row, dryRun: Boolean(row.dryRun) });

/** Records the run as "running" before any work, so a crash mid-run still leaves a row to see. */
export async function startReconcileRun({ exec }: Store, start: RunStart, now: number = clockNow()): Promise<ReconcileRun> {
  const row = await exec.get<RunRow>(sql`
    insert into reconcile_runs (pair_id, "trigger", window_start, window_end, dry_run, started_at, outcome)
    values (${start.pairId}, ${start.trigger}, ${start.windowStart}, ${start.windowEnd}, ${start.dryRun ? 1 : 0}, ${now}, 'running')
    returning ${RUN_COLUMNS}`);
  if (!row) throw new Error("inserting a reconcile run returned no row");
  return runOf(row);
}

const COUNT_COLUMNS = { created: "created", updated: "updated", deleted: "deleted", adopted: "adopted", unchanged: "unchanged", failed: "failed", requests: "requests" } as const;

/** Counts left out keep their stored value. Returns undefined for an unknown run id. */
export async function finishReconcileRun(
  { exec }: Store,
  runId: number,
  { outcome, error, memberCounts, ...counts }: RunFinish,
  now: number = clockNow(),
): Promise<ReconcileRun | undefined> {
  const sets = [sql`outcome = ${outcome}`, sql`error = ${error ?? null}`, sql`finished_at = ${now}`];
  for (const [field, column] of Object.entries(COUNT_COLUMNS)) {
    const value = counts[field as keyof typeof COUNT_COLUMNS];
    if (value !== undefined) sets.push(sql`${sql.raw(column)} = ${value}`);
  }
  if (memberCounts !== undefined) sets.push(sql`member_counts = ${JSON.stringify(memberCounts)}`);
  const row = await exec.get<RunRow>(sql`update reconcile_runs set ${sql.join(sets, sql`, `)} where id = ${runId} returning ${RUN_COLUMNS}`);
  return row && runOf(row);
}

/**
 * Runs of a pair still marked "running" whose process is gone (the caller knows: it took over their
 * lease) become "aborted", so status and doctor stop calling them running.
 */
export async function abortOrphanedRuns({ exec }: Store, pairId: string, reason: string, now: number = clockNow()): Promise<number> {
  return exec.run(sql`update reconcile_runs set outcome = 'aborted', finished_at = ${now}, error = ${reason} where pair_id = ${pairId} and outcome = 'running'`);
}

/** Polling's short-window runs are many (one per poll): only the last week of them is kept. */
export async function prunePollRuns({ exec }: Store, before: number): Promise<number> {
  return exec.run(sql`delete from reconcile_runs where "trigger" = 'poll' and started_at < ${before}`);
}
