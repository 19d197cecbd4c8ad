import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";

let m: MirrorEnv;
beforeEach(async () => {
  m = await startMirror({ register: false });
});
afterEach(async () => {
  await m.close();
});

describe("reconciliation", () => {
  it("mirrors what webhooks never delivered, and a second run changes nothing", async () => {
    const { world } = m.sim;
    const ws = m.source.workspaceId;
    const project = world.addProject(ws, { name: "Offline", clientId: m.source.clientId });
    const other = world.addProject(ws, { name: "Elsewhere", clientId: m.source.otherClientId });
    world.addProject(m.destination.workspaceId, { name: "From customer" });
    const now = Date.now();
    for (let i = 0; i < 20; i++) {
      world.createTimeEntry(ws, m.user.id, {
        start: new Date(now - (i + 1) * 3_600_000).toISOString(),
        end: new Date(now - (i + 1) * 3_600_000 + 1_800_000).toISOString(),
        description: `offline ${i}`,
        projectId: i % 5 === 0 ? other.id : project.id,
      });
    }
    const [first] = await m.service.reconcileNow("cli");
    expect(first?.outcome).toBe("succeeded");
    expect(first?.counts).toMatchObject({ created: 16, updated: 0, deleted: 0, failed: 0 });
    expect(world.listTimeEntries(m.destination.workspaceId)).toHaveLength(16);
    expect(world.listProjects(ws).map((p) => p.name).sort()).toEqual(["Elsewhere", "From customer", "Offline"]);

    m.sim.stats.reset();
    const [second] = await m.service.reconcileNow("cli");
    expect(second?.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 16 });
    const writes = m.sim.stats.requests.filter((r) => r.method !== "GET").length;
    expect(writes).toBe(0);
    expect(second?.requests).toBe(m.sim.stats.count());
  });
});
