import { ApiError, badRequest } from "./errors.js";
import { timeEntryDto } from "./serialize.js";
import type { EntryRecord, WorkspaceRecord } from "./model.js";
import type { Store } from "./store.js";
import type { World } from "./world.js";

/*
 * The experimental change feed, GET /v1/workspaces/{ws}/entities/created|updated|deleted (API-NOTES §11).
 * From the spec: the window is `start`..`end`; an entity created and updated inside the window is only in
 * /created; created and deleted inside it is in neither; a deletion shows up about a minute after it
 * happened. Everything else here is a GUESS, marked where it is made.
 */

export type ChangeKind = "created" | "updated" | "deleted";

export interface EntityChange {
  kind: ChangeKind;
  entryId: string;
  /** When the change happened (epoch ms). */
  at: number;
  /** The entry as the change left it. */
  entry: EntryRecord;
}

export interface ChangeFeedSettings {
  /** A plan or workspace without the feature: every feed request answers this status. Undefined: served. */
  refuse: 403 | 404 | undefined;
  /** How long a deletion takes to appear in /deleted (the spec: about one minute). Tests shorten it. */
  deletedDelayMs: number;
}

export function defaultChangeFeedSettings(): ChangeFeedSettings {
  return { refuse: undefined, deletedDelayMs: 60_000 };
}

/** The world's feed switches (the world keeps its store to itself; this is the one way in for tests and benches). */
export function changeFeedSettings(world: World): ChangeFeedSettings {
  // The store is private to the world's API; bracket access is TypeScript's sanctioned way past that.
  return (world["store"] as Store).changeFeed;
}

/** Called by every entry mutation (entries.ts, entry-changes.ts). */
export function recordEntryChange(store: Store, ws: WorkspaceRecord, kind: ChangeKind, entry: EntryRecord): void {
  let log = store.entityChanges.get(ws.id);
  if (!log) store.entityChanges.set(ws.id, (log = []));
  log.push({ kind, entryId: entry.id, at: Date.now(), entry: { ...entry, tagIds: [...entry.tagIds] } });
}

export interface FeedRequest {
  kind: ChangeKind;
  types: readonly string[];
  start: number;
  end: number;
  page: number;
  limit: number;
  now: number;
}

const MAX_LIMIT = 1000; // GUESS: the spec names no maximum.

/** The answer of one feed request: lines of time-entry changes, newest change last (GUESS: by time). */
export function feedAnswer(store: Store, ws: WorkspaceRecord, request: FeedRequest): unknown {
  if (store.changeFeed.refuse !== undefined) throw refusal(store.changeFeed.refuse);
  if (request.types.length === 0) throw badRequest("type must name at least one document type");
  if (request.limit < 1 || request.limit > MAX_LIMIT) throw badRequest(`limit must be between 1 and ${MAX_LIMIT}`);
  if (request.end < request.start) throw badRequest("start must be before end");
  // GUESS: only TIME_ENTRY is logged by the simulator; other types answer an empty feed.
  const lines = request.types.includes("TIME_ENTRY") ? linesOf(store, ws, request) : [];
  const page = lines.slice(request.page * request.limit, (request.page + 1) * request.limit);
  // A third party's live probe saw a bare [] for an empty log; the spec's wrapper otherwise.
  return page.length === 0 ? [] : { response: page };
}

function refusal(status: 403 | 404): ApiError {
  // GUESS: what a plan without the feature answers is not documented.
  return status === 403 ? new ApiError(403, 403, "Feature not available on this plan") : new ApiError(404, 404, "Not found");
}

function linesOf(store: Store, ws: WorkspaceRecord, request: FeedRequest): unknown[] {
  const log = store.entityChanges.get(ws.id) ?? [];
  const inWindow = (at: number) => at >= request.start && at <= request.end; // GUESS: both ends inclusive
  const createdInWindow = new Set(log.filter((c) => c.kind === "created" && inWindow(c.at)).map((c) => c.entryId));
  const deletedInWindow = new Set(log.filter((c) => c.kind === "deleted" && inWindow(c.at)).map((c) => c.entryId));
  // One line per entity, its latest change of the kind in the window (GUESS: the log is not a history).
  const latest = new Map<string, EntityChange>();
  for (const change of log) {
    if (change.kind !== request.kind || !inWindow(change.at)) continue;
    if (change.kind === "deleted" && change.at + store.changeFeed.deletedDelayMs > request.now) continue;
    if (change.kind !== "created" && createdInWindow.has(change.entryId)) continue;
    if (change.kind === "created" && deletedInWindow.has(change.entryId)) continue;
    latest.delete(change.entryId);
    latest.set(change.entryId, change);
  }
  return [...latest.values()].map((change) => lineOf(change));
}

function lineOf(change: EntityChange): unknown {
  const at = new Date(change.at).toISOString();
  // GUESS: `id` is the entity's id and `document` the entity as the change left it.
  return {
    id: change.entryId,
    documentCode: "TIME_ENTRY",
    ...(change.kind === "deleted" ? { deletedAt: at } : change.kind === "created" ? { createdAt: at } : { updatedAt: at }),
    document: timeEntryDto(change.entry),
  };
}
