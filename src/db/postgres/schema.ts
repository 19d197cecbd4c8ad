import { sql, type SQL } from "drizzle-orm";
import { bigint, check, index, integer, type AnyPgColumn, pgTable, primaryKey, serial, text, uniqueIndex } from "drizzle-orm/pg-core";
import { BLOCK_KINDS, BLOCKED_ACTIONS, CHECK_LEVELS, ENTRY_ORIGINS, ENTRY_STATES, INBOX_STATUSES, PROJECT_ORIGINS, RUN_OUTCOMES, RUN_TRIGGERS, WEBHOOK_SIDES } from "../schema.js";

/**
 * The same tables as ../schema.ts (SQLite), for Postgres: what one holds the other holds, column for
 * column and name for name, so the store's SQL (src/db/*.ts) reads and writes both alike. Timestamps are
 * bigint epoch milliseconds (the connection reads int8 as a number); the migrations are drizzle-kit's
 * (`npm run db:generate`), in migrations/postgres.
 */

const col = (column: AnyPgColumn): SQL => sql`${sql.identifier(column.name)}`;
const oneOf = (column: AnyPgColumn, values: readonly string[]): SQL =>
  sql`${col(column)} in (${sql.raw(values.map((v) => `'${v.replaceAll("'", "''")}'`).join(", "))})`;
const epoch = (name: string) => bigint(name, { mode: "number" });

export const projectMap = pgTable(
  "project_map",
  {
    id: serial("id").primaryKey(),
    pairId: text("pair_id").notNull(),
    sourceProjectId: text("source_project_id").notNull(),
    destinationProjectId: text("destination_project_id").notNull(),
    name: text("name").notNull(),
    origin: text("origin", { enum: PROJECT_ORIGINS }).notNull(),
    conflictName: text("conflict_name"),
    createdAt: epoch("created_at").notNull(),
    updatedAt: epoch("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("project_map_pair_source_uq").on(t.pairId, t.sourceProjectId),
    uniqueIndex("project_map_pair_destination_uq").on(t.pairId, t.destinationProjectId),
    check("project_map_origin_check", oneOf(t.origin, PROJECT_ORIGINS)),
  ],
);

export const entryMap = pgTable(
  "entry_map",
  {
    pairId: text("pair_id").notNull(),
    sourceEntryId: text("source_entry_id").notNull(),
    destinationEntryId: text("destination_entry_id"),
    contentHash: text("content_hash"),
    state: text("state", { enum: ENTRY_STATES }).notNull(),
    origin: text("origin", { enum: ENTRY_ORIGINS }).notNull(),
    createdAt: epoch("created_at").notNull(),
    updatedAt: epoch("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ name: "entry_map_pk", columns: [t.pairId, t.sourceEntryId] }),
    index("entry_map_pair_destination_idx").on(t.pairId, t.destinationEntryId, t.sourceEntryId),
    check("entry_map_state_check", oneOf(t.state, ENTRY_STATES)),
    check("entry_map_origin_check", oneOf(t.origin, ENTRY_ORIGINS)),
    check("entry_map_live_has_destination_check", sql`${col(t.state)} <> 'live' or ${col(t.destinationEntryId)} is not null`),
  ],
);

export const inbox = pgTable(
  "inbox",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    pairId: text("pair_id").notNull(),
    workspaceId: text("workspace_id").notNull(),
    side: text("side", { enum: WEBHOOK_SIDES }).notNull(),
    eventType: text("event_type").notNull(),
    entityId: text("entity_id").notNull(),
    body: text("body").notNull(),
    dedupeKey: text("dedupe_key").notNull().unique("inbox_dedupe_key_uq"),
    status: text("status", { enum: INBOX_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    availableAt: epoch("available_at").notNull(),
    leaseUntil: epoch("lease_until"),
    lastError: text("last_error"),
    receivedAt: epoch("received_at").notNull(),
    appliedAt: epoch("applied_at"),
    waitingFor: text("waiting_for"),
    outcome: text("outcome"),
    destinationId: text("destination_id"),
  },
  (t) => [
    index("inbox_status_available_idx").on(t.status, t.availableAt),
    index("inbox_pair_entity_id_idx").on(t.pairId, t.entityId, t.id),
    index("inbox_applied_idx").on(t.appliedAt),
    index("inbox_workspace_received_idx").on(t.workspaceId, t.receivedAt),
    check("inbox_side_check", oneOf(t.side, WEBHOOK_SIDES)),
    check("inbox_status_check", oneOf(t.status, INBOX_STATUSES)),
  ],
);

export const reconcileRuns = pgTable(
  "reconcile_runs",
  {
    id: serial("id").primaryKey(),
    pairId: text("pair_id").notNull(),
    trigger: text("trigger", { enum: RUN_TRIGGERS }).notNull(),
    windowStart: epoch("window_start").notNull(),
    windowEnd: epoch("window_end").notNull(),
    // 0 or 1, as in SQLite: the store binds one value for both engines.
    dryRun: integer("dry_run").notNull(),
    startedAt: epoch("started_at").notNull(),
    finishedAt: epoch("finished_at"),
    outcome: text("outcome", { enum: RUN_OUTCOMES }).notNull().default("running"),
    created: integer("created").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    deleted: integer("deleted").notNull().default(0),
    adopted: integer("adopted").notNull().default(0),
    unchanged: integer("unchanged").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    requests: integer("requests").notNull().default(0),
    error: text("error"),
    memberCounts: text("member_counts"),
  },
  (t) => [
    index("reconcile_runs_pair_started_idx").on(t.pairId, t.startedAt),
    check("reconcile_runs_trigger_check", oneOf(t.trigger, RUN_TRIGGERS)),
    check("reconcile_runs_outcome_check", oneOf(t.outcome, RUN_OUTCOMES)),
  ],
);

export const webhooks = pgTable(
  "webhooks",
  {
    id: serial("id").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
    eventType: text("event_type").notNull(),
    clockifyWebhookId: text("clockify_webhook_id").notNull().unique("webhooks_clockify_webhook_id_uq"),
    url: text("url").notNull(),
    tokenSha256: text("token_sha256").notNull(),
    createdAt: epoch("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhooks_workspace_event_url_uq").on(t.workspaceId, t.eventType, t.url),
    index("webhooks_token_sha256_idx").on(t.tokenSha256),
    check("webhooks_token_sha256_hex_check", sql`${col(t.tokenSha256)} ~ '^[0-9a-f]{64}$'`),
  ],
);

export const leases = pgTable("leases", {
  key: text("key").primaryKey(),
  owner: text("owner").notNull(),
  expiresAt: epoch("expires_at").notNull(),
});

export const checkResults = pgTable(
  "check_results",
  {
    pairId: text("pair_id").notNull(),
    check: text("check").notNull(),
    level: text("level", { enum: CHECK_LEVELS }).notNull(),
    message: text("message").notNull(),
    checkedAt: epoch("checked_at").notNull(),
    failingSince: epoch("failing_since"),
  },
  (t) => [primaryKey({ columns: [t.pairId, t.check] }), check("check_results_level", oneOf(t.level, CHECK_LEVELS))],
);

export const blockedCopies = pgTable(
  "blocked_copies",
  {
    pairId: text("pair_id").notNull(),
    sourceEntryId: text("source_entry_id").notNull(),
    kind: text("kind", { enum: BLOCK_KINDS }).notNull(),
    action: text("action", { enum: BLOCKED_ACTIONS }).notNull(),
    entryStartAt: epoch("entry_start_at"),
    message: text("message").notNull(),
    firstTriedAt: epoch("first_tried_at").notNull(),
    lastTriedAt: epoch("last_tried_at").notNull(),
    attempts: integer("attempts").notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.pairId, t.sourceEntryId] }),
    check("blocked_copies_kind", oneOf(t.kind, BLOCK_KINDS)),
    check("blocked_copies_action", oneOf(t.action, BLOCKED_ACTIONS)),
  ],
);

export const apiUsage = pgTable(
  "api_usage",
  {
    workspaceId: text("workspace_id").notNull(),
    minute: bigint("minute", { mode: "number" }).notNull(),
    requests: integer("requests").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.minute] })],
);

export const cursors = pgTable("cursors", {
  name: text("name").primaryKey(),
  position: epoch("position").notNull(),
  updatedAt: epoch("updated_at").notNull(),
});
