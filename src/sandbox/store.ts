import { accessDenied, notInWorkspace } from "./errors.js";
import { defaultChangeFeedSettings, type ChangeFeedSettings, type EntityChange } from "./change-feed.js";
import type { IdFactory } from "./ids.js";
import type {
  BulkDeleteEvents,
  ClientRecord,
  EmitOption,
  EntryIndex,
  EntryRecord,
  ProjectRecord,
  TagRecord,
  TaskRecord,
  UserRecord,
  WebhookRecord,
  WorkspaceRecord,
  WorldEvent,
} from "./model.js";

/** The simulator's whole state plus the lookups every rule needs; mutations live next to it. */
export class Store {
  readonly users = new Map<string, UserRecord>();
  readonly usersByApiKey = new Map<string, UserRecord>();
  readonly workspaces = new Map<string, WorkspaceRecord>();
  /** Set by the simulator to route world events to webhook deliveries. */
  sink: ((event: WorldEvent) => void) | undefined;
  /** The webhook a bulk delete fires (a guess, see BulkDeleteEvents); tests switch it. */
  bulkDeleteEvents: BulkDeleteEvents = "per-entry";
  /** Entry changes per workspace, for the change feed (change-feed.ts). */
  readonly entityChanges = new Map<string, EntityChange[]>();
  changeFeed: ChangeFeedSettings = defaultChangeFeedSettings();

  constructor(readonly ids: IdFactory) {}

  emit(option: EmitOption | undefined, make: () => WorldEvent): void {
    if (option?.emit && this.sink) this.sink(make());
  }

  workspace(workspaceId: string): WorkspaceRecord {
    const ws = this.workspaces.get(workspaceId);
    if (!ws) throw accessDenied();
    return ws;
  }

  user(userId: string): UserRecord {
    const user = this.users.get(userId);
    if (!user) throw notInWorkspace("User");
    return user;
  }

  member(ws: WorkspaceRecord, userId: string): UserRecord {
    const user = this.users.get(userId);
    if (!user || !ws.members.has(userId)) throw notInWorkspace("User");
    return user;
  }

  client(ws: WorkspaceRecord, id: string): ClientRecord {
    return found(ws.clients.get(id), "Client");
  }

  project(ws: WorkspaceRecord, id: string): ProjectRecord {
    return found(ws.projects.get(id), "Project");
  }

  task(ws: WorkspaceRecord, id: string): TaskRecord {
    return found(ws.tasks.get(id), "Task");
  }

  tag(ws: WorkspaceRecord, id: string): TagRecord {
    return found(ws.tags.get(id), "Tag");
  }

  entry(ws: WorkspaceRecord, id: string): EntryRecord {
    return found(ws.entries.get(id), "Time entry");
  }

  webhook(ws: WorkspaceRecord, id: string): WebhookRecord {
    return found(ws.webhooks.get(id), "Webhook");
  }

  /** A user's entries in start order (ascending, then id), re-sorted lazily after writes. */
  entriesOf(ws: WorkspaceRecord, userId: string): EntryRecord[] {
    const index = ws.entriesByUser.get(userId);
    if (!index) return [];
    if (index.dirty) {
      index.entries = index.entries.filter((e) => ws.entries.get(e.id) === e);
      index.entries.sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      index.dirty = false;
    }
    return index.entries;
  }

  indexEntry(ws: WorkspaceRecord, entry: EntryRecord): void {
    let index: EntryIndex | undefined = ws.entriesByUser.get(entry.userId);
    if (!index) {
      index = { entries: [], dirty: false };
      ws.entriesByUser.set(entry.userId, index);
    }
    const last = index.entries[index.entries.length - 1];
    // Chronological seeding appends in order, so the index stays sorted without any work.
    if (last && (last.start > entry.start || (last.start === entry.start && last.id > entry.id))) index.dirty = true;
    index.entries.push(entry);
  }

  /** After a delete or a start change; the next read filters and re-sorts. */
  touchEntryIndex(ws: WorkspaceRecord, userId: string): void {
    const index = ws.entriesByUser.get(userId);
    if (index) index.dirty = true;
  }
}

function found<T>(value: T | undefined, kind: string): T {
  if (value === undefined) throw notInWorkspace(kind);
  return value;
}
