import { afterEach, describe, expect, it } from "vitest";
import { listDeadLetters } from "../../src/db/inbox.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";

let m: MirrorEnv | undefined;
afterEach(async () => {
  await m?.close();
  m = undefined;
});

/** The customer's workspace requires a tag and a description on every entry; the source entry has neither. */
async function untaggedEntry(env: MirrorEnv) {
  const { world } = env.sim;
  world.setRules(env.destination.workspaceId, { forceTags: true, forceDescription: true });
  const project = world.addProject(env.source.workspaceId, { name: "Website", clientId: env.source.clientId });
  world.addProject(env.destination.workspaceId, { name: "Website" });
  world.createTimeEntry(
    env.source.workspaceId,
    env.user.id,
    { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "", projectId: project.id },
    { emit: true },
  );
  await env.settle();
}

describe("a destination that requires a tag and a description", () => {
  it("refuses a copy without them: a dead letter naming the rule and the setting that fixes it", async () => {
    m = await startMirror();
    await untaggedEntry(m);
    expect(m.sim.world.listTimeEntries(m.destination.workspaceId)).toEqual([]);
    const [dead, ...more] = await listDeadLetters(m.database);
    expect(more).toEqual([]);
    // The simulator checks tags first (its guess of Clockify's order): that rule is named.
    expect(dead?.lastError).toContain("requires a tag on every entry");
    expect(dead?.lastError).toContain("set destinationDefaults.tag");
  });

  it("accepts every copy once the pair has a default tag and description prefix; the tag is created once", async () => {
    m = await startMirror({ pair: { destinationDefaults: { tag: "Agency", descriptionPrefix: "[Agency] " } } });
    await untaggedEntry(m);
    expect(await listDeadLetters(m.database)).toEqual([]);
    const tags = m.sim.world.listTags(m.destination.workspaceId);
    expect(tags.map((t) => t.name)).toEqual(["Agency"]);
    const copies = m.sim.world.listTimeEntries(m.destination.workspaceId);
    expect(copies.map((c) => ({ description: c.description, tagIds: c.tagIds }))).toEqual([{ description: "[Agency]", tagIds: [tags[0]?.id] }]);

    // A second entry, with a description and a tag of its own, keeps both; the prefix goes before it.
    const src = m.source.workspaceId;
    const urgent = m.sim.world.addTag(src, { name: "urgent" });
    const [project] = m.sim.world.listProjects(src);
    m.sim.world.createTimeEntry(
      src,
      m.user.id,
      { start: "2026-11-20T11:00:00Z", end: "2026-11-20T12:00:00Z", description: "review", projectId: project?.id ?? null, tagIds: [urgent.id] },
      { emit: true },
    );
    await m.settle();
    const names = new Map(m.sim.world.listTags(m.destination.workspaceId).map((t) => [t.id, t.name]));
    const second = m.sim.world.listTimeEntries(m.destination.workspaceId).find((c) => c.description === "[Agency] review");
    expect((second?.tagIds ?? []).map((id) => names.get(id))).toEqual(["urgent"]);
  });
});
