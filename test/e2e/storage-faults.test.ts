import Database from "better-sqlite3";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { listEntryMappings } from "../db/stored-rows.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";
import { inboxRows, waitUntil } from "./support/e2e.js";

/**
 * Storage faults inside the service, with webhooks arriving: a disk that fills up (SQLite's
 * max_page_count, for real) and another connection holding the write lock while the worker writes.
 * Nothing may end the process; every delivery answered 2xx must be applied exactly once afterwards.
 */
let m: MirrorEnv;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
afterEach(async () => {
  process.off("unhandledRejection", onUnhandled);
  await m.close();
});

function startWatching(): void {
  unhandled.length = 0;
  process.on("unhandledRejection", onUnhandled);
}

const UNLIMITED_PAGES = 1_073_741_823;
const setMaxPages = (db: Database.Database, pages: number) => db.pragma(`max_page_count = ${pages}`);
const pageCount = (db: Database.Database) => Number(db.pragma("page_count", { simple: true }));

describe("storage faults in the service", () => {
  it("lives through a full disk: 503s and /healthz 503 while full, every acknowledged entry copied once after", async () => {
    m = await startMirror({ simulator: { webhookRetryDelayMs: 100, webhookMaxAttempts: 200 } });
    startWatching();
    const { world } = m.sim;
    const project = world.addProject(m.source.workspaceId, { name: "Website", clientId: m.source.clientId });
    world.addProject(m.destination.workspaceId, { name: "Website" });
    const entry = (i: number) =>
      world.createTimeEntry(
        m.source.workspaceId,
        m.user.id,
        {
          start: new Date(Date.UTC(2026, 10, 20, 8, 0) + i * 60_000).toISOString().replace(".000", ""),
          end: new Date(Date.UTC(2026, 10, 20, 8, 0) + i * 60_000 + 30_000).toISOString().replace(".000", ""),
          description: `entry ${i} ${"x".repeat(400)}`,
          projectId: project.id,
        },
        { emit: true },
      );
    entry(0);
    await m.settle();

    // The disk is "full" from now on: neither connection may grow the file by a page.
    const connections = [m.database.sqlite, m.service.intakeDatabase.sqlite];
    for (const db of connections) setMaxPages(db, pageCount(db));
    const refused = () => m.sim.deliveries.log.filter((d) => d.status === 503).length;
    let made = 1;
    while (refused() < 3 && made < 200) {
      entry(made++);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(refused()).toBeGreaterThanOrEqual(3);
    const health = await request(m.service.app).get("/healthz");
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: "unhealthy", database: "failing", storage: { intake: { error: "SQLITE_FULL" } } });
    const metrics = await request(m.service.app).get("/metrics");
    expect(metrics.text).toMatch(/storage_errors_total\{path="intake",operation="commit",code="SQLITE_FULL"\} [1-9]/);

    // Room again: the simulator redelivers what was refused, and everything resumes by itself.
    for (const db of connections) setMaxPages(db, UNLIMITED_PAGES);
    await waitUntil("every entry is copied", () => world.listTimeEntries(m.destination.workspaceId).length === made, 30_000);
    await m.settle();
    const copies = world.listTimeEntries(m.destination.workspaceId).map((e) => e.description.split(" ").slice(0, 2).join(" "));
    expect(new Set(copies).size).toBe(made);
    expect(copies).toHaveLength(made);
    expect(listEntryMappings(m.database, "acme").filter((r) => r.destinationEntryId !== null)).toHaveLength(made);
    expect(inboxRows(m).filter((r) => r.status !== "done")).toEqual([]);
    expect((await request(m.service.app).get("/healthz")).status).toBe(200);
    expect(unhandled).toEqual([]);
    // One line when the problem began, however many deliveries were refused.
    expect(m.logs.filter((l) => l.includes("webhooks cannot be stored")).length).toBe(1);
  });

  it("lives through a foreign write lock taken while the worker applies: owed writes land once it is gone", async () => {
    m = await startMirror({ simulator: { webhookRetryDelayMs: 100, webhookMaxAttempts: 200 } });
    startWatching();
    const { world } = m.sim;
    const project = world.addProject(m.source.workspaceId, { name: "Website", clientId: m.source.clientId });
    world.addProject(m.destination.workspaceId, { name: "Website" });
    // Destination writes take a while, so the lock arrives while the worker is between claim and completion.
    m.sim.faults.delayWhen = (req) => (req.method === "POST" ? { afterMs: 300 } : undefined);
    for (let i = 0; i < 5; i++) {
      world.createTimeEntry(
        m.source.workspaceId,
        m.user.id,
        {
          start: `2026-11-20T0${i}:00:00Z`,
          end: `2026-11-20T0${i}:30:00Z`,
          description: `locked ${i}`,
          projectId: project.id,
        },
        { emit: true },
      );
    }
    await waitUntil("the worker is applying", () => inboxRows(m).some((r) => r.status === "leased"));
    const holder = new Database(`${m.dir}/sync.db`);
    holder.exec("BEGIN IMMEDIATE");
    try {
      await waitUntil("a worker write is refused", () => m.service.storage.state("worker").code?.startsWith("SQLITE_BUSY") ?? false, 5000);
      const health = await request(m.service.app).get("/healthz");
      expect(health.body).toMatchObject({ storage: { worker: { error: expect.stringMatching(/^SQLITE_BUSY/) } } });
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      holder.exec("COMMIT");
      holder.close();
    }
    await waitUntil("all five are copied", () => world.listTimeEntries(m.destination.workspaceId).length === 5, 20_000);
    await m.settle();
    expect(world.listTimeEntries(m.destination.workspaceId).map((e) => e.description).sort()).toEqual(
      ["locked 0", "locked 1", "locked 2", "locked 3", "locked 4"],
    );
    expect(inboxRows(m).filter((r) => r.status !== "done")).toEqual([]);
    expect(m.service.storage.state("worker").ok).toBe(true);
    expect(unhandled).toEqual([]);
  });
});
