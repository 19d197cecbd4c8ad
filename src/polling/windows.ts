/** Poll windows of the change feed, and what the poller must remember between polls. Pure. */

export interface TimeWindow {
  start: number;
  end: number;
}

export interface FeedCursors {
  /** Where the last /created and /updated window ended (epoch ms). */
  changes?: number | undefined;
  /** Where the last /deleted window ended. */
  deleted?: number | undefined;
}

export interface WindowSettings {
  /** Each window starts this much before the last one ended: clock skew, a change committed late. */
  overlapMs: number;
  /** Deletions reach /deleted about a minute late (spec): its window ends this long before now. */
  deletedDelayMs: number;
  /** The feed's default (and longest sensible) window: older cursors are clamped, and a listing heals. */
  maxWindowMs: number;
  /** A workspace never polled looks back this far (older changes are the reconciliation's). */
  firstLookBackMs: number;
}

export const DEFAULT_WINDOW_SETTINGS: WindowSettings = {
  overlapMs: 60_000,
  // Twice the "about one minute" of the spec.
  deletedDelayMs: 2 * 60_000,
  maxWindowMs: 29 * 86_400_000,
  firstLookBackMs: 60 * 60_000,
};

export interface FeedWindows {
  changes: TimeWindow;
  /** Undefined when no deletion can have become visible since the last poll: no request. */
  deleted: TimeWindow | undefined;
  /** The service was away longer than the feed reaches back: a listing must heal the gap. */
  gap: boolean;
  next: Required<FeedCursors>;
}

function startFrom(cursor: number | undefined, fallback: number, s: WindowSettings): number {
  return cursor === undefined ? fallback : cursor - s.overlapMs;
}

export function feedWindows(cursors: FeedCursors, now: number, s: WindowSettings = DEFAULT_WINDOW_SETTINGS): FeedWindows {
  const oldest = now - s.maxWindowMs;
  const changesStart = startFrom(cursors.changes, now - s.firstLookBackMs, s);
  const deletedEnd = now - s.deletedDelayMs;
  const deletedStart = startFrom(cursors.deleted, deletedEnd - s.firstLookBackMs, s);
  const gap = changesStart < oldest || deletedStart < oldest;
  const changes = { start: Math.max(changesStart, oldest), end: now };
  const deleted = deletedEnd > deletedStart ? { start: Math.max(deletedStart, oldest), end: deletedEnd } : undefined;
  return { changes, deleted, gap, next: { changes: now, deleted: deleted?.end ?? cursors.deleted ?? deletedStart } };
}

/**
 * Entries first seen in /created whose creation may lie inside a later /deleted window: the spec hides an
 * entity created and deleted within one window, so their deletion would never show. Until a /deleted
 * window starts after they were first seen, each poll reads them again. Pure.
 */
export function dueRechecks(
  young: ReadonlyMap<string, number>,
  deleted: TimeWindow | undefined,
): { recheck: string[]; keep: Map<string, number> } {
  const recheck: string[] = [];
  const keep = new Map<string, number>();
  for (const [entryId, firstSeen] of young) {
    if (deleted && deleted.start > firstSeen) continue;
    keep.set(entryId, firstSeen);
    if (deleted) recheck.push(entryId);
  }
  return { recheck, keep };
}
