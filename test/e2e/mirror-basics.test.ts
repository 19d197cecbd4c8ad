import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listEntryMappings } from "../db/stored-rows.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";

let m: MirrorEnv;
beforeEach(async () => {
  m = await startMirror();
});
afterEach(async () => {
  await m.close();
});

const destEntries = () => m.sim.world.listTimeEntries(m.destination.workspaceId);

describe("real-time mirror", () => {
  it("mirrors a manual entry, an edit and a delete, one write each", async () => {
    const { world } = m.sim;
    const ws = m.source.workspaceId;
    const project = world.addProject(ws, { name: "Website", clientId: m.source.clientId });
    const dstProject = world.addProject(m.destination.workspaceId, { name: "Website" });
    const entry = world.createTimeEntry(
      ws,
      m.user.id,
      { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:30:00Z", description: "homepage", projectId: project.id, billable: true },
      { emit: true },
    );
    await m.settle();
    let copies = destEntries();
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ description: "homepage", projectId: dstProject.id, billable: true });
    expect(copies[0]?.timeInterval.start).toBe("2026-11-20T09:00:00Z");

    m.sim.stats.reset();
    world.updateTimeEntry(
      ws,
      entry.id,
      { start: "2026-11-20T09:00:00Z", end: "2026-11-20T11:00:00Z", description: "homepage v2", projectId: project.id, billable: true },
      { emit: true },
    );
    await m.settle();
    copies = destEntries();
    expect(copies).toHaveLength(1);
    expect(copies[0]?.description).toBe("homepage v2");
    expect(copies[0]?.timeInterval.end).toBe("2026-11-20T11:00:00Z");
    // The common case: one event, one destination write, no source read.
    expect(m.sim.stats.count()).toBe(1);
    expect(m.sim.stats.count({ method: "PUT" })).toBe(1);

    world.deleteTimeEntry(ws, entry.id, { emit: true });
    await m.settle();
    expect(destEntries()).toHaveLength(0);
    expect(listEntryMappings(m.database, "acme").map((r) => r.state)).toEqual(["tombstone"]);
  });

  it("creates the destination project when missing and does not loop on its echo", async () => {
    const { world } = m.sim;
    const project = world.addProject(m.source.workspaceId, { name: "New thing", clientId: m.source.clientId });
    world.createTimeEntry(
      m.source.workspaceId,
      m.user.id,
      { start: "2026-11-21T09:00:00Z", end: "2026-11-21T10:00:00Z", description: "x", projectId: project.id },
      { emit: true },
    );
    await m.settle();
    expect(world.listProjects(m.destination.workspaceId).map((p) => p.name)).toEqual(["New thing"]);
    expect(destEntries()).toHaveLength(1);
    // The destination's NEW_PROJECT echo must not create a second source project.
    expect(world.listProjects(m.source.workspaceId).filter((p) => p.name === "New thing")).toHaveLength(1);
  });
});
