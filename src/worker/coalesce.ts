import type { SourceEntry } from "../sync/model.js";
import { PULL_EVENT } from "../webhooks/events.js";

export interface PendingEntryEvent {
  eventType: string;
  /** null when the body lacked what the decision needs (see sourceEntryFromEvent). */
  entry: SourceEntry | null;
  /** Equal for byte-identical bodies. */
  bodyKey: string;
}

export interface PastEntryEvent {
  eventType: string;
  bodyKey: string;
  /** The body describes a running timer (no end). */
  running?: boolean;
}

export type EntryPlan =
  | { kind: "apply"; entry: SourceEntry }
  | { kind: "delete" }
  /**
   * The events alone cannot say what is true now: read the entry from the source. `split`: the entry was
   * split, and the new part may have come without an event of its own, so look for it too.
   */
  | { kind: "read"; why: string; split?: true }
  | { kind: "skip"; why: string };

/**
 * How far along an entry's life an event is. Clockify does not order deliveries and bodies carry no
 * timestamp, but an entry's events do follow this order: a timer starts, then stops (or an entry is
 * created), then it is edited. A body of a lower rank than one already seen is therefore older.
 */
const RANK: Record<string, number> = {
  NEW_TIMER_STARTED: 0,
  NEW_TIME_ENTRY: 1,
  TIMER_STOPPED: 1,
  TIME_ENTRY_UPDATED: 2,
  TIME_ENTRY_RESTORED: 2,
  TIME_ENTRY_SPLIT: 2,
};

/**
 * Turns the pending events of one entry (oldest first) into one action, so a burst costs one write.
 * Pure. `history` is what was applied for the entry recently; `tombstoned` says the source deleted it.
 * Events are trusted as state when that is unambiguous, which is the common case and costs no read;
 * otherwise the plan is to read the source, which is always right.
 */
export function planEntryEvents(batch: PendingEntryEvent[], history: PastEntryEvent[], tombstoned: boolean): EntryPlan {
  const lastIndex = (type: string) => batch.map((e) => e.eventType).lastIndexOf(type);
  const deleted = lastIndex("TIME_ENTRY_DELETED");
  const restored = lastIndex("TIME_ENTRY_RESTORED");
  const split = batch.some((e) => e.eventType === "TIME_ENTRY_SPLIT") ? { split: true as const } : {};
  // Whatever else arrived, a pull asks the source, which is always right.
  if (batch.some((e) => e.eventType === PULL_EVENT)) return { kind: "read", why: "pulled", ...split };
  if (deleted > restored) {
    const deletion = batch[deleted];
    // A body that is not an entry (a bulk delete's list of ids) only says the id was touched.
    if (deletion?.entry === null) return { kind: "read", why: "delete without the entry's body" };
    // The same delete body applied before means this one is a late copy, maybe from before a restore.
    const again = history.some((h) => h.eventType === "TIME_ENTRY_DELETED" && h.bodyKey === deletion?.bodyKey);
    return again ? { kind: "read", why: "delete seen before" } : { kind: "delete" };
  }
  if (restored >= 0) return { kind: "read", why: "restored", ...split };
  if ("split" in split) return { kind: "read", why: "split", split: true };
  // Only the source can say a deleted entry is back; a late event must not resurrect it.
  if (tombstoned) return { kind: "read", why: "tombstoned" };

  const states = batch.filter((e) => e.eventType !== "TIME_ENTRY_DELETED");
  if (states.length === 0) return { kind: "skip", why: "nothing to apply" };
  if (states.some((e) => e.entry === null)) return { kind: "read", why: "incomplete body" };

  // A body of a running timer precedes any stopped state of the same entry, whatever its event type: a
  // running timer can be edited (TIME_ENTRY_UPDATED) before it stops (TIMER_STOPPED).
  const rank = (type: string, running = false) => (running ? 0 : (RANK[type] ?? 2));
  const rankOf = (e: PendingEntryEvent) => rank(e.eventType, e.entry?.end === null);
  const top = Math.max(...states.map(rankOf));
  const newest = states.filter((e) => rankOf(e) === top);
  if (new Set(newest.map((e) => e.bodyKey)).size > 1) return { kind: "read", why: "reordered burst" };
  const chosen = newest[newest.length - 1];
  if (!chosen?.entry) return { kind: "read", why: "incomplete body" };

  for (const past of history) {
    if (past.bodyKey === chosen.bodyKey || past.eventType === "TIME_ENTRY_DELETED") continue;
    const pastRank = rank(past.eventType, past.running);
    if (pastRank > top) return { kind: "skip", why: `stale ${chosen.eventType} after ${past.eventType}` };
    if (pastRank === top) return { kind: "read", why: "may be older than an applied event" };
  }
  return { kind: "apply", entry: chosen.entry };
}
