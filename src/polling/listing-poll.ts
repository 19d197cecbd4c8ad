import { writeCursor } from "../db/cursors.js";
import type { AppDatabase } from "../db/connection.js";
import type { PairRuntime } from "../sync/pair-runtime.js";
import { reconcilePair } from "../sync/reconcile/run.js";
import type { RunSummary } from "../sync/reconcile/summary.js";

const DAY_MS = 86_400_000;

export const listingCursorName = (workspaceId: string) => `poll:listing:${workspaceId}`;

/**
 * The fallback: a short reconciliation of each pair over the last `windowDays` (by entry start), the same
 * listing, planner and writers as the nightly run, so an entry backdated within the window, an edit and a
 * deletion are all seen without a second planner. Runs under the pair's lease, so never beside a nightly run.
 */
export async function listingPoll(
  database: AppDatabase,
  workspaceId: string,
  runtimes: readonly PairRuntime[],
  options: { now: number; windowDays: number; aborted: () => boolean },
): Promise<RunSummary[]> {
  const summaries: RunSummary[] = [];
  for (const runtime of runtimes) {
    if (options.aborted()) break;
    summaries.push(
      await reconcilePair(runtime, {
        since: new Date(options.now - options.windowDays * DAY_MS),
        until: new Date(options.now),
        trigger: "poll",
      }),
    );
  }
  if (!options.aborted()) writeCursor(database, listingCursorName(workspaceId), options.now, options.now);
  return summaries;
}
