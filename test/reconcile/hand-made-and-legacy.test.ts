import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getEntryMapping } from "../../src/db/entry-map.js";
import type { TimeEntryDto } from "../../src/sandbox/index.js";
import {
  ENTRY_CREATE,
  ENTRY_DELETE,
  ENTRY_UPDATE,
  PAIR_ID,
  seedBase,
  seedEntries,
  startHarness,
  writes,
  type Harness,
} from "./support.js";

const HOUR = 3_600_000;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("destination entries made by hand", () => {
  it("are never updated or deleted by runs, whatever the source does", async () => {
    const { world } = h.sim;
    const sourceWs = h.source.workspaceId;
    const destinationWs = h.destination.workspaceId;
    const alpha = world.addProject(sourceWs, { name: "Alpha", clientId: h.source.clientId });
    const destinationAlpha = world.addProject(destinationWs, { name: "Alpha" });
    const internal = world.addProject(destinationWs, { name: "Internal" });
    const base = seedBase();
    const sources = seedEntries(h, sourceWs, alpha.id, 6, { from: base, prefix: "work" });

    // Made by the customer in their own workspace, by the same user the pair writes as.
    const at = (hours: number) => new Date(base + hours * HOUR).toISOString();
    const handMade: TimeEntryDto[] = [
      // Content no source entry has, on a destination-only project.
      world.createTimeEntry(destinationWs, h.user.id, { start: at(100), end: at(101), description: "customer meeting", projectId: internal.id }),
      // On the mirrored project, at a time and with a text no source entry has.
      world.createTimeEntry(destinationWs, h.user.id, {
        start: at(0.25),
        end: at(0.75),
        description: "typed in by hand",
        projectId: destinationAlpha.id,
        billable: true,
      }),
      // Same project and times as a source entry, but another description: not a copy.
      world.createTimeEntry(destinationWs, h.user.id, { start: at(2), end: at(2.5), description: "work 2 (my notes)", projectId: destinationAlpha.id }),
      // Without a project.
      world.createTimeEntry(destinationWs, h.user.id, { start: at(3), end: at(4), description: "no project" }),
    ];
    const snapshot = () => handMade.map((e) => world.getTimeEntry(destinationWs, e.id));

    const first = await h.run();
    expect(first.outcome).toBe("succeeded");
    expect(first.counts).toMatchObject({ created: 6, adopted: 0, updated: 0, deleted: 0, failed: 0 });
    expect(snapshot()).toEqual(handMade);

    // The source changes under the copies: one edited, one deleted, one moved away from the client.
    const other = world.addProject(sourceWs, { name: "Not theirs", clientId: h.source.otherClientId });
    const [s0, s1, s2] = sources;
    if (!s0 || !s1 || !s2) throw new Error("seeding failed");
    world.updateTimeEntry(sourceWs, s0.id, { start: s0.timeInterval.start, end: s0.timeInterval.end, description: "work 0 (edited)", projectId: alpha.id });
    world.deleteTimeEntry(sourceWs, s1.id);
    world.updateTimeEntry(sourceWs, s2.id, { start: s2.timeInterval.start, end: s2.timeInterval.end, description: s2.description, projectId: other.id });

    h.sim.stats.reset();
    const second = await h.run();
    expect(second.outcome).toBe("succeeded");
    expect(second.counts).toMatchObject({ created: 0, updated: 1, deleted: 2, adopted: 0, unchanged: 3, failed: 0 });
    expect(h.sim.stats.count(ENTRY_UPDATE)).toBe(1);
    expect(h.sim.stats.count(ENTRY_DELETE)).toBe(2);
    expect(snapshot()).toEqual(handMade);

    h.sim.stats.reset();
    const third = await h.run();
    expect(third.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, adopted: 0, unchanged: 4 });
    expect(writes(h.sim)).toEqual([]);
    expect(snapshot()).toEqual(handMade);
    // 4 copies + 4 hand-made entries.
    expect(world.listTimeEntries(destinationWs)).toHaveLength(8);
    for (const e of handMade) expect(world.getTimeEntry(destinationWs, e.id)).toBeDefined();
  });
});

describe("legacy adoption", () => {
  it("adopts exact copies the original tool made instead of duplicating them", async () => {
    const { world, stats } = h.sim;
    const sourceWs = h.source.workspaceId;
    const destinationWs = h.destination.workspaceId;
    const alpha = world.addProject(sourceWs, { name: "Alpha", clientId: h.source.clientId });
    const destinationAlpha = world.addProject(destinationWs, { name: "Alpha" });
    const base = seedBase();
    const sources = seedEntries(h, sourceWs, alpha.id, 5, { from: base, prefix: "legacy", billable: true });
    const fresh = seedEntries(h, sourceWs, alpha.id, 2, { from: base + 50 * HOUR, prefix: "new", billable: true });

    // The original tool's copies: same project (by name), start, end, description. The last one lost
    // its billable flag, the only difference.
    const legacy = sources.map((s, i) =>
      world.createTimeEntry(destinationWs, h.user.id, {
        start: s.timeInterval.start,
        end: s.timeInterval.end,
        description: s.description,
        projectId: destinationAlpha.id,
        billable: i !== sources.length - 1,
      }),
    );
    const odd = legacy[legacy.length - 1];
    if (!odd) throw new Error("seeding failed");

    stats.reset();
    const first = await h.run();
    expect(first.outcome).toBe("succeeded");
    expect(first.counts).toMatchObject({ adopted: 5, created: 2, updated: 0, deleted: 0, failed: 0 });
    expect(stats.count(ENTRY_CREATE)).toBe(2);
    // Only the copy that differs in billable is rewritten.
    expect(stats.count(ENTRY_UPDATE)).toBe(1);
    expect(world.listTimeEntries(destinationWs)).toHaveLength(7);
    // Adopted in place: the same destination ids, now in the map.
    for (const [i, s] of sources.entries()) {
      const mapping = await getEntryMapping(h.database, PAIR_ID, s.id);
      expect(mapping).toMatchObject({ state: "live", origin: "adopted", destinationEntryId: legacy[i]?.id });
    }
    for (const s of fresh) expect((await getEntryMapping(h.database, PAIR_ID, s.id))?.state).toBe("live");
    expect(world.getTimeEntry(destinationWs, odd.id)).toMatchObject({ billable: true, description: odd.description });
    for (const e of legacy.slice(0, -1)) expect(world.getTimeEntry(destinationWs, e.id)).toEqual(e);

    stats.reset();
    const second = await h.run();
    expect(second.counts).toMatchObject({ adopted: 0, created: 0, updated: 0, deleted: 0, unchanged: 7, failed: 0 });
    expect(writes(h.sim)).toEqual([]);
    expect(world.listTimeEntries(destinationWs)).toHaveLength(7);
  });
});
