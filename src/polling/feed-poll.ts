import type { ChangeKind, FeedLine } from "../clockify/change-feed.js";
import type { ClockifyClient } from "../clockify/client.js";
import type { PairConfig } from "../config/schema.js";
import type { AppDatabase } from "../db/connection.js";
import { readCursor, writeCursor } from "../db/cursors.js";
import { entriesMappedSince } from "../db/entry-map.js";
import { enqueueDeliveries, type NewInboxEvent } from "../db/inbox.js";
import { pullEvents } from "../webhooks/pull.js";
import { fetchFeed, FeedOverflow } from "./feed-fetch.js";
import { markHealingDue } from "./listing-poll.js";
import { parseFeedLines, unseenChanges, type FeedChange } from "./feed-lines.js";
import { dueRechecks, feedWindows, type TimeWindow, type WindowSettings } from "./windows.js";

export interface FeedPollInput {
  database: AppDatabase;
  workspaceId: string;
  /** The pairs mirroring out of this workspace. */
  pairs: readonly PairConfig[];
  client: ClockifyClient;
  settings: WindowSettings;
  /** Entries first seen in /created and not yet safe from the created-and-deleted rule (see dueRechecks). */
  young: ReadonlyMap<string, number>;
  /** Changes earlier polls pulled, by entry and cause (see unseenChanges). */
  seen: ReadonlyMap<string, number>;
  now: number;
  aborted: () => boolean;
  /** Tests: fewer pages before the poll turns to a listing. */
  maxPages?: number;
}

export interface FeedPollResult {
  lines: number;
  /** Inbox events stored (one per pair and entry). */
  stored: number;
  /** Entries read again because their deletion could hide from /deleted. */
  rechecks: number;
  /** Lines whose entry id is only the line's own `id` (see FeedChange.identified). */
  unidentified: number;
  /**
   * Why a listing must heal what the feed could not give (the cursor older than the feed reaches, or more
   * pages than one poll reads); recorded as due until a listing succeeds (see markHealingDue).
   */
  healing: string | undefined;
  young: Map<string, number>;
  seen: Map<string, number>;
}

export const feedCursorName = (workspaceId: string, part: "changes" | "deleted") => `poll:feed:${workspaceId}:${part}`;

async function fetchAll(input: FeedPollInput, changes: TimeWindow, deleted: TimeWindow | undefined) {
  const get = (kind: ChangeKind, window: TimeWindow) => fetchFeed(input.client, input.workspaceId, kind, window, input.aborted, input.maxPages);
  const created = await get("created", changes);
  const updated = await get("updated", changes);
  const gone: FeedLine[] = deleted ? await get("deleted", deleted) : [];
  return { created, updated, gone };
}

function eventsFor(input: FeedPollInput, changes: readonly FeedChange[], rechecks: readonly string[]): NewInboxEvent[] {
  const { pairs, workspaceId, now } = input;
  return [
    ...changes.flatMap((c) => pullEvents(pairs, { workspaceId, entryId: c.entryId, userId: c.userId, cause: c.cause })),
    ...rechecks.flatMap((entryId) => pullEvents(pairs, { workspaceId, entryId, cause: `feed:recheck:${now}` })),
  ];
}

/**
 * The young entries of a process that just started: the ones before it died with it. The copies made since
 * the /deleted cursor (less the overlap) stand in for them, since only an entry created after that can
 * hide its deletion from the next /deleted window (dueRechecks reads them again until it cannot).
 */
export async function restoredYoung(database: AppDatabase, workspaceId: string, pairs: readonly PairConfig[], settings: WindowSettings): Promise<Map<string, number>> {
  const deleted = await readCursor(database, feedCursorName(workspaceId, "deleted"));
  if (deleted === undefined) return new Map();
  const mapped = await entriesMappedSince(database, pairs.map((p) => p.id), deleted - settings.overlapMs);
  return new Map(mapped.map((m) => [m.sourceEntryId, m.createdAt]));
}

/**
 * Too many changes for one poll: a listing of the recent entries heals, and the feed goes on from now.
 * Its cursors are set one overlap ahead, so the next windows start at this poll (its second: the feed's
 * instants are whole seconds) and not an overlap before it: the listing, read after this instant, holds
 * everything older, and a burst just before this poll would otherwise overflow the next poll too.
 */
async function overflowed(input: FeedPollInput, reason: string): Promise<FeedPollResult> {
  const { database, workspaceId, now } = input;
  await markHealingDue(database, workspaceId, now);
  await writeCursor(database, feedCursorName(workspaceId, "changes"), now + input.settings.overlapMs, now);
  await writeCursor(database, feedCursorName(workspaceId, "deleted"), now + input.settings.overlapMs, now);
  return { lines: 0, stored: 0, rechecks: 0, unidentified: 0, healing: reason, young: new Map(input.young), seen: new Map(input.seen) };
}

/**
 * One feed poll of one source workspace: the three feeds over their windows, each line a pull (the worker
 * reads the entry and mirrors what it finds, as for a webhook). Nothing is written when aborted midway,
 * so the next poll asks the same windows again. Undefined when aborted.
 */
export async function feedPoll(input: FeedPollInput): Promise<FeedPollResult | undefined> {
  const { database, workspaceId, now } = input;
  const cursors = {
    changes: await readCursor(database, feedCursorName(workspaceId, "changes")),
    deleted: await readCursor(database, feedCursorName(workspaceId, "deleted")),
  };
  const windows = feedWindows(cursors, now, input.settings);
  let fetched: Awaited<ReturnType<typeof fetchAll>>;
  try {
    fetched = await fetchAll(input, windows.changes, windows.deleted);
  } catch (error) {
    if (!(error instanceof FeedOverflow) || input.aborted()) throw error;
    return overflowed(input, error.message);
  }
  const { created, updated, gone } = fetched;
  if (input.aborted()) return undefined;
  const parsed = [
    parseFeedLines("created", created, now),
    parseFeedLines("updated", updated, now),
    parseFeedLines("deleted", gone, now),
  ];
  const oldestStart = Math.min(windows.changes.start, windows.deleted?.start ?? windows.changes.start);
  const { fresh: changes, seen } = unseenChanges(parsed.flatMap((p) => p.changes), input.seen, now, oldestStart - input.settings.overlapMs);
  const { recheck, keep } = dueRechecks(input.young, windows.deleted);
  for (const change of changes) if (change.kind === "created" && !keep.has(change.entryId)) keep.set(change.entryId, now);
  const events = eventsFor(input, changes, recheck);
  // Pulls first, cursors after: a crash between them asks the same windows again, and the same lines
  // dedupe in the inbox (same cause), so nothing is lost and nothing is applied twice. The gap is marked
  // before the cursors pass it, so a listing that fails (or a crash) leaves it due.
  const stored = events.length > 0 ? ((await enqueueDeliveries(database, [events], now))[0]?.stored ?? 0) : 0;
  if (windows.gap) await markHealingDue(database, workspaceId, now);
  await writeCursor(database, feedCursorName(workspaceId, "changes"), windows.next.changes, now);
  await writeCursor(database, feedCursorName(workspaceId, "deleted"), windows.next.deleted, now);
  return {
    lines: created.length + updated.length + gone.length,
    stored,
    rechecks: recheck.length,
    unidentified: changes.filter((c) => !c.identified).length,
    healing: windows.gap ? "the service was away longer than the feed reaches back" : undefined,
    young: keep,
    seen,
  };
}
