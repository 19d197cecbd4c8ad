/** Internal records of the simulated Clockify. Times are epoch milliseconds at second precision. */
import type { CustomFieldRecord, WorkspaceRules } from "./workspace-rules.js";

export type Role = "OWNER" | "ADMIN" | "MEMBER";
export type Plan = "FREE" | "PRO";
/**
 * Reads return all four (API-NOTES §8, §11); the API creates only the first two. HOLIDAY and TIME_OFF
 * entries are what approved time off puts into a timesheet: the world API seeds them, HTTP cannot.
 */
export type EntryType = "REGULAR" | "BREAK" | "HOLIDAY" | "TIME_OFF";
export const CREATABLE_ENTRY_TYPES = ["REGULAR", "BREAK"] as const;
export type CreatableEntryType = (typeof CREATABLE_ENTRY_TYPES)[number];

export interface UserRecord {
  id: string;
  name: string;
  email: string;
  apiKey: string;
  timeZone: string;
}

export interface ClientRecord {
  id: string;
  workspaceId: string;
  name: string;
  archived: boolean;
  address: string;
  email: string;
  note: string;
}

export interface ProjectRecord {
  id: string;
  workspaceId: string;
  name: string;
  clientId: string | null;
  color: string;
  billable: boolean;
  isPublic: boolean;
  note: string;
  archived: boolean;
  /** Kept incrementally so webhook bodies can carry it without scanning every entry. */
  trackedSeconds: number;
}

export interface TaskRecord {
  id: string;
  workspaceId: string;
  projectId: string;
  name: string;
  status: "ACTIVE" | "DONE";
  billable: boolean;
  assigneeIds: string[];
  trackedSeconds: number;
}

export interface TagRecord {
  id: string;
  workspaceId: string;
  name: string;
  archived: boolean;
}

export interface EntryRecord {
  id: string;
  workspaceId: string;
  userId: string;
  description: string;
  projectId: string | null;
  taskId: string | null;
  tagIds: string[];
  billable: boolean;
  type: EntryType;
  start: number;
  end: number | null;
}

export interface WebhookRecord {
  id: string;
  workspaceId: string;
  userId: string;
  name: string;
  url: string;
  event: string;
  triggerSourceType: string;
  triggerSource: string[];
  authToken: string;
  enabled: boolean;
  /** Clockify turns delivery off after repeated failures (API-NOTES §2); the owner turns it back on. */
  deliveryEnabled: boolean;
  /** One line per delivery attempt, oldest first (WebhookLogDtoV1); capped, see webhook-logs.ts. */
  logs: WebhookLogRecord[];
  /** One per event sent to this webhook, oldest first (WebhookEventStatusWithLatestLogDtoV1). */
  eventStatuses: WebhookEventStatusRecord[];
  /** Events in a row whose every attempt failed: what turns deliveryEnabled off (a GUESS, see deliveries.ts). */
  failedInARow: number;
}

/** One delivery attempt as Clockify logs it. `statusCode` null: no answer (connection refused, timeout). */
export interface WebhookLogRecord {
  id: string;
  webhookId: string;
  webhookEventStatusId: string;
  /** The delivered body, byte for byte. */
  requestBody: string;
  responseBody: string;
  statusCode: number | null;
  /** Epoch ms of the answer (or of the failure). */
  respondedAt: number;
}

export type WebhookEventStatus = "SUCCEEDED" | "RETRYING" | "FAILED";

/** One event's delivery as a whole: retrying until it succeeded or the attempts ran out. */
export interface WebhookEventStatusRecord {
  id: string;
  webhookId: string;
  status: WebhookEventStatus;
  /** Attempts made after the first. */
  retryCount: number;
  latestLogId: string | null;
}

/**
 * One user's entries in one workspace, sorted by start ascending (then id). Kept lazily: writes mark
 * it dirty and the next read re-sorts, which is near-linear because the array is almost sorted.
 */
export interface EntryIndex {
  entries: EntryRecord[];
  dirty: boolean;
}

export interface WorkspaceRecord {
  id: string;
  name: string;
  plan: Plan;
  members: Map<string, Role>;
  clients: Map<string, ClientRecord>;
  projects: Map<string, ProjectRecord>;
  tasks: Map<string, TaskRecord>;
  tags: Map<string, TagRecord>;
  entries: Map<string, EntryRecord>;
  /** Deleted entries by id, so an undo can bring one back with its id (Clockify's UI offers it). */
  deletedEntries: Map<string, EntryRecord>;
  entriesByUser: Map<string, EntryIndex>;
  webhooks: Map<string, WebhookRecord>;
  rules: WorkspaceRules;
  customFields: Map<string, CustomFieldRecord>;
}

/** Which ids a change concerns, so webhook trigger sources (USER_ID, PROJECT_ID…) can filter it. */
export interface TriggerScope {
  userId?: string;
  projectId?: string | null;
  taskId?: string | null;
  tagIds?: readonly string[];
}

export interface WorldEvent {
  workspaceId: string;
  event: string;
  entityId: string;
  scope: TriggerScope;
  /** Built only when some webhook listens, so bulk seeding with emit on stays cheap. */
  payload: () => unknown;
}

export interface EmitOption {
  /** Fire the matching webhooks. World calls default to false; HTTP mutations always emit. */
  emit?: boolean;
}

export interface MutationOptions extends EmitOption {
  /** Who made the change; USER_ID webhooks on project/task/tag/client events filter on it. */
  actorId?: string;
}

/**
 * What a bulk delete sends; Clockify documents none (the spec has a payload type
 * TIME_ENTRY_BATCH_DELETED_IDS but no event type for it). Guesses: one TIME_ENTRY_DELETED per entry with
 * its full body ("per-entry", the default), or one TIME_ENTRY_DELETED whose body lists the ids, as an
 * object `{workspaceId, userId, timeEntryIds}` ("batch-object") or a bare array of ids ("batch-array").
 */
export type BulkDeleteEvents = "per-entry" | "batch-object" | "batch-array";
