import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getEntryMapping } from "../../src/db/entry-map.js";
import { listEntryMappings } from "../db/stored-rows.js";
import { listDeadLetters, requeueDeadLetters } from "../../src/db/inbox.js";
import type { FaultRequest } from "../../src/sandbox/index.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";
import { CREATE_ENTRY, UPDATE_ENTRY, inboxRows, settle, waitUntil } from "./support/e2e.js";

let m: MirrorEnv;
beforeEach(async () => {
  m = await startMirror();
});
afterEach(async () => {
  await m.close();
});

const src = () => m.source.workspaceId;
const dst = () => m.destination.workspaceId;
const destEntries = () => m.sim.world.listTimeEntries(dst());
const toDestination = (req: FaultRequest) => req.workspaceId === dst();
const isEntryWrite = (req: FaultRequest) =>
  toDestination(req) && (req.method === "POST" || req.method === "PUT") && req.route.includes("/time-entries");

function websiteProjects() {
  const source = m.sim.world.addProject(src(), { name: "Website", clientId: m.source.clientId });
  const destination = m.sim.world.addProject(dst(), { name: "Website" });
  return { source, destination };
}

describe("destination outage", () => {
  it("mirrors an entry exactly once after the first destination requests fail with 503", async () => {
    const { world } = m.sim;
    const projects = websiteProjects();
    let failures = 0;
    // More than the client's own retries (maxRetries 5): the worker has to retry the event too.
    m.sim.faults.failWhen = (req) => {
      if (!toDestination(req) || failures >= 14) return undefined;
      failures++;
      return 503;
    };
    const entry = world.createTimeEntry(
      src(),
      m.user.id,
      { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "through the storm", projectId: projects.source.id },
      { emit: true },
    );
    await settle(m);

    expect(failures).toBe(14);
    const copies = destEntries();
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ description: "through the storm", projectId: projects.destination.id });
    expect(m.sim.stats.count({ ...CREATE_ENTRY, status: 201 })).toBe(1);
    expect(m.sim.stats.count({ status: 503 })).toBe(14);
    const [row] = inboxRows(m);
    expect(row).toMatchObject({ status: "done", outcome: "created" });
    expect(row?.attempts).toBeGreaterThan(0);
    expect(await getEntryMapping(m.database, "acme", entry.id)).toMatchObject({ state: "live", destinationEntryId: copies[0]?.id });
  });

  it("catches up on creates and edits made while the destination was down, once each", async () => {
    const { world } = m.sim;
    const projects = websiteProjects();
    const base = { end: "2026-11-20T10:00:00Z", projectId: projects.source.id };
    const before = world.createTimeEntry(src(), m.user.id, { ...base, start: "2026-11-20T08:00:00Z", description: "before" }, { emit: true });
    await settle(m);
    expect(destEntries()).toHaveLength(1);

    let down = true;
    m.sim.faults.failWhen = (req) => (down && toDestination(req) ? 503 : undefined);
    const during = ["a", "b", "c"].map((d, i) =>
      world.createTimeEntry(src(), m.user.id, { ...base, start: `2026-11-2${i + 1}T09:00:00Z`, end: `2026-11-2${i + 1}T10:00:00Z`, description: d }, { emit: true }),
    );
    world.updateTimeEntry(src(), before.id, { ...base, start: "2026-11-20T08:00:00Z", description: "before, edited" }, { emit: true });
    world.updateTimeEntry(src(), before.id, { ...base, start: "2026-11-20T08:00:00Z", description: "before, edited twice" }, { emit: true });
    // Ride out several worker retries before the destination recovers.
    await waitUntil("every event was retried", () => {
      const rows = inboxRows(m).filter((r) => r.status !== "done");
      return rows.length === 5 && rows.every((r) => r.attempts >= 1);
    });
    expect(destEntries()).toHaveLength(1);
    down = false;
    await settle(m);

    expect(destEntries().map((e) => e.description).sort()).toEqual(["a", "b", "before, edited twice", "c"]);
    expect(m.sim.stats.count({ ...CREATE_ENTRY, status: 201 })).toBe(4);
    expect(listEntryMappings(m.database, "acme").every((r) => r.state === "live")).toBe(true);
    for (const entry of during) expect((await getEntryMapping(m.database, "acme", entry.id))?.state).toBe("live");
  });
});

describe("destination timeouts", () => {
  for (const lost of ["answer", "request"] as const) {
    it(`a project create that times out (${lost} lost) leaves one project and the entry mirrored, nothing dead-lettered`, async () => {
      await m.close();
      m = await startMirror({ clockify: { timeoutMs: 150 } });
      const { world } = m.sim;
      const beta = world.addProject(src(), { name: "Beta", clientId: m.source.clientId });
      let held = false;
      m.sim.faults.delayWhen = (req) => {
        if (held || !toDestination(req) || req.method !== "POST" || !req.route.endsWith("/projects")) return undefined;
        held = true;
        return lost === "answer" ? { afterMs: 250 } : { beforeMs: 250 };
      };
      world.createTimeEntry(
        src(),
        m.user.id,
        { start: "2026-11-21T09:00:00Z", end: "2026-11-21T10:00:00Z", description: "new project", projectId: beta.id },
        { emit: true },
      );
      // The destination's NEW_PROJECT event would map the project too: hold it until the entry is done.
      m.sim.faults.webhook.delayMs = [600, 600];
      await settle(m, 15_000);

      expect(held).toBe(true);
      expect(world.listProjects(dst()).filter((p) => p.name === "Beta")).toHaveLength(1);
      expect(destEntries()).toEqual([expect.objectContaining({ description: "new project" })]);
      expect(await listDeadLetters(m.database)).toEqual([]);
    });
  }
});

describe("dead letters", () => {
  it("dead-letters a create the destination refuses, and mirrors it once requeued", async () => {
    const { world } = m.sim;
    const projects = websiteProjects();
    m.sim.faults.failWhen = (req) => (isEntryWrite(req) ? 400 : undefined);
    const entry = world.createTimeEntry(
      src(),
      m.user.id,
      { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "refused", projectId: projects.source.id },
      { emit: true },
    );
    await settle(m);
    await waitUntil("the event is dead", () => inboxRows(m)[0]?.status === "dead");

    expect(destEntries()).toEqual([]);
    const [dead] = await listDeadLetters(m.database, "acme");
    expect(dead).toMatchObject({ status: "dead", eventType: "NEW_TIME_ENTRY", entityId: entry.id });
    expect(dead?.lastError).toContain("HTTP 400");
    // A permanent error is not retried: one refused create.
    expect(m.sim.stats.count({ ...CREATE_ENTRY, status: 400 })).toBe(1);

    m.sim.faults.failWhen = undefined;
    expect(await requeueDeadLetters(m.database)).toBe(1);
    m.service.worker.notify();
    await settle(m);

    const copies = destEntries();
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ description: "refused", projectId: projects.destination.id });
    expect(m.sim.stats.count({ ...CREATE_ENTRY, status: 201 })).toBe(1);
    expect(inboxRows(m).map((r) => [r.status, r.lastError])).toEqual([["done", null]]);
    expect(await listDeadLetters(m.database)).toEqual([]);
  });

  it("dead-letters a refused edit and applies it once requeued", async () => {
    const { world } = m.sim;
    const projects = websiteProjects();
    const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "v1", projectId: projects.source.id };
    const entry = world.createTimeEntry(src(), m.user.id, input, { emit: true });
    await settle(m);
    m.sim.faults.failWhen = (req) => (isEntryWrite(req) ? 400 : undefined);
    world.updateTimeEntry(src(), entry.id, { ...input, description: "v2" }, { emit: true });
    await settle(m);
    await waitUntil("the edit is dead", () => inboxRows(m).some((r) => r.status === "dead"));
    expect(destEntries().map((e) => e.description)).toEqual(["v1"]);
    expect((await listDeadLetters(m.database)).map((r) => r.eventType)).toEqual(["TIME_ENTRY_UPDATED"]);

    m.sim.faults.failWhen = undefined;
    await requeueDeadLetters(m.database);
    m.service.worker.notify();
    await settle(m);
    expect(destEntries().map((e) => e.description)).toEqual(["v2"]);
    expect(m.sim.stats.count({ ...UPDATE_ENTRY, status: 200 })).toBe(1);
    expect(m.sim.stats.count({ ...CREATE_ENTRY, status: 201 })).toBe(1);
  });
});
