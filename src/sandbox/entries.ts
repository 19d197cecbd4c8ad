import { badRequest } from "./errors.js";
import { recordEntryChange } from "./change-feed.js";
import { timeEntryPayload } from "./payloads.js";
import { parseInstant, truncateToSecond } from "./time.js";
import type { Store } from "./store.js";
import type { EmitOption, EntryRecord, EntryType, WorkspaceRecord } from "./model.js";

/** Time-entry rules, shared by the HTTP routes and the world API. */

export type Instant = string | Date | number;

export interface EntryInput {
  /** Omitted on create means "now" (the live API accepts an empty body). */
  start?: Instant | null;
  /** Omitted or null: the entry is a running timer. */
  end?: Instant | null;
  description?: string | null;
  projectId?: string | null;
  taskId?: string | null;
  tagIds?: readonly string[] | null;
  billable?: boolean | null;
  /** Any type from the world API (time off is seeded there); HTTP bodies only REGULAR or BREAK (request-schemas). */
  type?: EntryType | null;
}

type EntryFields = Omit<EntryRecord, "id" | "workspaceId" | "userId">;

export interface EntryWriteOptions extends EmitOption {
  /** The workspace's rules for the caller (HTTP routes): throws the ApiError the API would answer. */
  allowed?: (entry: EntryFields) => void;
  /** The lock for the caller: throws when an entry starting then may not be changed. */
  unlocked?: (start: number) => void;
}

export function toMs(value: Instant, field: string): number {
  if (typeof value === "string") {
    const ms = parseInstant(value);
    if (ms === undefined) throw badRequest(`${field} must be in yyyy-MM-ddTHH:mm:ssZ format`);
    return ms;
  }
  const ms = typeof value === "number" ? value : value.getTime();
  if (!Number.isFinite(ms)) throw badRequest(`${field} is not a valid date`);
  return truncateToSecond(ms);
}

/** Validates a full set of entry fields; anything omitted takes its cleared value (full replacement). */
function resolveFields(store: Store, ws: WorkspaceRecord, input: EntryInput): EntryFields {
  const start = toMs(input.start ?? Date.now(), "start");
  const end = input.end === undefined || input.end === null ? null : toMs(input.end, "end");
  if (end !== null && end < start) throw badRequest("Start time must be before end time");
  const description = input.description ?? "";
  if (description.length > 3000) throw badRequest("Description must be at most 3000 characters");
  if (/[<>]/.test(description)) throw badRequest("Description must not contain '<' or '>'");
  const projectId = input.projectId ? store.project(ws, input.projectId).id : null;
  let taskId: string | null = null;
  if (input.taskId) {
    const task = store.task(ws, input.taskId);
    if (task.projectId !== projectId) throw badRequest("Task doesn't belong to Project");
    taskId = task.id;
  }
  const tagIds = [...new Set(input.tagIds ?? [])].map((id) => store.tag(ws, id).id);
  return {
    start,
    end,
    description,
    projectId,
    taskId,
    tagIds,
    billable: input.billable ?? false,
    type: input.type ?? "REGULAR",
  };
}

function trackedSeconds(entry: EntryRecord): number {
  return entry.end === null ? 0 : (entry.end - entry.start) / 1000;
}

/** Project and task durations travel in webhook bodies; keep them current without rescanning. */
export function account(ws: WorkspaceRecord, entry: EntryRecord, sign: 1 | -1): void {
  const seconds = sign * trackedSeconds(entry);
  if (!seconds) return;
  const project = entry.projectId ? ws.projects.get(entry.projectId) : undefined;
  if (project) project.trackedSeconds += seconds;
  const task = entry.taskId ? ws.tasks.get(entry.taskId) : undefined;
  if (task) task.trackedSeconds += seconds;
}

export function emitEntry(store: Store, ws: WorkspaceRecord, entry: EntryRecord, event: string, options?: EmitOption): void {
  store.emit(options, () => ({
    workspaceId: ws.id,
    event,
    entityId: entry.id,
    scope: { userId: entry.userId, projectId: entry.projectId, taskId: entry.taskId, tagIds: entry.tagIds },
    payload: () => timeEntryPayload(ws, entry, store.user(entry.userId)),
  }));
}

export function createEntry(
  store: Store,
  ws: WorkspaceRecord,
  userId: string,
  input: EntryInput,
  options?: EntryWriteOptions,
): EntryRecord {
  store.member(ws, userId);
  const fields = resolveFields(store, ws, input);
  options?.allowed?.(fields);
  const entry: EntryRecord = { id: store.ids.objectId(), workspaceId: ws.id, userId, ...fields };
  // Starting a timer stops the one already running, like the Clockify tracker does.
  if (entry.end === null) stopRunning(store, ws, userId, entry.start, options);
  ws.entries.set(entry.id, entry);
  store.indexEntry(ws, entry);
  account(ws, entry, 1);
  recordEntryChange(store, ws, "created", entry);
  emitEntry(store, ws, entry, entry.end === null ? "NEW_TIMER_STARTED" : "NEW_TIME_ENTRY", options);
  return entry;
}

/** PUT semantics: the input is the complete new state; the owner never changes. */
export function replaceEntry(
  store: Store,
  ws: WorkspaceRecord,
  entryId: string,
  input: EntryInput,
  options?: EntryWriteOptions,
): EntryRecord {
  const entry = store.entry(ws, entryId);
  if (input.start === undefined || input.start === null) throw badRequest("start is required");
  const fields = resolveFields(store, ws, input);
  // A locked entry cannot be moved out of the lock, nor another moved into it; the required fields are
  // judged on the state sent (a full replacement), not on the one replaced.
  options?.unlocked?.(entry.start);
  options?.allowed?.(fields);
  const wasRunning = entry.end === null;
  if (fields.end === null && !wasRunning) stopRunning(store, ws, entry.userId, fields.start, options);
  account(ws, entry, -1);
  if (fields.start !== entry.start) store.touchEntryIndex(ws, entry.userId);
  Object.assign(entry, fields);
  account(ws, entry, 1);
  recordEntryChange(store, ws, "updated", entry);
  emitEntry(store, ws, entry, wasRunning && entry.end !== null ? "TIMER_STOPPED" : "TIME_ENTRY_UPDATED", options);
  return entry;
}

export function runningEntry(store: Store, ws: WorkspaceRecord, userId: string): EntryRecord | undefined {
  const entries = store.entriesOf(ws, userId);
  // Newest first: a running timer is almost always the latest entry.
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry && entry.end === null) return entry;
  }
  return undefined;
}

export function stopTimer(
  store: Store,
  ws: WorkspaceRecord,
  userId: string,
  end: Instant,
  options?: EmitOption,
): EntryRecord {
  store.member(ws, userId);
  const entry = runningEntry(store, ws, userId);
  if (!entry) throw badRequest("No time entry in progress");
  const endMs = toMs(end, "end");
  if (endMs < entry.start) throw badRequest("Start time must be before end time");
  entry.end = endMs;
  account(ws, entry, 1);
  recordEntryChange(store, ws, "updated", entry);
  emitEntry(store, ws, entry, "TIMER_STOPPED", options);
  return entry;
}

function stopRunning(store: Store, ws: WorkspaceRecord, userId: string, at: number, options?: EmitOption): void {
  const running = runningEntry(store, ws, userId);
  if (running) stopTimer(store, ws, userId, Math.max(at, running.start), options);
}

export function deleteEntry(store: Store, ws: WorkspaceRecord, entryId: string, options?: EmitOption): EntryRecord {
  const entry = store.entry(ws, entryId);
  removeEntry(store, ws, entry);
  // The body is the entry's full final state, as Clockify sends it.
  emitEntry(store, ws, entry, "TIME_ENTRY_DELETED", options);
  return entry;
}

/** Takes the entry out of the workspace, keeping it for an undo (TIME_ENTRY_RESTORED, entry-changes.ts). */
export function removeEntry(store: Store, ws: WorkspaceRecord, entry: EntryRecord): void {
  ws.entries.delete(entry.id);
  ws.deletedEntries.set(entry.id, entry);
  store.touchEntryIndex(ws, entry.userId);
  account(ws, entry, -1);
  recordEntryChange(store, ws, "deleted", entry);
}

export interface EntryQuery {
  start?: number;
  end?: number;
  inProgress?: boolean;
  projectId?: string;
  taskId?: string;
  description?: string;
  page: number;
  pageSize: number;
}

/** Newest start first, like Clockify; the window filters on the entry's start, both ends inclusive. */
export function listEntries(
  store: Store,
  ws: WorkspaceRecord,
  userId: string,
  query: EntryQuery,
): { items: EntryRecord[]; lastPage: boolean } {
  const entries = store.entriesOf(ws, userId);
  const from = query.start === undefined ? 0 : firstIndexAtOrAfter(entries, query.start);
  const to = query.end === undefined ? entries.length : firstIndexAtOrAfter(entries, query.end + 1);
  const needle = query.description?.toLowerCase();
  const matches = (e: EntryRecord): boolean =>
    (!query.inProgress || e.end === null) &&
    (query.projectId === undefined || e.projectId === query.projectId) &&
    (query.taskId === undefined || e.taskId === query.taskId) &&
    (needle === undefined || e.description.toLowerCase().includes(needle));
  let skip = (query.page - 1) * query.pageSize;
  const items: EntryRecord[] = [];
  for (let i = to - 1; i >= from; i--) {
    const entry = entries[i];
    if (!entry || !matches(entry)) continue;
    if (skip > 0) {
      skip--;
      continue;
    }
    // One match beyond a full page proves this is not the last page.
    if (items.length === query.pageSize) return { items, lastPage: false };
    items.push(entry);
  }
  return { items, lastPage: true };
}

function firstIndexAtOrAfter(entries: readonly EntryRecord[], ms: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((entries[mid]?.start ?? 0) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
