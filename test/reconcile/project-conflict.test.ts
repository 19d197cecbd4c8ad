import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listProjectConflicts, listProjectMappings } from "../../src/db/project-map.js";
import { collectStatus } from "../../src/status/collect.js";
import { formatSummary } from "../../src/sync/reconcile/summary.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";

let m: MirrorEnv;
beforeEach(async () => {
  // No webhooks: the destination's rename is missed, as when its delivery never came.
  m = await startMirror({ register: false });
});
afterEach(async () => {
  await m.close();
});

const HOUR = 3_600_000;

describe("a destination project renamed onto a name the source client already has", () => {
  it("is a reported conflict: every entry of the pair is still reconciled, run after run", async () => {
    const { world } = m.sim;
    const src = m.source.workspaceId;
    const dst = m.destination.workspaceId;
    const alpha = world.addProject(src, { name: "Alpha", clientId: m.source.clientId });
    const beta = world.addProject(src, { name: "Beta", clientId: m.source.clientId });
    const gamma = world.addProject(src, { name: "Gamma", clientId: m.source.clientId });
    const otherClient = world.addClient(dst, { name: "Another customer" });
    const alphaCopy = world.addProject(dst, { name: "Alpha" });
    const betaCopy = world.addProject(dst, { name: "Beta", clientId: otherClient.id });
    world.addProject(dst, { name: "Gamma" });
    let hour = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;
    const entry = (projectId: string, description: string) => {
      hour += HOUR;
      world.createTimeEntry(src, m.user.id, {
        start: new Date(hour).toISOString(),
        end: new Date(hour + HOUR / 2).toISOString(),
        description,
        projectId,
      });
    };
    entry(alpha.id, "alpha 1");
    entry(beta.id, "beta 1");
    const [first] = await m.service.reconcileNow("cli");
    expect(first?.outcome).toBe("succeeded");
    expect(first?.counts.created).toBe(2);

    // The customer renames "Alpha" to "Beta" (their "Beta" is another client's); meanwhile work goes on.
    world.updateProject(dst, alphaCopy.id, { name: "Beta" });
    entry(alpha.id, "alpha 2");
    entry(beta.id, "beta 2");
    entry(gamma.id, "gamma 1");

    for (const run of [1, 2]) {
      const [summary] = await m.service.reconcileNow("cli");
      if (!summary) throw new Error("no summary");
      expect(summary.outcome, `run ${run}: ${summary.error ?? ""}`).toBe("succeeded");
      expect(summary.counts.failed).toBe(0);
      expect(summary.projects.filter((p) => p.kind === "conflict")).toEqual([
        expect.objectContaining({ kind: "conflict", sourceProjectId: alpha.id, sourceName: "Alpha", heldBy: beta.id }),
      ]);
      const line = formatSummary(summary);
      expect(line).toContain('destination "Beta" is mapped to source "Alpha"');
      if (run === 1) expect(summary.counts).toMatchObject({ created: 3, unchanged: 2 });
      else expect(summary.counts).toMatchObject({ created: 0, unchanged: 5 });
    }

    // Every entry is on its own project's counterpart; the source keeps both names.
    const copies = world.listTimeEntries(dst).map((e) => [e.description, e.projectId]).sort();
    const gammaCopy = world.listProjects(dst).find((p) => p.name === "Gamma");
    expect(copies).toEqual(
      [
        ["alpha 1", alphaCopy.id],
        ["alpha 2", alphaCopy.id],
        ["beta 1", betaCopy.id],
        ["beta 2", betaCopy.id],
        ["gamma 1", gammaCopy?.id],
      ].sort(),
    );
    expect(world.listProjects(src).filter((p) => p.clientId === m.source.clientId).map((p) => p.name).sort()).toEqual(["Alpha", "Beta", "Gamma"]);
    expect(await listProjectConflicts(m.database, "acme")).toEqual([
      expect.objectContaining({ sourceProjectId: alpha.id, destinationProjectId: alphaCopy.id, name: "Alpha", conflictName: "Beta" }),
    ]);
    expect(m.logs.filter((l) => l.includes("project-conflict:acme:"))).toHaveLength(1);
    // `npm run status` and the status page show it among the warnings (status exits 1 on warnings).
    const [pairStatus] = (await collectStatus(m.database, m.config)).pairs;
    expect(pairStatus?.projectConflicts).toEqual([
      { sourceProjectId: alpha.id, destinationProjectId: alphaCopy.id, sourceName: "Alpha", destinationName: "Beta" },
    ]);
    expect(pairStatus?.warnings).toContainEqual(expect.stringContaining('project conflict: destination "Beta" is mapped to source "Alpha"'));

    // Settled by the customer renaming it again: the source follows, the conflict is gone.
    world.updateProject(dst, alphaCopy.id, { name: "Alpha (old)" });
    const [settled] = await m.service.reconcileNow("cli");
    expect(settled?.projects).toEqual([expect.objectContaining({ kind: "rename", from: "Alpha" })]);
    expect(await listProjectConflicts(m.database, "acme")).toEqual([]);
    expect((await listProjectMappings(m.database, "acme")).find((r) => r.sourceProjectId === alpha.id)?.name).toBe("Alpha (old)");
  });

  it("reports a clash only Clockify's refusal shows (names differing in case) as the same conflict, alerted once", async () => {
    const { world } = m.sim;
    const src = m.source.workspaceId;
    const dst = m.destination.workspaceId;
    const alpha = world.addProject(src, { name: "Alpha", clientId: m.source.clientId });
    world.addProject(src, { name: "Beta", clientId: m.source.clientId });
    const alphaCopy = world.addProject(dst, { name: "Alpha" });
    const hour = Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR;
    world.createTimeEntry(src, m.user.id, { start: new Date(hour).toISOString(), end: new Date(hour + HOUR).toISOString(), description: "a", projectId: alpha.id });
    await m.service.reconcileNow("cli");

    // Names are compared exactly, so the plan is a rename; Clockify compares them without case and refuses.
    world.updateProject(dst, alphaCopy.id, { name: "beta" });
    for (const run of [1, 2]) {
      const [summary] = await m.service.reconcileNow("cli");
      expect(summary?.outcome, `run ${run}`).toBe("succeeded");
      expect(summary?.projects).toEqual([
        expect.objectContaining({ kind: "conflict", sourceProjectId: alpha.id, sourceName: "Alpha", heldBy: null }),
      ]);
      expect(await listProjectConflicts(m.database, "acme")).toEqual([expect.objectContaining({ sourceProjectId: alpha.id, conflictName: "beta" })]);
    }
    expect(m.logs.filter((l) => l.includes("project-conflict:acme:"))).toHaveLength(1);
    expect(world.getProject(src, alpha.id)).toMatchObject({ name: "Alpha" });
  });
});
