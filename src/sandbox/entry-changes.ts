import { account, emitEntry, removeEntry, toMs, type EntryWriteOptions, type Instant } from "./entries.js";
import { badRequest, notInWorkspace } from "./errors.js";
import { recordEntryChange } from "./change-feed.js";
import type { Store } from "./store.js";
import type { EmitOption, EntryRecord, WorkspaceRecord } from "./model.js";

/*
 * Entry changes beyond create, edit and delete: split, restore (undo of a delete) and bulk delete.
 * Clockify documents the event names (API-NOTES §3) and the bulk delete route (§8), not what split and
 * restore do to the data nor what their webhooks carry; every such behaviour below is marked GUESS.
 */

export interface SplitResult {
  /** The split entry, now ending at the split time; it keeps its id. */
  first: EntryRecord;
  /** The new entry from the split time to the old end. */
  second: EntryRecord;
}

/**
 * GUESS: splitting entry X at T shortens X to end at T and creates a new entry Y from T to X's old end
 * with the same project, task, tags, description, billable flag and type. Only TIME_ENTRY_SPLIT fires,
 * with X's shortened body, and nothing for Y: the worst case, so a mirror must find Y by itself.
 */
export function splitEntry(store: Store, ws: WorkspaceRecord, entryId: string, at: Instant, options?: EntryWriteOptions): SplitResult {
  const entry = store.entry(ws, entryId);
  // GUESS: a running timer has no end to split at; the UI offers split on stopped entries only.
  if (entry.end === null) throw badRequest("A running time entry cannot be split");
  const splitAt = toMs(at, "at");
  if (splitAt <= entry.start || splitAt >= entry.end) throw badRequest("Split time must be between the entry's start and end");
  options?.unlocked?.(entry.start);
  const oldEnd = entry.end;
  account(ws, entry, -1);
  entry.end = splitAt;
  account(ws, entry, 1);
  const second: EntryRecord = { ...entry, id: store.ids.objectId(), tagIds: [...entry.tagIds], start: splitAt, end: oldEnd };
  ws.entries.set(second.id, second);
  store.indexEntry(ws, second);
  account(ws, second, 1);
  recordEntryChange(store, ws, "updated", entry);
  recordEntryChange(store, ws, "created", second);
  emitEntry(store, ws, entry, "TIME_ENTRY_SPLIT", options);
  return { first: entry, second };
}

/**
 * GUESS: restoring (the undo after a delete) brings the entry back as it was, with the same id, and fires
 * TIME_ENTRY_RESTORED with its full body, like the other entry events.
 */
export function restoreEntry(store: Store, ws: WorkspaceRecord, entryId: string, options?: EmitOption): EntryRecord {
  if (ws.entries.has(entryId)) throw badRequest("Time entry is not deleted");
  const entry = ws.deletedEntries.get(entryId);
  if (!entry) throw notInWorkspace("Time entry");
  // Reading the index first drops the deleted record from it, so the restored one is not listed twice.
  store.entriesOf(ws, entry.userId);
  ws.deletedEntries.delete(entryId);
  ws.entries.set(entry.id, entry);
  store.indexEntry(ws, entry);
  account(ws, entry, 1);
  // GUESS: the feed shows a restored entry as created again (it left the bin, like a new document).
  recordEntryChange(store, ws, "created", entry);
  emitEntry(store, ws, entry, "TIME_ENTRY_RESTORED", options);
  return entry;
}

/**
 * `DELETE /v1/workspaces/{ws}/user/{userId}/time-entries?time-entry-ids=…` (API-NOTES §8, spec deleteMany:
 * 200 with the deleted entries). GUESS: all or nothing, every id must be an entry of that user (else the
 * usual 400 "doesn't belong") and unlocked for the caller; the webhooks follow store.bulkDeleteEvents.
 */
export function deleteEntries(
  store: Store,
  ws: WorkspaceRecord,
  userId: string,
  ids: readonly string[],
  options?: EntryWriteOptions,
): EntryRecord[] {
  store.member(ws, userId);
  const unique = [...new Set(ids)];
  if (unique.length === 0) throw badRequest("time-entry-ids must name at least one time entry");
  const entries = unique.map((id) => {
    const entry = store.entry(ws, id);
    if (entry.userId !== userId) throw notInWorkspace("Time entry");
    options?.unlocked?.(entry.start);
    return entry;
  });
  for (const entry of entries) removeEntry(store, ws, entry);
  if (store.bulkDeleteEvents === "per-entry") {
    for (const entry of entries) emitEntry(store, ws, entry, "TIME_ENTRY_DELETED", options);
    return entries;
  }
  const batch = store.bulkDeleteEvents === "batch-array" ? unique : { workspaceId: ws.id, userId, timeEntryIds: unique };
  store.emit(options, () => ({
    workspaceId: ws.id,
    event: "TIME_ENTRY_DELETED",
    entityId: unique.join(","),
    scope: { userId },
    payload: () => batch,
  }));
  return entries;
}
