import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getEntryMapping } from "../../src/db/entry-map.js";
import { listEntryMappings } from "../db/stored-rows.js";
import type { ProjectDto } from "../../src/sandbox/index.js";
import { ENTRY_DELETE, PAIR_ID, seedEntries, startHarness, writes, type Harness } from "./support.js";

let h: Harness;
let alpha: ProjectDto;
beforeEach(async () => {
  h = await startHarness();
  alpha = h.sim.world.addProject(h.source.workspaceId, { name: "Alpha", clientId: h.source.clientId });
  h.sim.world.addProject(h.destination.workspaceId, { name: "Alpha" });
});
afterEach(async () => {
  await h.close();
});

const copyOf = async (sourceEntryId: string) => (await getEntryMapping(h.database, PAIR_ID, sourceEntryId))?.destinationEntryId ?? undefined;

describe("source entries that leave the pair", () => {
  it("removes copies of entries moved to another client's project, and of deleted entries (tombstoned)", async () => {
    const { world } = h.sim;
    const sourceWs = h.source.workspaceId;
    const destinationWs = h.destination.workspaceId;
    const sources = seedEntries(h, sourceWs, alpha.id, 10);
    const first = await h.run();
    expect(first.counts).toMatchObject({ created: 10, failed: 0 });

    const copies = new Map<string, string | undefined>();
    for (const s of sources) copies.set(s.id, await copyOf(s.id));
    expect([...copies.values()].every((id) => typeof id === "string")).toBe(true);

    const other = world.addProject(sourceWs, { name: "Other customer's", clientId: h.source.otherClientId });
    const moved = sources.slice(0, 3);
    for (const s of moved) {
      world.updateTimeEntry(sourceWs, s.id, { start: s.timeInterval.start, end: s.timeInterval.end, description: s.description, projectId: other.id });
    }
    const deleted = sources[9];
    if (!deleted) throw new Error("seeding failed");
    world.deleteTimeEntry(sourceWs, deleted.id);

    h.sim.stats.reset();
    const second = await h.run();
    expect(second.outcome).toBe("succeeded");
    expect(second.counts).toMatchObject({ deleted: 4, created: 0, updated: 0, unchanged: 6, failed: 0 });
    expect(h.sim.stats.count(ENTRY_DELETE)).toBe(4);

    const left = new Set(world.listTimeEntries(destinationWs).map((e) => e.id));
    expect(left.size).toBe(6);
    for (const s of [...moved, deleted]) expect(left.has(copies.get(s.id) ?? "")).toBe(false);
    for (const s of sources.slice(3, 9)) expect(left.has(copies.get(s.id) ?? "")).toBe(true);
    // Out of scope: forgotten, so moving it back mirrors it again. Deleted: tombstoned, so it stays deleted.
    for (const s of moved) expect(await getEntryMapping(h.database, PAIR_ID, s.id)).toBeUndefined();
    expect(await getEntryMapping(h.database, PAIR_ID, deleted.id)).toMatchObject({ state: "tombstone" });

    h.sim.stats.reset();
    const third = await h.run();
    expect(third.counts).toMatchObject({ deleted: 0, created: 0, updated: 0, unchanged: 6 });
    expect(writes(h.sim)).toEqual([]);
    expect(await getEntryMapping(h.database, PAIR_ID, deleted.id)).toMatchObject({ state: "tombstone" });

    // Moved back to the client's project: mirrored again.
    const back = moved[0];
    if (!back) throw new Error("seeding failed");
    world.updateTimeEntry(sourceWs, back.id, { start: back.timeInterval.start, end: back.timeInterval.end, description: back.description, projectId: alpha.id });
    const fourth = await h.run();
    expect(fourth.counts).toMatchObject({ created: 1, deleted: 0 });
    expect(world.listTimeEntries(destinationWs)).toHaveLength(7);
  });
});

describe("mass-delete guard", () => {
  it("stops before deleting 50 of 60 copies without --yes, and deletes them with it", async () => {
    const { world } = h.sim;
    const sourceWs = h.source.workspaceId;
    const destinationWs = h.destination.workspaceId;
    const sources = seedEntries(h, sourceWs, alpha.id, 60, { stepMs: 2 * 3_600_000 });
    const first = await h.run();
    expect(first.counts).toMatchObject({ created: 60, failed: 0 });
    expect(world.listTimeEntries(destinationWs)).toHaveLength(60);

    const gone = sources.slice(0, 50);
    for (const s of gone) world.deleteTimeEntry(sourceWs, s.id);

    h.sim.stats.reset();
    const guarded = await h.run();
    expect(guarded.outcome).toBe("aborted");
    expect(guarded.error).toMatch(/--yes/);
    expect(guarded.error).toMatch(/50/);
    expect(guarded.counts).toMatchObject({ deleted: 0, created: 0, updated: 0, failed: 0 });
    expect(h.sim.stats.count(ENTRY_DELETE)).toBe(0);
    expect(writes(h.sim)).toEqual([]);
    expect(world.listTimeEntries(destinationWs)).toHaveLength(60);
    for (const s of gone) expect((await getEntryMapping(h.database, PAIR_ID, s.id))?.state).toBe("live");

    const allowed = await h.run({ yes: true });
    expect(allowed.outcome).toBe("succeeded");
    expect(allowed.counts).toMatchObject({ deleted: 50, created: 0, updated: 0, unchanged: 10, failed: 0 });
    expect(world.listTimeEntries(destinationWs)).toHaveLength(10);
    for (const s of gone) expect((await getEntryMapping(h.database, PAIR_ID, s.id))?.state).toBe("tombstone");
    expect(listEntryMappings(h.database, PAIR_ID).filter((m) => m.state === "live")).toHaveLength(10);
  });

  it("lets a small deletion through without --yes", async () => {
    const { world } = h.sim;
    const sources = seedEntries(h, h.source.workspaceId, alpha.id, 60, { stepMs: 2 * 3_600_000 });
    await h.run();
    // max(10, 20% of 60) = 12.
    for (const s of sources.slice(0, 12)) world.deleteTimeEntry(h.source.workspaceId, s.id);
    const run = await h.run();
    expect(run.outcome).toBe("succeeded");
    expect(run.counts).toMatchObject({ deleted: 12 });
    expect(world.listTimeEntries(h.destination.workspaceId)).toHaveLength(48);
  });
});
