import { acquireLease, PROCESS_OWNER, readLease, reconcileLeaseKey, releaseLease, renewLease } from "../../db/leases.js";
import { abortOrphanedRuns } from "../../db/runs.js";
import { describeHolder, leaseHolderIsGone } from "../../process/lease-holder.js";
import { finishReconcileRun, startReconcileRun } from "../../db/runs.js";
import type { AppDatabase } from "../../db/connection.js";
import type { ReconcileRun } from "../../db/schema.js";
import { silentProgress } from "../../observability/progress.js";
import { elapsedSince, monotonic } from "../../clock.js";
import type { PairRuntime } from "../pair-runtime.js";
import { execute } from "./execute.js";
import type { RunCountsSummary, RunOptions, RunSummary } from "./summary.js";

const LEASE_MS = 10 * 60_000;

/** Pairs this process is reconciling now, per database. */
const runningHere = new WeakMap<AppDatabase, Set<string>>();

/**
 * One full sync of a pair over a window: projects destination → source, then entries source →
 * destination, decided by the same planners and carried out by the same writers as the webhook path.
 * Never two runs of one pair at once (a lease in the database); the webhook worker and a run serialise
 * per entry (same process) or the worker waits for the run (another process).
 */
export async function reconcilePair(runtime: PairRuntime, options: RunOptions): Promise<RunSummary> {
  const started = monotonic();
  const progress = options.progress ?? silentProgress;
  const dryRun = options.dryRun ?? false;
  const counts: RunCountsSummary = { created: 0, updated: 0, deleted: 0, adopted: 0, unchanged: 0, failed: 0, skipped: 0 };
  const requestsAtStart = runtime.source.requestCount + runtime.destination.requestCount;
  const summary = (outcome: RunSummary["outcome"], runId: number | null, extra: Partial<RunSummary> = {}): RunSummary => ({
    pairId: runtime.pair.id,
    runId,
    since: options.since,
    until: options.until,
    dryRun,
    outcome,
    counts,
    projects: [],
    projectFailures: [],
    requests: runtime.source.requestCount + runtime.destination.requestCount - requestsAtStart,
    durationMs: Math.round(elapsedSince(started)),
    ...extra,
  });

  const { database, pair } = runtime;
  const leaseKey = reconcileLeaseKey(pair.id);
  // The lease is per process (an owner re-takes its own lease), so it cannot stop a second run in this
  // process: that takes the in-process set.
  let here = runningHere.get(database);
  if (!here) runningHere.set(database, (here = new Set()));
  const busy = () => summary("aborted", null, { error: "another reconciliation of this pair is running" });
  // Claimed here before the first await, so a second run of this process cannot pass the check meanwhile.
  if (here.has(pair.id)) return busy();
  here.add(pair.id);
  let leased = false;
  try {
    await takeOverFromGoneHolder(runtime, leaseKey);
    leased = await acquireLease(database, leaseKey, LEASE_MS);
  } finally {
    if (!leased) here.delete(pair.id);
  }
  if (!leased) return busy();
  const { release } = keepLease(runtime, leaseKey, here);
  let run: ReconcileRun;
  try {
    run = await startReconcileRun(database, {
          pairId: pair.id,
          trigger: options.trigger,
          windowStart: options.since.getTime(),
          windowEnd: options.until.getTime(),
          dryRun,
        });
  } catch (error) {
    await release();
    throw error;
  }
  let result: RunSummary;
  try {
    result = await execute(runtime, { ...options, dryRun }, counts, progress, (outcome, extra) => summary(outcome, run.id, extra));
  } catch (error) {
    result = summary("failed", run.id, { error: error instanceof Error ? error.message : String(error) });
  } finally {
    await release();
    progress.done();
  }
  await finishReconcileRun(database, run.id, {
        outcome: result.outcome,
        created: counts.created,
        updated: counts.updated,
        deleted: counts.deleted,
        adopted: counts.adopted,
        unchanged: counts.unchanged,
        failed: counts.failed,
        requests: result.requests,
        error: result.error ?? null,
        ...(result.members ? { memberCounts: result.members } : {}),
      });
  return result;
}

/**
 * The pair's lease while a run holds it: renewed every third of its time (a renewal the database refuses
 * is tried again at the next; the lease outlives two misses), and released after any renewal in flight,
 * so none can land after the release. The in-process mark goes last, once the lease row is gone.
 */
function keepLease(runtime: PairRuntime, leaseKey: string, here: Set<string>): { release(): Promise<void> } {
  const { database, pair, logger } = runtime;
  let renewal: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewal = renewLease(database, leaseKey, LEASE_MS, PROCESS_OWNER).then(
      (held) => {
        if (!held) logger.error({ pair: pair.id }, "the reconciliation lease was taken by another process: two runs of the pair may overlap");
      },
      (error: unknown) => logger.warn({ pair: pair.id, err: error }, "could not renew the reconciliation lease; trying again"),
    );
  }, LEASE_MS / 3);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await renewal;
      try {
        await releaseLease(database, leaseKey);
      } finally {
        here.delete(pair.id);
      }
    },
  };
}

/**
 * A run killed mid-way (SIGKILL, a closed laptop) leaves its lease for LEASE_MS: when its process is of
 * this host and gone, the lease is taken over at once and its run row marked aborted, instead of
 * answering "another reconciliation of this pair is running" for minutes.
 */
async function takeOverFromGoneHolder(runtime: PairRuntime, leaseKey: string): Promise<void> {
  const { database, pair, logger } = runtime;
  const current = await readLease(database, leaseKey);
  if (!current || current.owner === PROCESS_OWNER || !leaseHolderIsGone(current.owner, new Set([PROCESS_OWNER]))) return;
  // Only the process whose release removed the dead holder's lease marks its runs: another that took
  // over a moment earlier may already be running one.
  if (!await releaseLease(database, leaseKey, current.owner)) return;
  const aborted = await abortOrphanedRuns(database, pair.id, `the process running it (${describeHolder(current.owner)}) ended before the run finished`);
  logger.warn({ pair: pair.id, previous: describeHolder(current.owner), aborted }, "took over the reconciliation lease of a process that is gone");
}
