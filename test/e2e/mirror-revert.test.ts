import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";

let m: MirrorEnv;
beforeEach(async () => {
  m = await startMirror();
});
afterEach(async () => {
  await m.close();
});

describe("an edit back to an earlier state", () => {
  it("is news, not a redelivery: the destination follows W → X → Y → X", async () => {
    const { world } = m.sim;
    const ws = m.source.workspaceId;
    const project = world.addProject(ws, { name: "Revert", clientId: m.source.clientId });
    world.addProject(m.destination.workspaceId, { name: "Revert" });
    const fields = (description: string) => ({
      start: "2026-11-20T09:00:00Z",
      end: "2026-11-20T10:00:00Z",
      description,
      projectId: project.id,
    });
    const entry = world.createTimeEntry(ws, m.user.id, fields("W"), { emit: true });
    await m.settle();
    for (const description of ["X", "Y", "X"]) {
      world.updateTimeEntry(ws, entry.id, fields(description), { emit: true });
      await m.settle();
    }
    expect(world.listTimeEntries(m.destination.workspaceId).map((e) => e.description)).toEqual(["X"]);
    // ...while a true redelivery of the last state is still stored once.
    const rows = m.database.sqlite.prepare("select count(*) n from inbox where entity_id = ?").get(entry.id) as { n: number };
    expect(rows.n).toBe(4);
  });
});
