import { afterEach, describe, expect, it } from "vitest";
import { getEntryMapping } from "../../src/db/entry-map.js";
import { listEntryMappings } from "../db/stored-rows.js";
import type { MirrorEnv } from "../helpers/mirror.js";
import { startMirror } from "../helpers/mirror.js";
import {
  CREATE_ENTRY,
  DELETE_ENTRY,
  UPDATE_ENTRY,
  settle,
  inboxRows,
  postDelivery,
  startRelayedMirror,
  type CapturedDelivery,
  type RelayedMirror,
} from "./support/e2e.js";

let env: RelayedMirror | undefined;
let plain: MirrorEnv | undefined;
afterEach(async () => {
  await env?.close();
  await plain?.close();
  env = undefined;
  plain = undefined;
});

async function relayed(): Promise<RelayedMirror> {
  env = await startRelayedMirror();
  return env;
}

/** Source project "Website" of the pair's client and its destination counterpart. */
function websiteProjects(m: MirrorEnv) {
  const source = m.sim.world.addProject(m.source.workspaceId, { name: "Website", clientId: m.source.clientId });
  const destination = m.sim.world.addProject(m.destination.workspaceId, { name: "Website" });
  return { source, destination };
}

const is = (event: string) => (d: CapturedDelivery) => d.event === event;

describe("duplicated deliveries", () => {
  it("applies a create, an edit and a delete each delivered three times at once with one write each", async () => {
    const { m, relay } = await relayed();
    relay.copies = 3;
    const { world } = m.sim;
    const projects = websiteProjects(m);
    const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "thrice", projectId: projects.source.id };

    const entry = world.createTimeEntry(m.source.workspaceId, m.user.id, input, { emit: true });
    await settle(m);
    let copies = world.listTimeEntries(m.destination.workspaceId);
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ description: "thrice", projectId: projects.destination.id });
    expect(m.sim.stats.count(CREATE_ENTRY)).toBe(1);

    world.updateTimeEntry(m.source.workspaceId, entry.id, { ...input, description: "thrice, edited" }, { emit: true });
    await settle(m);
    copies = world.listTimeEntries(m.destination.workspaceId);
    expect(copies).toHaveLength(1);
    expect(copies[0]?.description).toBe("thrice, edited");
    expect(m.sim.stats.count(UPDATE_ENTRY)).toBe(1);

    world.deleteTimeEntry(m.source.workspaceId, entry.id, { emit: true });
    await settle(m);
    expect(world.listTimeEntries(m.destination.workspaceId)).toEqual([]);
    expect(m.sim.stats.count(DELETE_ENTRY)).toBe(1);

    expect(relay.answers).toHaveLength(9);
    expect(relay.answers.every((status) => status === 200)).toBe(true);
    // One inbox row per event: the copies were recognised at the door.
    expect(inboxRows(m).map((r) => r.eventType)).toEqual(["NEW_TIME_ENTRY", "TIME_ENTRY_UPDATED", "TIME_ENTRY_DELETED"]);
    expect(m.sim.stats.count(CREATE_ENTRY)).toBe(1);
  });

  it("mirrors a burst once when Clockify duplicates every delivery and a third copy comes late", async () => {
    plain = await startMirror();
    const m = plain;
    const { world } = m.sim;
    m.sim.faults.webhook.duplicateRate = 1;
    const projects = websiteProjects(m);
    for (let i = 0; i < 10; i++) {
      world.createTimeEntry(
        m.source.workspaceId,
        m.user.id,
        { start: `2026-11-20T${String(8 + i).padStart(2, "0")}:00:00Z`, end: `2026-11-20T${String(8 + i).padStart(2, "0")}:30:00Z`, description: `e${i}`, projectId: projects.source.id },
        { emit: true },
      );
    }
    await settle(m);
    expect(m.sim.deliveries.log.filter((d) => d.event === "NEW_TIME_ENTRY" && d.status === 200)).toHaveLength(20);

    // A third copy of every delivery, after the first two were applied (a redelivery after a 200).
    const token = world.listWebhooks(m.source.workspaceId).find((h) => h.webhookEvent === "NEW_TIME_ENTRY")?.authToken;
    expect(token).toBeDefined();
    for (const row of inboxRows(m)) {
      expect(await postDelivery(m.webhookUrl, { event: row.eventType, token: token ?? "", body: row.body })).toBe(200);
    }
    await settle(m);

    const copies = world.listTimeEntries(m.destination.workspaceId);
    expect(copies.map((c) => c.description).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `e${i}`).sort());
    expect(m.sim.stats.count(CREATE_ENTRY)).toBe(10);
    expect(inboxRows(m)).toHaveLength(10);
  });
});

describe("deliveries out of order", () => {
  it("keeps the edit when TIME_ENTRY_UPDATED is applied before NEW_TIME_ENTRY", async () => {
    const { m, relay } = await relayed();
    const { world } = m.sim;
    const projects = websiteProjects(m);
    relay.hold = true;
    const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "original", projectId: projects.source.id };
    const entry = world.createTimeEntry(m.source.workspaceId, m.user.id, input, { emit: true });
    world.updateTimeEntry(
      m.source.workspaceId,
      entry.id,
      { ...input, end: "2026-11-20T10:30:00Z", description: "edited", billable: true },
      { emit: true },
    );
    await m.sim.deliveries.idle();
    expect(relay.held.map((d) => d.event)).toEqual(["NEW_TIME_ENTRY", "TIME_ENTRY_UPDATED"]);

    await relay.release(is("TIME_ENTRY_UPDATED"));
    await settle(m);
    await relay.release(is("NEW_TIME_ENTRY"));
    await settle(m);

    const copies = world.listTimeEntries(m.destination.workspaceId);
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ description: "edited", billable: true, projectId: projects.destination.id });
    expect(copies[0]?.timeInterval.end).toBe("2026-11-20T10:30:00Z");
    expect(m.sim.stats.count(CREATE_ENTRY)).toBe(1);
    expect(m.sim.stats.count(UPDATE_ENTRY)).toBe(0);
  });

  it("keeps the edit when both arrive in the wrong order before the worker looks", async () => {
    const { m, relay } = await relayed();
    const { world } = m.sim;
    const projects = websiteProjects(m);
    relay.hold = true;
    const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "original", projectId: projects.source.id };
    const entry = world.createTimeEntry(m.source.workspaceId, m.user.id, input, { emit: true });
    world.updateTimeEntry(m.source.workspaceId, entry.id, { ...input, description: "edited" }, { emit: true });
    await m.sim.deliveries.idle();

    await m.service.worker.stop();
    await relay.release(() => true, (a, b) => (a.event === "TIME_ENTRY_UPDATED" ? -1 : b.event === "TIME_ENTRY_UPDATED" ? 1 : 0));
    expect(inboxRows(m).map((r) => r.eventType)).toEqual(["TIME_ENTRY_UPDATED", "NEW_TIME_ENTRY"]);
    m.service.worker.start();
    await settle(m);

    const copies = world.listTimeEntries(m.destination.workspaceId);
    expect(copies.map((c) => c.description)).toEqual(["edited"]);
    expect(m.sim.stats.count(CREATE_ENTRY)).toBe(1);
  });

  it("ends with the newest edit when several edits arrive shuffled, one at a time", async () => {
    const { m, relay } = await relayed();
    const { world } = m.sim;
    const projects = websiteProjects(m);
    relay.hold = true;
    const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "v0", projectId: projects.source.id };
    const entry = world.createTimeEntry(m.source.workspaceId, m.user.id, input, { emit: true });
    for (const v of ["v1", "v2", "v3"]) {
      world.updateTimeEntry(m.source.workspaceId, entry.id, { ...input, description: v }, { emit: true });
    }
    await m.sim.deliveries.idle();
    const [created, v1, v2, v3] = relay.held;
    expect([created, v1, v2, v3].every((d) => d !== undefined)).toBe(true);
    relay.held = [];
    for (const delivery of [v3, v1, created, v2]) {
      if (delivery) await relay.forward(delivery);
      await settle(m);
    }
    const copies = world.listTimeEntries(m.destination.workspaceId);
    expect(copies.map((c) => c.description)).toEqual(["v3"]);
    expect(m.sim.stats.count(CREATE_ENTRY)).toBe(1);
  });

  it("mirrors the stopped timer once when TIMER_STOPPED arrives before NEW_TIMER_STARTED", async () => {
    const { m, relay } = await relayed();
    const { world } = m.sim;
    const projects = websiteProjects(m);
    relay.hold = true;
    world.createTimeEntry(m.source.workspaceId, m.user.id, { start: "2026-11-20T09:00:00Z", description: "t", projectId: projects.source.id }, { emit: true });
    world.stopTimer(m.source.workspaceId, m.user.id, "2026-11-20T09:40:00Z", { emit: true });
    await m.sim.deliveries.idle();
    await relay.release(is("TIMER_STOPPED"));
    await settle(m);
    await relay.release(is("NEW_TIMER_STARTED"));
    await settle(m);
    const copies = world.listTimeEntries(m.destination.workspaceId);
    expect(copies).toHaveLength(1);
    expect(copies[0]?.timeInterval).toMatchObject({ start: "2026-11-20T09:00:00Z", end: "2026-11-20T09:40:00Z" });
    expect(m.sim.stats.count(CREATE_ENTRY)).toBe(1);
    expect(m.sim.stats.count({ method: "DELETE" })).toBe(0);
  });

  it("converges on the source under random reordering, delays and duplicates", async () => {
    plain = await startMirror({ simulator: { seed: 7 } });
    const m = plain;
    const { world } = m.sim;
    Object.assign(m.sim.faults.webhook, { reorderWindowMs: 40, delayMs: [0, 25], duplicateRate: 0.5 });
    const projects = websiteProjects(m);
    const other = world.addProject(m.source.workspaceId, { name: "Their site", clientId: m.source.otherClientId });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const hour = String(8 + (i % 10)).padStart(2, "0");
      const input = { start: `2026-11-2${i % 3}T${hour}:00:00Z`, end: `2026-11-2${i % 3}T${hour}:45:00Z`, description: `n${i}`, projectId: projects.source.id };
      const entry = world.createTimeEntry(m.source.workspaceId, m.user.id, input, { emit: true });
      ids.push(entry.id);
      world.updateTimeEntry(m.source.workspaceId, entry.id, { ...input, description: `n${i} edited` }, { emit: true });
      world.updateTimeEntry(m.source.workspaceId, entry.id, { ...input, description: `n${i} final`, billable: i % 2 === 0 }, { emit: true });
      if (i % 4 === 1) world.deleteTimeEntry(m.source.workspaceId, entry.id, { emit: true });
      if (i % 4 === 2) world.updateTimeEntry(m.source.workspaceId, entry.id, { ...input, projectId: other.id }, { emit: true });
    }
    await settle(m);

    const expected = world
      .listTimeEntries(m.source.workspaceId)
      .filter((e) => e.projectId === projects.source.id)
      .map((e) => ({ description: e.description, billable: e.billable, start: e.timeInterval.start, end: e.timeInterval.end }))
      .sort((a, b) => a.description.localeCompare(b.description));
    const actual = world
      .listTimeEntries(m.destination.workspaceId)
      .map((e) => ({ description: e.description, billable: e.billable, start: e.timeInterval.start, end: e.timeInterval.end }))
      .sort((a, b) => a.description.localeCompare(b.description));
    expect(expected).toHaveLength(6);
    expect(actual).toEqual(expected);
    expect(world.listTimeEntries(m.destination.workspaceId).every((e) => e.projectId === projects.destination.id)).toBe(true);
    // No copy was ever made twice for one source entry.
    expect(listEntryMappings(m.database, "acme").filter((r) => r.state === "live")).toHaveLength(6);
  });
});

describe("late events after a delete", () => {
  it("keeps the destination empty when TIME_ENTRY_UPDATED arrives after TIME_ENTRY_DELETED", async () => {
    const { m, relay } = await relayed();
    const { world } = m.sim;
    const projects = websiteProjects(m);
    const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "doomed", projectId: projects.source.id };
    const entry = world.createTimeEntry(m.source.workspaceId, m.user.id, input, { emit: true });
    await settle(m);
    expect(world.listTimeEntries(m.destination.workspaceId)).toHaveLength(1);

    relay.hold = true;
    world.updateTimeEntry(m.source.workspaceId, entry.id, { ...input, description: "last words" }, { emit: true });
    world.deleteTimeEntry(m.source.workspaceId, entry.id, { emit: true });
    await m.sim.deliveries.idle();
    await relay.release(is("TIME_ENTRY_DELETED"));
    await settle(m);
    expect(world.listTimeEntries(m.destination.workspaceId)).toEqual([]);
    expect((await getEntryMapping(m.database, "acme", entry.id))?.state).toBe("tombstone");

    await relay.release(is("TIME_ENTRY_UPDATED"));
    await settle(m);
    expect(world.listTimeEntries(m.destination.workspaceId)).toEqual([]);
    expect((await getEntryMapping(m.database, "acme", entry.id))?.state).toBe("tombstone");
    expect(m.sim.stats.count(CREATE_ENTRY)).toBe(1);
    expect(m.sim.stats.count(UPDATE_ENTRY)).toBe(0);
    expect(inboxRows(m).every((r) => r.status === "done")).toBe(true);
  });

  it("never creates an entry whose NEW and UPDATED both arrive after its DELETED", async () => {
    const { m, relay } = await relayed();
    const { world } = m.sim;
    const projects = websiteProjects(m);
    relay.hold = true;
    const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "short-lived", projectId: projects.source.id };
    const entry = world.createTimeEntry(m.source.workspaceId, m.user.id, input, { emit: true });
    world.updateTimeEntry(m.source.workspaceId, entry.id, { ...input, description: "shorter" }, { emit: true });
    world.deleteTimeEntry(m.source.workspaceId, entry.id, { emit: true });
    await m.sim.deliveries.idle();

    await relay.release(is("TIME_ENTRY_DELETED"));
    await settle(m);
    await relay.release(is("NEW_TIME_ENTRY"));
    await settle(m);
    await relay.release(is("TIME_ENTRY_UPDATED"));
    await settle(m);

    expect(world.listTimeEntries(m.destination.workspaceId)).toEqual([]);
    expect((await getEntryMapping(m.database, "acme", entry.id))?.state).toBe("tombstone");
    expect(m.sim.stats.count(CREATE_ENTRY)).toBe(0);
  });

  it("deletes when DELETED and a late UPDATED are applied in one batch", async () => {
    const { m, relay } = await relayed();
    const { world } = m.sim;
    const projects = websiteProjects(m);
    const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "batch", projectId: projects.source.id };
    const entry = world.createTimeEntry(m.source.workspaceId, m.user.id, input, { emit: true });
    await settle(m);
    relay.hold = true;
    world.updateTimeEntry(m.source.workspaceId, entry.id, { ...input, description: "batch 2" }, { emit: true });
    world.deleteTimeEntry(m.source.workspaceId, entry.id, { emit: true });
    await m.sim.deliveries.idle();
    await m.service.worker.stop();
    await relay.release(is("TIME_ENTRY_DELETED"));
    await relay.release(is("TIME_ENTRY_UPDATED"));
    m.service.worker.start();
    await settle(m);
    expect(world.listTimeEntries(m.destination.workspaceId)).toEqual([]);
    expect((await getEntryMapping(m.database, "acme", entry.id))?.state).toBe("tombstone");
    expect(m.sim.stats.count(UPDATE_ENTRY)).toBe(0);
  });
});
