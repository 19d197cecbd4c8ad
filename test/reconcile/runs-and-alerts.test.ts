import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import { hostname } from "node:os";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { acquireLease, reconcileLeaseKey, releaseLease } from "../../src/db/leases.js";
import { startReconcileRun } from "../../src/db/runs.js";
import { listRecentReconcileRuns } from "../db/stored-rows.js";
import type { RunTrigger } from "../../src/db/schema.js";
import { Alerter } from "../../src/observability/alerts.js";
import type { FaultRequest } from "../../src/sandbox/index.js";
import { reconcileAll } from "../../src/sync/reconcile/all.js";
import { reconcilePair } from "../../src/sync/reconcile/run.js";
import { PAIR_ID, recentWindow, seedEntries, startHarness, type Harness } from "./support.js";

let h: Harness | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await h?.close();
  await receiver?.close();
  h = undefined;
  receiver = undefined;
});

interface Receiver {
  url: string;
  bodies: unknown[];
  close(): Promise<void>;
}

/** A local alert endpoint that records every POST body (parsed JSON). */
async function startReceiver(): Promise<Receiver> {
  const bodies: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "POST") bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown);
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The destination refuses every write, as a revoked permission would. */
function refuseDestinationWrites(env: Harness): void {
  const destinationWs = env.destination.workspaceId;
  env.sim.faults.failWhen = (req: FaultRequest) => (req.workspaceId === destinationWs && req.method !== "GET" ? 403 : undefined);
}

function seedPair(env: Harness, count: number): void {
  const { world } = env.sim;
  const project = world.addProject(env.source.workspaceId, { name: "Alpha", clientId: env.source.clientId });
  world.addProject(env.destination.workspaceId, { name: "Alpha" });
  seedEntries(env, env.source.workspaceId, project.id, count);
}

describe("alerts", () => {
  it("posts one {text} naming the pair to the receiver when a run fails, and none again within the hour", async () => {
    receiver = await startReceiver();
    h = await startHarness();
    seedPair(h, 4);
    refuseDestinationWrites(h);
    const alerter = new Alerter(receiver.url, h.logger);
    const options = { trigger: "cli" as const, windowDays: 30, ...recentWindow(), alerter, concurrency: 4 };

    const [first] = await reconcileAll([h.runtime()], options);
    expect(first?.outcome).toBe("failed");
    expect(first?.counts).toMatchObject({ failed: 4, created: 0 });
    expect(h.sim.world.listTimeEntries(h.destination.workspaceId)).toHaveLength(0);
    expect(receiver.bodies).toHaveLength(1);
    const [body] = receiver.bodies;
    expect(Object.keys(body as object)).toEqual(["text"]);
    const { text } = body as { text: unknown };
    expect(typeof text).toBe("string");
    expect(text).toContain(`"${PAIR_ID}"`);
    expect(text).toContain("failed");

    const [second] = await reconcileAll([h.runtime()], options);
    expect(second?.outcome).toBe("failed");
    expect(receiver.bodies).toHaveLength(1);
  });

  it("reaches the receiver from the service's own run when alerts.webhookUrl is configured", async () => {
    receiver = await startReceiver();
    h = await startHarness({ config: { alerts: { webhookUrl: receiver.url }, clockify: { requestsPerSecond: 50 } } });
    seedPair(h, 2);
    refuseDestinationWrites(h);
    const service = h.service();
    try {
      const [first] = await service.reconcileNow("cli");
      expect(first?.outcome).toBe("failed");
      expect(receiver.bodies).toHaveLength(1);
      expect((receiver.bodies[0] as { text: string }).text).toContain(`"${PAIR_ID}"`);
      await service.reconcileNow("cli");
      expect(receiver.bodies).toHaveLength(1);
    } finally {
      await service.stop();
    }
  });

  it("sends nothing when the run succeeds", async () => {
    receiver = await startReceiver();
    h = await startHarness();
    seedPair(h, 2);
    const [run] = await reconcileAll([h.runtime()], { trigger: "cli", windowDays: 30, ...recentWindow(), alerter: new Alerter(receiver.url, h.logger) });
    expect(run?.outcome).toBe("succeeded");
    expect(receiver.bodies).toHaveLength(0);
  });
});

describe("one run per pair at a time", () => {
  it("aborts the second of two concurrent runs of the same pair in one process", async () => {
    h = await startHarness();
    seedPair(h, 20);
    const window = recentWindow();
    const runs = await Promise.all([
      reconcilePair(h.runtime(), { ...window, trigger: "cli", concurrency: 4 }),
      reconcilePair(h.runtime(), { ...window, trigger: "cli", concurrency: 4 }),
    ]);
    const outcomes = runs.map((r) => r.outcome).sort();
    expect(outcomes).toEqual(["aborted", "succeeded"]);
    const aborted = runs.find((r) => r.outcome === "aborted");
    expect(aborted?.error).toBe("another reconciliation of this pair is running");
    expect(aborted?.runId).toBeNull();
    expect(h.sim.world.listTimeEntries(h.destination.workspaceId)).toHaveLength(20);
    expect(listRecentReconcileRuns(h.database, { pairId: PAIR_ID })).toHaveLength(1);
  });

  it("takes over at once from a run whose process on this host is gone, marking that run aborted", async () => {
    h = await startHarness();
    seedPair(h, 2);
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
    if (dead === undefined) throw new Error("no pid");
    const owner = `${hostname()}:${dead}:dead00`;
    expect(await acquireLease(h.database, reconcileLeaseKey(PAIR_ID), 600_000, owner)).toBe(true);
    const orphan = await startReconcileRun(h.database, { pairId: PAIR_ID, trigger: "cli", windowStart: 0, windowEnd: 1, dryRun: false });
    const run = await h.run();
    expect(run.outcome).toBe("succeeded");
    expect(run.counts.created).toBe(2);
    const before = listRecentReconcileRuns(h.database, { pairId: PAIR_ID }).find((r) => r.id === orphan.id);
    expect(before).toMatchObject({ outcome: "aborted", error: expect.stringContaining(`pid ${dead}) ended before the run finished`) });
  });

  it("aborts a run while another process holds the pair's lease, and runs once it is released", async () => {
    h = await startHarness();
    seedPair(h, 3);
    const key = reconcileLeaseKey(PAIR_ID);
    expect(await acquireLease(h.database, key, 60_000, "other-host:4242:cafe")).toBe(true);
    const blocked = await h.run();
    expect(blocked.outcome).toBe("aborted");
    expect(blocked.error).toBe("another reconciliation of this pair is running");
    expect(h.sim.world.listTimeEntries(h.destination.workspaceId)).toHaveLength(0);
    await releaseLease(h.database, key, "other-host:4242:cafe");
    const run = await h.run();
    expect(run.outcome).toBe("succeeded");
    expect(run.counts.created).toBe(3);
    // The lease is free again after the run.
    expect(await acquireLease(h.database, key, 60_000, "other-host:4242:cafe")).toBe(true);
  });

  it("records each run: window, trigger, counts, requests, outcome", async () => {
    h = await startHarness();
    seedPair(h, 5);
    const window = recentWindow();
    const first = await h.run({ ...window });
    const dry = await h.run({ ...window, dryRun: true, trigger: "admin" });
    const rows = listRecentReconcileRuns(h.database, { pairId: PAIR_ID });
    expect(rows).toHaveLength(2);
    const [latest, earlier] = rows;
    expect(earlier).toMatchObject({
      id: first.runId,
      pairId: PAIR_ID,
      trigger: "cli",
      windowStart: window.since.getTime(),
      windowEnd: window.until.getTime(),
      dryRun: false,
      outcome: "succeeded",
      created: 5,
      updated: 0,
      deleted: 0,
      adopted: 0,
      unchanged: 0,
      failed: 0,
      requests: first.requests,
      error: null,
    });
    expect(earlier?.finishedAt).toBeGreaterThanOrEqual(earlier?.startedAt ?? Infinity);
    expect(latest).toMatchObject({ id: dry.runId, trigger: "admin", dryRun: true, outcome: "succeeded", unchanged: 5, requests: dry.requests });

    refuseDestinationWrites(h);
    seedEntries(h, h.source.workspaceId, h.sim.world.listProjects(h.source.workspaceId)[0]?.id ?? null, 1, { prefix: "late", from: Date.now() - 3_600_000 });
    const failed = await h.run({ ...window });
    expect(listRecentReconcileRuns(h.database, { pairId: PAIR_ID, limit: 1 })[0]).toMatchObject({
      id: failed.runId,
      outcome: "failed",
      failed: 1,
      unchanged: 5,
      error: failed.error,
    });
  });

  it("releases the lease when the run cannot even be recorded", async () => {
    h = await startHarness();
    seedPair(h, 1);
    // Stands in for any failure of the first insert (disk full, a locked database): the CHECK rejects it.
    const broken = "not-a-trigger" as unknown as RunTrigger;
    await expect(h.run({ trigger: broken })).rejects.toThrow(/reconcile_runs_trigger_check/);
    // Another process must be able to take the pair again; so must the next run here.
    expect(await acquireLease(h.database, reconcileLeaseKey(PAIR_ID), 60_000, "other-host:4242:cafe")).toBe(true);
  });
});
