import { describe, expect, it } from "vitest";
import { enqueueDeliveries } from "../../src/db/inbox.js";
import { finishReconcileRun, startReconcileRun } from "../../src/db/runs.js";
import { allWarnings, collectStatus } from "../../src/status/collect.js";
import { useTempDatabases } from "../db/temp-database.js";
import { event, HOUR, NOW, seedAcme, statusConfig, WS } from "./seed.js";

const temp = useTempDatabases();

describe("collectStatus", () => {
  it("counts mappings, inbox and dead letters per pair, from a real database", async () => {
    const database = temp.open();
    await seedAcme(database);
    const report = await collectStatus(database, statusConfig(), NOW);
    const acme = report.pairs.find((p) => p.id === "acme");
    expect(acme).toMatchObject({
      mappedProjects: 2,
      mappedEntries: { live: 3, tombstones: 1, pending: 1 },
      inbox: { depth: 1, oldestPendingAt: NOW - 2 * HOUR, oldestPendingAgeSeconds: 7200, deadLetters: 1 },
    });
    // Nothing of acme's leaks into the other pair.
    expect(report.pairs.find((p) => p.id === "globex")).toMatchObject({
      mappedProjects: 0,
      mappedEntries: { live: 0, tombstones: 0, pending: 0 },
      inbox: { depth: 0, oldestPendingAt: null, oldestPendingAgeSeconds: null, deadLetters: 0 },
      lastReconcile: null,
    });
  });

  it("reports the last reconciliation that was not a dry run", async () => {
    const database = temp.open();
    await seedAcme(database);
    const acme = (await collectStatus(database, statusConfig(), NOW)).pairs[0];
    expect(acme?.lastReconcile).toEqual({
      id: 1,
      trigger: "schedule",
      startedAt: NOW - 9 * HOUR,
      finishedAt: NOW - 9 * HOUR + 2100,
      windowStartAt: NOW - 30 * 24 * HOUR - 9 * HOUR,
      windowEndAt: NOW - 9 * HOUR,
      outcome: "succeeded",
      counts: { created: 1, updated: 2, deleted: 0, adopted: 0, unchanged: 40, failed: 0 },
      requests: 7,
      error: null,
      members: [],
    });
  });

  it("lists recent activity with latency, newest first, and dead letters with their error", async () => {
    const database = temp.open();
    await seedAcme(database);
    const report = await collectStatus(database, statusConfig(), NOW);
    expect(report.recentActivity).toHaveLength(3);
    expect(report.recentActivity[0]).toEqual({
      id: 3,
      pairId: "acme",
      eventType: "NEW_TIME_ENTRY",
      entityId: "e3",
      destinationId: "dst-e3",
      outcome: "created",
      receivedAt: NOW - 5 * HOUR,
      appliedAt: NOW - 5 * HOUR + 1500,
      latencyMs: 1500,
      // The seed's bodies are stubs ({ id }) the webhook schemas refuse: nothing is made up from them.
      eventLabel: "New entry",
      subject: "unreadable",
      description: null,
      projectName: null,
      startAt: null,
      endAt: null,
      durationMs: null,
      outcomeLabel: "Copied to the destination",
      outcomeTone: "changed",
    });
    expect(report.deadLetters).toEqual([
      {
        id: 4,
        pairId: "acme",
        eventType: "NEW_TIME_ENTRY",
        entityId: "e6",
        attempts: 1,
        receivedAt: NOW - 4 * HOUR,
        lastError: "Clockify PUT failed: HTTP 403: locked period",
      },
    ]);
    expect(report.deadLettersTotal).toBe(1);
  });

  it("gives the last webhook per workspace and warns about a workspace silent for longer than silenceHours", async () => {
    const database = temp.open();
    await seedAcme(database);
    const acme = (await collectStatus(database, statusConfig(), NOW)).pairs[0];
    expect(acme?.workspaces).toEqual([
      { side: "source", workspaceId: WS.SRC, lastWebhookAt: NOW - 2 * HOUR, silentHours: 2, registeredWebhooks: 1, expectsWebhooks: true },
      { side: "destination", workspaceId: WS.DST, lastWebhookAt: null, silentHours: null, registeredWebhooks: 1, expectsWebhooks: true },
    ]);
    // The source spoke 2 h ago: fine. The destination was registered 30 h ago and never spoke, which is
    // normal: it only sends project events. Silence is judged on the source, where entries flow daily.
    const silence = acme?.warnings.filter((w) => w.includes("webhook")) ?? [];
    expect(silence).toEqual([]);

    // 40 hours later the source is silent too, with the number of hours.
    const later = (await collectStatus(database, statusConfig(), NOW + 38 * HOUR)).pairs[0];
    expect(later?.warnings).toContain(
      `workspace ${WS.SRC} (source) has been silent for 40 hours (more than alerts.silenceHours = 24): ` +
        "Clockify disables failing webhooks quietly; check them with npm run webhooks -- list",
    );
    // A longer silenceHours tolerates it.
    const tolerant = (await collectStatus(database, statusConfig({ silenceHours: 48 }), NOW + 38 * HOUR)).pairs[0];
    expect(tolerant?.warnings.filter((w) => w.includes("silent"))).toEqual([]);
  });

  it("does not warn about silence within silenceHours of the registration, nor for a workspace that expects nothing", async () => {
    const database = temp.open();
    await seedAcme(database);
    // 20 h after the registration (10 h before NOW): within the grace period.
    const early = (await collectStatus(database, statusConfig(), NOW - 10 * HOUR)).pairs[0];
    expect(early?.warnings.filter((w) => w.includes("webhook"))).toEqual([]);
  });

  it("warns about a pair with webhook secrets whose workspaces never sent anything, until one does", async () => {
    const database = temp.open();
    const before = (await collectStatus(database, statusConfig(), NOW)).pairs.find((p) => p.id === "globex");
    expect(before?.warnings).toEqual([
      `workspace ${WS.SRC2} (source) has never sent a webhook, though the pair has webhookSecrets: ` +
        "Clockify disables failing webhooks quietly; check them with npm run webhooks -- list",
    ]);
    await enqueueDeliveries(database, [[event("globex", WS.SRC2, "g1"), event("globex", WS.DST2, "p1", "NEW_PROJECT")]], NOW - HOUR);
    const after = (await collectStatus(database, statusConfig(), NOW)).pairs.find((p) => p.id === "globex");
    expect(after?.warnings).toEqual([]);
    expect(after?.workspaces.map((w) => w.silentHours)).toEqual([1, 1]);
  });

  it("warns about dead letters and a failed last reconciliation; an empty database has no other warning", async () => {
    const database = temp.open();
    const config = statusConfig();
    const acmeOnly = { ...config, pairs: config.pairs.filter((p) => p.id === "acme") };
    expect(allWarnings(await collectStatus(database, acmeOnly, NOW))).toEqual([]);
    await seedAcme(database);
    const run = await startReconcileRun(database, { pairId: "acme", trigger: "admin", windowStart: 0, windowEnd: 1, dryRun: false }, NOW - 10);
    await finishReconcileRun(database, run.id, { outcome: "failed", error: "HTTP 401: bad API key" }, NOW - 5);
    const warnings = allWarnings(await collectStatus(database, acmeOnly, NOW));
    expect(warnings).toContain("1 dead letter(s): events that failed for good wait for a person; replay with npm run deadletter -- list");
    expect(warnings).toContain(`the last reconciliation (${new Date(NOW - 10).toISOString()}) failed: HTTP 401: bad API key`);
  });
});
