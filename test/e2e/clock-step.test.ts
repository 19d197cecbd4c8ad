import request from "supertest";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";
import { inboxRows, waitUntil } from "./support/e2e.js";

/**
 * The wall clock stepped back an hour (a bad NTP start, a VM restored from a snapshot) while events wait.
 * Date.now() is what steps; performance.now() does not, as on a real machine.
 */
let m: MirrorEnv;
afterEach(async () => {
  vi.restoreAllMocks();
  await m.close();
});

const HOUR = 3_600_000;

describe("a wall clock stepped back", () => {
  it("does not hold a retry due in 100 ms for an hour, and ages stay non-negative", async () => {
    m = await startMirror({ worker: { retry: { baseDelayMs: 100, maxDelayMs: 100, maxAttempts: 30 } } });
    const { world } = m.sim;
    const project = world.addProject(m.source.workspaceId, { name: "Website", clientId: m.source.clientId });
    world.addProject(m.destination.workspaceId, { name: "Website" });
    let refusing = true;
    m.sim.faults.failWhen = (req) => (refusing && req.method === "POST" && req.workspaceId === m.destination.workspaceId ? 503 : undefined);
    world.createTimeEntry(
      m.source.workspaceId,
      m.user.id,
      { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "stepped", projectId: project.id },
      { emit: true },
    );
    await waitUntil("the first attempt failed and a retry is scheduled", () =>
      inboxRows(m).some((r) => r.status === "pending" && r.attempts >= 1),
    );

    const wall = Date.now.bind(Date);
    vi.spyOn(Date, "now").mockImplementation(() => wall() - HOUR);
    const health = await request(m.service.app).get("/healthz");
    expect(health.body.inboxDepth).toBeGreaterThanOrEqual(1);
    expect(health.body.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(0);
    const metrics = await request(m.service.app).get("/metrics");
    expect(metrics.text).not.toMatch(/inbox_oldest_pending_age_seconds -/);

    refusing = false;
    await waitUntil("the retry is applied", () => world.listTimeEntries(m.destination.workspaceId).length === 1, 5000);
    await waitUntil("its event is done", () => inboxRows(m).every((r) => r.status === "done"), 5000);
    expect(world.listTimeEntries(m.destination.workspaceId)).toHaveLength(1);
  });
});
