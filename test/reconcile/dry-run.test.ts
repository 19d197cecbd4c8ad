import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listEntryMappings, listRecentReconcileRuns } from "../db/stored-rows.js";
import { listProjectMappings } from "../../src/db/project-map.js";
import { seedBase, seedEntries, startHarness, writes, type Harness } from "./support.js";

const HOUR = 3_600_000;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("dry run", () => {
  it("writes nothing, yet counts exactly what the real run then does", async () => {
    const { world, stats } = h.sim;
    const sourceWs = h.source.workspaceId;
    const destinationWs = h.destination.workspaceId;
    const base = seedBase();
    const alpha = world.addProject(sourceWs, { name: "Alpha", clientId: h.source.clientId });
    const destinationAlpha = world.addProject(destinationWs, { name: "Alpha" });
    const mirrored = seedEntries(h, sourceWs, alpha.id, 10, { from: base, prefix: "mirrored" });
    expect((await h.run()).counts).toMatchObject({ created: 10, failed: 0 });

    // Everything a run can do, at once:
    const [edited1, edited2, removed] = mirrored;
    if (!edited1 || !edited2 || !removed) throw new Error("seeding failed");
    for (const e of [edited1, edited2]) {
      world.updateTimeEntry(sourceWs, e.id, { start: e.timeInterval.start, end: e.timeInterval.end, description: `${e.description} (edited)`, projectId: alpha.id });
    }
    world.deleteTimeEntry(sourceWs, removed.id); // delete
    seedEntries(h, sourceWs, alpha.id, 3, { from: base + 20 * HOUR, prefix: "new" }); // create
    // A source project the destination does not have yet: the run would create it, then copy.
    const beta = world.addProject(sourceWs, { name: "Beta", clientId: h.source.clientId });
    seedEntries(h, sourceWs, beta.id, 2, { from: base + 30 * HOUR, prefix: "beta" });
    // A destination project the source does not have: the run would create it in the source.
    world.addProject(destinationWs, { name: "Gamma" });
    // Copies the original tool made: adopted.
    for (const s of seedEntries(h, sourceWs, alpha.id, 2, { from: base + 40 * HOUR, prefix: "legacy" })) {
      world.createTimeEntry(destinationWs, h.user.id, {
        start: s.timeInterval.start,
        end: s.timeInterval.end,
        description: s.description,
        projectId: destinationAlpha.id,
      });
    }

    const before = {
      destination: world.listTimeEntries(destinationWs),
      sourceProjects: world.listProjects(sourceWs),
      destinationProjects: world.listProjects(destinationWs),
      entryMap: listEntryMappings(h.database, "acme"),
      projectMap: await listProjectMappings(h.database, "acme"),
    };
    stats.reset();
    const dry = await h.run({ dryRun: true });
    expect(dry.outcome).toBe("succeeded");
    expect(dry.dryRun).toBe(true);
    expect(dry.counts).toEqual({ created: 5, updated: 2, deleted: 1, adopted: 2, unchanged: 7, failed: 0, skipped: 0 });
    expect(dry.plan?.counts).toMatchObject({ create: 5, update: 2, delete: 1, adopt: 2, unchanged: 7 });
    expect(dry.projects.map((p) => `${p.kind} ${p.destination.name}`)).toEqual(["create Gamma"]);
    expect(writes(h.sim)).toEqual([]);
    expect(dry.requests).toBe(stats.count());
    expect({
      destination: world.listTimeEntries(destinationWs),
      sourceProjects: world.listProjects(sourceWs),
      destinationProjects: world.listProjects(destinationWs),
      entryMap: listEntryMappings(h.database, "acme"),
      projectMap: await listProjectMappings(h.database, "acme"),
    }).toEqual(before);
    expect(listRecentReconcileRuns(h.database, { limit: 1 })[0]).toMatchObject({ dryRun: true, outcome: "succeeded", created: 5 });

    const real = await h.run();
    expect(real.outcome).toBe("succeeded");
    expect(real.counts).toEqual(dry.counts);
    expect(real.projects.map((p) => `${p.kind} ${p.destination.name}`)).toEqual(["create Gamma"]);
    expect(world.listProjects(destinationWs).map((p) => p.name).sort()).toEqual(["Alpha", "Beta", "Gamma"]);
    expect(world.listProjects(sourceWs).map((p) => p.name).sort()).toEqual(["Alpha", "Beta", "Gamma"]);
    // 10 - 1 deleted + 3 new + 2 beta + 2 adopted.
    expect(world.listTimeEntries(destinationWs)).toHaveLength(16);
  });
});

describe("dry run and the mass-delete guard", () => {
  it("reports that the guard would stop the real run, instead of promising the deletes", async () => {
    const { world } = h.sim;
    const alpha = world.addProject(h.source.workspaceId, { name: "Alpha", clientId: h.source.clientId });
    world.addProject(h.destination.workspaceId, { name: "Alpha" });
    const sources = seedEntries(h, h.source.workspaceId, alpha.id, 60, { stepMs: 2 * HOUR });
    await h.run();
    for (const s of sources.slice(0, 50)) world.deleteTimeEntry(h.source.workspaceId, s.id);

    const dry = await h.run({ dryRun: true });
    const real = await h.run();
    expect(real.outcome).toBe("aborted");
    expect(real.counts.deleted).toBe(0);
    // What the dry run says must be what the real run (same flags) does.
    expect(dry.plan?.counts.delete).toBe(50);
    expect({ outcome: dry.outcome, deleted: dry.counts.deleted }).toEqual({ outcome: real.outcome, deleted: real.counts.deleted });
    expect(dry.error).toMatch(/--yes/);

    // With --yes the dry run promises the 50 deletes, and the real run does them.
    const dryYes = await h.run({ dryRun: true, yes: true });
    expect(dryYes.outcome).toBe("succeeded");
    expect(dryYes.counts.deleted).toBe(50);
    const realYes = await h.run({ yes: true });
    expect(realYes.counts).toEqual(dryYes.counts);
  });
});
