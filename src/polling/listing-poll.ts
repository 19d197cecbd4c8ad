import { deleteCursor, readCursor, writeCursor } from "../db/cursors.js";
import type { AppDatabase } from "../db/connection.js";
import type { PairRuntime } from "../sync/pair-runtime.js";
import { reconcilePair } from "../sync/reconcile/run.js";
import type { RunSummary } from "../sync/reconcile/summary.js";

const DAY_MS = 86_400_000;

export const listingCursorName = (workspaceId: string) => `poll:listing:${workspaceId}`;
/** Set while a listing is owed to the workspace (the feed left a gap or overflowed); its position is since when. */
const healingCursorName = (workspaceId: string) => `poll:healing-due:${workspaceId}`;

/** The feed could not give every change: a listing is owed until one succeeds (kept from the first time it fell due). */
export async function markHealingDue(database: AppDatabase, workspaceId: string, now: number): Promise<void> {
  if ((await healingDueSince(database, workspaceId)) === undefined) await writeCursor(database, healingCursorName(workspaceId), now, now);
}

/** Since when a listing is owed to the workspace, or undefined. */
export function healingDueSince(database: AppDatabase, workspaceId: string): Promise<number | undefined> {
  return readCursor(database, healingCursorName(workspaceId));
}

/**
 * The fallback: a short reconciliation of each pair over the last `windowDays` (by entry start), the same
 * listing, planner and writers as the nightly run, so an entry backdated within the window, an edit and a
 * deletion are all seen without a second planner. Runs under the pair's lease, so never beside a nightly run.
 * Only a listing of every pair that succeeded moves its cursor and settles a healing that was due.
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
  const complete = summaries.length === runtimes.length && summaries.every((s) => s.outcome === "succeeded");
  if (complete && !options.aborted()) {
    await writeCursor(database, listingCursorName(workspaceId), options.now, options.now);
    await deleteCursor(database, healingCursorName(workspaceId));
  }
  return summaries;
}
