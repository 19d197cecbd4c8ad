import { now as clockNow } from "../clock.js";
import { sql, type SQL } from "drizzle-orm";
import {
  check,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
  type AnySQLiteColumn,
} from "drizzle-orm/sqlite-core";

// Every timestamp is integer milliseconds since the epoch (src/clock.ts: wall-clock, never stepping back), in a column named *_at.
// This file must stay free of relative imports: drizzle-kit loads it on its own to generate migrations.

export const PROJECT_ORIGINS = ["source", "destination"] as const;
export const ENTRY_STATES = ["pending", "live", "tombstone"] as const;
export const ENTRY_ORIGINS = ["created", "adopted"] as const;
export const WEBHOOK_SIDES = ["source", "destination"] as const;
export const INBOX_STATUSES = ["pending", "leased", "done", "dead", "ignored"] as const;
export const RUN_TRIGGERS = ["cli", "schedule", "admin", "setup", "poll"] as const;
export const RUN_OUTCOMES = ["running", "succeeded", "failed", "aborted"] as const;

export type ProjectOrigin = (typeof PROJECT_ORIGINS)[number];
export type EntryState = (typeof ENTRY_STATES)[number];
export type EntryOrigin = (typeof ENTRY_ORIGINS)[number];
export type WebhookSide = (typeof WEBHOOK_SIDES)[number];
export type InboxStatus = (typeof INBOX_STATUSES)[number];
export type RunTrigger = (typeof RUN_TRIGGERS)[number];
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/**
 * The bare column name. Drizzle would otherwise write `"table"."column"` into CHECKs, which breaks when
 * drizzle-kit later rebuilds a table under a temporary name to alter it.
 */
function col(column: AnySQLiteColumn): SQL {
  return sql`${sql.identifier(column.name)}`;
}

/**
 * A CHECK that the column holds one of the allowed values. Drizzle's `enum` option only narrows the
 * TypeScript type; this keeps hand-written SQL or a future bug from storing a state the sync can't read.
 */
function oneOf(column: AnySQLiteColumn, values: readonly string[]): SQL {
  const literals = values.map((value) => `'${value.replaceAll("'", "''")}'`).join(", ");
  return sql`${col(column)} in (${sql.raw(literals)})`;
}

const now = (): number => clockNow();

export const projectMap = sqliteTable(
  "project_map",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    pairId: text("pair_id").notNull(),
    sourceProjectId: text("source_project_id").notNull(),
    destinationProjectId: text("destination_project_id").notNull(),
    name: text("name").notNull(),
    origin: text("origin", { enum: PROJECT_ORIGINS }).notNull(),
    /**
     * The destination project's name when it could not be given to the source project (another source
     * project of the client holds it): the conflict a person must settle. Null when the names agree.
     */
    conflictName: text("conflict_name"),
    createdAt: integer("created_at", { mode: "number" }).notNull().$defaultFn(now),
    updatedAt: integer("updated_at", { mode: "number" }).notNull().$defaultFn(now),
  },
  (table) => [
    uniqueIndex("project_map_pair_source_uq").on(table.pairId, table.sourceProjectId),
    uniqueIndex("project_map_pair_destination_uq").on(table.pairId, table.destinationProjectId),
    check("project_map_origin_check", oneOf(table.origin, PROJECT_ORIGINS)),
  ],
);

export const entryMap = sqliteTable(
  "entry_map",
  {
    pairId: text("pair_id").notNull(),
    sourceEntryId: text("source_entry_id").notNull(),
    /** NULL while a create is in flight: the row is then the durable intent written before the create. */
    destinationEntryId: text("destination_entry_id"),
    /** Hash of the content last written to the destination; NULL until something was mirrored. */
    contentHash: text("content_hash"),
    state: text("state", { enum: ENTRY_STATES }).notNull(),
    origin: text("origin", { enum: ENTRY_ORIGINS }).notNull(),
    createdAt: integer("created_at", { mode: "number" }).notNull().$defaultFn(now),
    updatedAt: integer("updated_at", { mode: "number" }).notNull().$defaultFn(now),
  },
  (table) => [
    primaryKey({ name: "entry_map_pk", columns: [table.pairId, table.sourceEntryId] }),
    // source_entry_id last: lookups by destination id order by it, and without it SQLite walked the whole
    // primary key for that ORDER BY (a 100,000-entry adoption took minutes).
    index("entry_map_pair_destination_idx").on(table.pairId, table.destinationEntryId, table.sourceEntryId),
    check("entry_map_state_check", oneOf(table.state, ENTRY_STATES)),
    check("entry_map_origin_check", oneOf(table.origin, ENTRY_ORIGINS)),
    // A live mapping without a destination id could never be updated or deleted on the destination.
    check("entry_map_live_has_destination_check", sql`${col(table.state)} <> 'live' or ${col(table.destinationEntryId)} is not null`),
  ],
);

export const inbox = sqliteTable(
  "inbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    pairId: text("pair_id").notNull(),
    workspaceId: text("workspace_id").notNull(),
    side: text("side", { enum: WEBHOOK_SIDES }).notNull(),
    eventType: text("event_type").notNull(),
    entityId: text("entity_id").notNull(),
    /** The request body exactly as received, so a later parser fix can re-read old events. */
    body: text("body").notNull(),
    /** Clockify redelivers; the unique key makes an identical redelivery a no-op insert. */
    dedupeKey: text("dedupe_key").notNull().unique("inbox_dedupe_key_uq"),
    status: text("status", { enum: INBOX_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts", { mode: "number" }).notNull().default(0),
    availableAt: integer("available_at", { mode: "number" }).notNull().$defaultFn(now),
    leaseUntil: integer("lease_until", { mode: "number" }),
    lastError: text("last_error"),
    receivedAt: integer("received_at", { mode: "number" }).notNull().$defaultFn(now),
    appliedAt: integer("applied_at", { mode: "number" }),
    /** Name of the project an entry event is parked on until it is mapped. */
    waitingFor: text("waiting_for"),
    /** What applying did (created, updated, unchanged, deleted, ...), for the activity list. */
    outcome: text("outcome"),
    destinationId: text("destination_id"),
  },
  (table) => [
    index("inbox_status_available_idx").on(table.status, table.availableAt),
    index("inbox_pair_entity_id_idx").on(table.pairId, table.entityId, table.id),
    index("inbox_applied_idx").on(table.appliedAt),
    index("inbox_workspace_received_idx").on(table.workspaceId, table.receivedAt),
    check("inbox_side_check", oneOf(table.side, WEBHOOK_SIDES)),
    check("inbox_status_check", oneOf(table.status, INBOX_STATUSES)),
  ],
);

export const reconcileRuns = sqliteTable(
  "reconcile_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    pairId: text("pair_id").notNull(),
    trigger: text("trigger", { enum: RUN_TRIGGERS }).notNull(),
    windowStart: integer("window_start", { mode: "number" }).notNull(),
    windowEnd: integer("window_end", { mode: "number" }).notNull(),
    dryRun: integer("dry_run", { mode: "boolean" }).notNull(),
    startedAt: integer("started_at", { mode: "number" }).notNull().$defaultFn(now),
    finishedAt: integer("finished_at", { mode: "number" }),
    outcome: text("outcome", { enum: RUN_OUTCOMES }).notNull().default("running"),
    created: integer("created", { mode: "number" }).notNull().default(0),
    updated: integer("updated", { mode: "number" }).notNull().default(0),
    deleted: integer("deleted", { mode: "number" }).notNull().default(0),
    adopted: integer("adopted", { mode: "number" }).notNull().default(0),
    unchanged: integer("unchanged", { mode: "number" }).notNull().default(0),
    failed: integer("failed", { mode: "number" }).notNull().default(0),
    /** Clockify API requests the run made, to watch the rate budget. */
    requests: integer("requests", { mode: "number" }).notNull().default(0),
    error: text("error"),
    /** JSON array of MemberCounts (sync/reconcile/member-counts.ts): the run's plan split by member. */
    memberCounts: text("member_counts"),
  },
  (table) => [
    index("reconcile_runs_pair_started_idx").on(table.pairId, table.startedAt),
    check("reconcile_runs_trigger_check", oneOf(table.trigger, RUN_TRIGGERS)),
    check("reconcile_runs_outcome_check", oneOf(table.outcome, RUN_OUTCOMES)),
  ],
);

export const webhooks = sqliteTable(
  "webhooks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    workspaceId: text("workspace_id").notNull(),
    eventType: text("event_type").notNull(),
    clockifyWebhookId: text("clockify_webhook_id").notNull().unique("webhooks_clockify_webhook_id_uq"),
    url: text("url").notNull(),
    /** Hex SHA-256 of the webhook token. The token itself is a credential and is never stored. */
    tokenSha256: text("token_sha256").notNull(),
    createdAt: integer("created_at", { mode: "number" }).notNull().$defaultFn(now),
  },
  (table) => [
    uniqueIndex("webhooks_workspace_event_url_uq").on(table.workspaceId, table.eventType, table.url),
    index("webhooks_token_sha256_idx").on(table.tokenSha256),
    // Only a 64-char lowercase hex digest fits, so a raw token can't be stored here by mistake.
    check(
      "webhooks_token_sha256_hex_check",
      sql`length(${col(table.tokenSha256)}) = 64 and ${col(table.tokenSha256)} not glob '*[^0-9a-f]*'`,
    ),
  ],
);

export type ProjectMapping = typeof projectMap.$inferSelect;
export type EntryMapping = typeof entryMap.$inferSelect;
export type InboxRow = typeof inbox.$inferSelect;
export type NewInboxRow = typeof inbox.$inferInsert;
export type ReconcileRun = typeof reconcileRuns.$inferSelect;
export type WebhookRegistration = typeof webhooks.$inferSelect;

/**
 * Named leases between processes: a reconciliation run holds `reconcile:<pair>` so no second run of the
 * pair starts anywhere, and a server's worker leaves the pair's events alone while another process runs it.
 */
export const leases = sqliteTable("leases", {
  key: text("key").primaryKey(),
  owner: text("owner").notNull(),
  expiresAt: integer("expires_at", { mode: "number" }).notNull(),
});
export type Lease = typeof leases.$inferSelect;

export const CHECK_LEVELS = ["ok", "warning", "error"] as const;
export type CheckLevel = (typeof CHECK_LEVELS)[number];

/**
 * The latest result of each doctor check of each pair, written by whoever ran the checks (the service
 * at start, hourly and after a 401/403; `doctor`), so `status` and the status page read the same problems.
 */
export const checkResults = sqliteTable(
  "check_results",
  {
    pairId: text("pair_id").notNull(),
    check: text("check").notNull(),
    level: text("level", { enum: CHECK_LEVELS }).notNull(),
    message: text("message").notNull(),
    checkedAt: integer("checked_at", { mode: "number" }).notNull(),
    /** When this check last went from ok to warning/error; null while ok. */
    failingSince: integer("failing_since", { mode: "number" }),
  },
  (t) => [primaryKey({ columns: [t.pairId, t.check] }), check("check_results_level", sql`${col(t.level)} in ('ok', 'warning', 'error')`)],
);
export type CheckResultRow = typeof checkResults.$inferSelect;

export const BLOCK_KINDS = ["lock", "approval"] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];
export const BLOCKED_ACTIONS = ["write", "delete"] as const;
export type BlockedAction = (typeof BLOCKED_ACTIONS)[number];

/**
 * Copies the destination refused because their period is locked (403 code 1003) or the entry is
 * approved (403 code 4005). Kept apart from failures and dead letters: nothing is wrong with the sync,
 * the copy waits for the lock to lift or the approval to be withdrawn, and the next write that gets
 * through (reconcile or webhook) removes the row.
 */
export const blockedCopies = sqliteTable(
  "blocked_copies",
  {
    pairId: text("pair_id").notNull(),
    sourceEntryId: text("source_entry_id").notNull(),
    kind: text("kind", { enum: BLOCK_KINDS }).notNull(),
    action: text("action", { enum: BLOCKED_ACTIONS }).notNull(),
    /** The entry's start (what the lock date is compared with); null when the refused call did not say. */
    entryStartAt: integer("entry_start_at", { mode: "number" }),
    message: text("message").notNull(),
    firstTriedAt: integer("first_tried_at", { mode: "number" }).notNull(),
    lastTriedAt: integer("last_tried_at", { mode: "number" }).notNull(),
    attempts: integer("attempts", { mode: "number" }).notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.pairId, t.sourceEntryId] }),
    check("blocked_copies_kind", sql`${col(t.kind)} in ('lock', 'approval')`),
    check("blocked_copies_action", sql`${col(t.action)} in ('write', 'delete')`),
  ],
);
export type BlockedCopyRow = typeof blockedCopies.$inferSelect;

/**
 * Requests sent to each workspace, per minute, by every process on this database: the hourly budget
 * (clockify.workspaces[].requestsPerHour) and the usage in `status` and /metrics are read from here.
 */
export const apiUsage = sqliteTable(
  "api_usage",
  {
    workspaceId: text("workspace_id").notNull(),
    /** Minutes since the epoch. */
    minute: integer("minute", { mode: "number" }).notNull(),
    requests: integer("requests", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.minute] })],
);
export type ApiUsageRow = typeof apiUsage.$inferSelect;

/**
 * How far a periodic reader got, so a restart goes on from there: a webhook's delivery log
 * (`webhook-logs:<webhookId>`), a pair's poll (`poll:<pairId>:…`).
 */
export const cursors = sqliteTable("cursors", {
  name: text("name").primaryKey(),
  /** Epoch milliseconds: the end of the span read last. */
  position: integer("position", { mode: "number" }).notNull(),
  updatedAt: integer("updated_at", { mode: "number" }).notNull(),
});
export type CursorRow = typeof cursors.$inferSelect;
