import { describe, expect, it } from "vitest";
import { entryMap, inbox, projectMap, reconcileRuns, webhooks, type NewInboxRow } from "../../src/db/schema.js";
import { useTempDatabases } from "./temp-database.js";

const temp = useTempDatabases();

function inboxRow(overrides: Partial<NewInboxRow> = {}): NewInboxRow {
  return {
    pairId: "pair-1",
    workspaceId: "ws-src",
    side: "source",
    eventType: "NEW_TIME_ENTRY",
    entityId: "entry-1",
    body: '{"id":"entry-1"}',
    dedupeKey: "NEW_TIME_ENTRY:entry-1:v1",
    ...overrides,
  };
}

describe("inbox constraints", () => {
  it("stores an identical redelivery once: a duplicate dedupe_key is rejected", () => {
    const { db } = temp.open();
    db.insert(inbox).values(inboxRow()).run();
    expect(() => db.insert(inbox).values(inboxRow({ body: "redelivered" })).run()).toThrow(
      /UNIQUE constraint failed: inbox\.dedupe_key/,
    );
    const ignored = db.insert(inbox).values(inboxRow()).onConflictDoNothing().run();
    expect(ignored.changes).toBe(0);
    expect(db.select().from(inbox).all()).toHaveLength(1);
  });

  it("fills status, attempts and timestamps with defaults", () => {
    const { db } = temp.open();
    const before = Date.now();
    const row = db.insert(inbox).values(inboxRow()).returning().get();
    expect(row).toMatchObject({ status: "pending", attempts: 0, leaseUntil: null, lastError: null, appliedAt: null });
    expect(row.receivedAt).toBeGreaterThanOrEqual(before);
    expect(row.availableAt).toBeGreaterThanOrEqual(before);
  });

  it("rejects an unknown status or side", () => {
    const { sqlite } = temp.open();
    const insert = sqlite.prepare(
      `insert into inbox (pair_id, workspace_id, side, event_type, entity_id, body, dedupe_key, status, available_at, received_at)
       values ('p', 'w', ?, 'E', 'e', '{}', ?, ?, 0, 0)`,
    );
    expect(() => insert.run("source", "k1", "exploded")).toThrow(/CHECK constraint failed: inbox_status_check/);
    expect(() => insert.run("sideways", "k2", "pending")).toThrow(/CHECK constraint failed: inbox_side_check/);
    expect(insert.run("destination", "k3", "ignored").changes).toBe(1);
  });
});

describe("project_map constraints", () => {
  const mapping = {
    pairId: "pair-1",
    sourceProjectId: "src-p1",
    destinationProjectId: "dst-p1",
    name: "Website",
    origin: "source" as const,
  };

  it("rejects a second row for the same source project", () => {
    const { db } = temp.open();
    db.insert(projectMap).values(mapping).run();
    expect(() => db.insert(projectMap).values({ ...mapping, destinationProjectId: "dst-p2" }).run()).toThrow(
      /UNIQUE constraint failed: project_map\.pair_id, project_map\.source_project_id/,
    );
  });

  it("rejects a second row for the same destination project", () => {
    const { db } = temp.open();
    db.insert(projectMap).values(mapping).run();
    expect(() => db.insert(projectMap).values({ ...mapping, sourceProjectId: "src-p2" }).run()).toThrow(
      /UNIQUE constraint failed: project_map\.pair_id, project_map\.destination_project_id/,
    );
  });

  it("allows the same ids in another pair", () => {
    const { db } = temp.open();
    db.insert(projectMap).values(mapping).run();
    db.insert(projectMap).values({ ...mapping, pairId: "pair-2" }).run();
    expect(db.select().from(projectMap).all()).toHaveLength(2);
  });
});

describe("entry_map constraints", () => {
  it("rejects a live row without a destination id", () => {
    const { db } = temp.open();
    expect(() =>
      db.insert(entryMap).values({ pairId: "p", sourceEntryId: "s", state: "live", origin: "created" }).run(),
    ).toThrow(/CHECK constraint failed: entry_map_live_has_destination_check/);
  });

  it("rejects a duplicate (pair, source entry)", () => {
    const { db } = temp.open();
    db.insert(entryMap).values({ pairId: "p", sourceEntryId: "s", state: "pending", origin: "created" }).run();
    expect(() =>
      db.insert(entryMap).values({ pairId: "p", sourceEntryId: "s", state: "pending", origin: "created" }).run(),
    ).toThrow(/UNIQUE constraint failed: entry_map\.pair_id, entry_map\.source_entry_id/);
  });
});

describe("reconcile_runs constraints", () => {
  it("rejects an unknown trigger", () => {
    const { sqlite } = temp.open();
    expect(() =>
      sqlite
        .prepare(
          `insert into reconcile_runs (pair_id, "trigger", window_start, window_end, dry_run, started_at)
           values ('p', 'cron', 0, 1, 0, 0)`,
        )
        .run(),
    ).toThrow(/CHECK constraint failed: reconcile_runs_trigger_check/);
  });

  it("defaults every count to 0 and the outcome to running", () => {
    const { db } = temp.open();
    const run = db
      .insert(reconcileRuns)
      .values({ pairId: "p", trigger: "cli", windowStart: 0, windowEnd: 1, dryRun: false })
      .returning()
      .get();
    expect(run).toMatchObject({
      outcome: "running",
      created: 0,
      updated: 0,
      deleted: 0,
      adopted: 0,
      unchanged: 0,
      failed: 0,
      requests: 0,
      finishedAt: null,
      error: null,
    });
  });
});

describe("webhooks constraints", () => {
  const row = {
    workspaceId: "ws",
    eventType: "NEW_TIME_ENTRY",
    clockifyWebhookId: "wh-1",
    url: "https://sync.example/webhooks/pair-1",
    tokenSha256: "a".repeat(64),
  };

  it("only accepts a 64-char lowercase hex token_sha256", () => {
    const { db } = temp.open();
    for (const bad of ["raw-token-value", "A".repeat(64), "a".repeat(63), `${"a".repeat(63)}g`]) {
      expect(() => db.insert(webhooks).values({ ...row, tokenSha256: bad }).run()).toThrow(
        /CHECK constraint failed: webhooks_token_sha256_hex_check/,
      );
    }
    expect(db.insert(webhooks).values(row).run().changes).toBe(1);
  });

  it("rejects a duplicate clockify id and a duplicate (workspace, event, url)", () => {
    const { db } = temp.open();
    db.insert(webhooks).values(row).run();
    expect(() => db.insert(webhooks).values({ ...row, url: "https://other.example/" }).run()).toThrow(
      /UNIQUE constraint failed: webhooks\.clockify_webhook_id/,
    );
    expect(() => db.insert(webhooks).values({ ...row, clockifyWebhookId: "wh-2" }).run()).toThrow(
      /UNIQUE constraint failed: webhooks\.workspace_id, webhooks\.event_type, webhooks\.url/,
    );
  });
});
