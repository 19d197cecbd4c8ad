import { afterEach, describe, expect, it } from "vitest";
import { listDeadLetters } from "../../src/db/inbox.js";
import { listProjectMappings } from "../../src/db/project-map.js";
import { startMirror, type MirrorEnv, type MirrorOptions } from "../helpers/mirror.js";
import { CREATE_ENTRY, inboxRows, settle } from "./support/e2e.js";

let m: MirrorEnv | undefined;
afterEach(async () => {
  await m?.close();
  m = undefined;
});

async function start(options: MirrorOptions = {}): Promise<MirrorEnv> {
  m = await startMirror(options);
  return m;
}

const PROJECTS = { method: "POST", route: "/v1/workspaces/{workspaceId}/projects" } as const;
const RENAME = { method: "PUT", route: "/v1/workspaces/{workspaceId}/projects/{projectId}" } as const;

function projectNames(env: MirrorEnv) {
  const names = (ws: string) => env.sim.world.listProjects(ws).map((p) => p.name).sort();
  return { source: names(env.source.workspaceId), destination: names(env.destination.workspaceId) };
}

/** Lets any echo of the last change travel the whole loop (webhook → service → API → webhook) twice. */
async function settleTwice(env: MirrorEnv): Promise<void> {
  await settle(env);
  await settle(env);
}

describe("projects flow from the destination to the source", () => {
  it("creates a same-named project under the pair's client, with the pair's color, without looping", async () => {
    const env = await start({ pair: { projectOptions: { color: "#FF0000" } } });
    const { world } = env.sim;
    const dstProject = world.addProject(env.destination.workspaceId, { name: "Alpha", color: "#00FF00" }, { emit: true });
    await settleTwice(env);

    const created = world.listProjects(env.source.workspaceId).filter((p) => p.name === "Alpha");
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ clientId: env.source.clientId, color: "#FF0000" });
    expect(await listProjectMappings(env.database, "acme")).toMatchObject([
      { sourceProjectId: created[0]?.id, destinationProjectId: dstProject.id, name: "Alpha" },
    ]);
    expect(env.sim.stats.count(PROJECTS)).toBe(1);

    const before = projectNames(env);
    await settleTwice(env);
    expect(projectNames(env)).toEqual(before);
    expect(before).toEqual({ source: ["Alpha"], destination: ["Alpha"] });
    expect(env.sim.stats.count(PROJECTS)).toBe(1);
    expect(inboxRows(env).every((r) => r.status === "done")).toBe(true);
  });

  it("renames the source project when the destination project is renamed, and keeps mirroring onto it", async () => {
    const env = await start({ pair: { projectOptions: { color: "#FF0000" } } });
    const { world } = env.sim;
    const dstProject = world.addProject(env.destination.workspaceId, { name: "Alpha" }, { emit: true });
    await settleTwice(env);
    const sourceId = world.listProjects(env.source.workspaceId).find((p) => p.name === "Alpha")?.id ?? "";

    world.updateProject(env.destination.workspaceId, dstProject.id, { name: "Alpha (renamed)" }, { emit: true });
    await settleTwice(env);
    expect(world.getProject(env.source.workspaceId, sourceId)).toMatchObject({ name: "Alpha (renamed)", clientId: env.source.clientId });
    expect(projectNames(env)).toEqual({ source: ["Alpha (renamed)"], destination: ["Alpha (renamed)"] });
    expect(env.sim.stats.count(RENAME)).toBe(1);
    expect(env.sim.stats.count(PROJECTS)).toBe(1);
    await settleTwice(env);
    expect(projectNames(env)).toEqual({ source: ["Alpha (renamed)"], destination: ["Alpha (renamed)"] });

    world.createTimeEntry(
      env.source.workspaceId,
      env.user.id,
      { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "on the renamed one", projectId: sourceId },
      { emit: true },
    );
    await settle(env);
    expect(world.listTimeEntries(env.destination.workspaceId).map((e) => [e.description, e.projectId])).toEqual([
      ["on the renamed one", dstProject.id],
    ]);
    expect(projectNames(env)).toEqual({ source: ["Alpha (renamed)"], destination: ["Alpha (renamed)"] });
  });

  it("reports a rename onto a name another mirrored source project holds as a conflict, and keeps mirroring", async () => {
    const env = await start();
    const { world } = env.sim;
    const otherClient = world.addClient(env.destination.workspaceId, { name: "Another customer" });
    const alpha = world.addProject(env.destination.workspaceId, { name: "Alpha" }, { emit: true });
    world.addProject(env.destination.workspaceId, { name: "Beta", clientId: otherClient.id }, { emit: true });
    await settleTwice(env);
    const sourceAlpha = world.listProjects(env.source.workspaceId).find((p) => p.name === "Alpha")?.id ?? "";

    world.updateProject(env.destination.workspaceId, alpha.id, { name: "Beta" }, { emit: true });
    await settleTwice(env);
    // The same planner as the reconciliation: no rename is sent, nothing is dead-lettered.
    expect(env.sim.stats.count(RENAME)).toBe(0);
    expect(await listDeadLetters(env.database)).toEqual([]);
    expect(projectNames(env).source).toEqual(["Alpha", "Beta"]);
    const outcomes = inboxRows(env).map((r) => r.outcome ?? "");
    expect(outcomes.filter((o) => o.startsWith("conflict: "))).toHaveLength(1);

    world.createTimeEntry(
      env.source.workspaceId,
      env.user.id,
      { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "still on Alpha", projectId: sourceAlpha },
      { emit: true },
    );
    await settle(env);
    expect(world.listTimeEntries(env.destination.workspaceId).map((e) => [e.description, e.projectId])).toEqual([
      ["still on Alpha", alpha.id],
    ]);
  });

  it("maps a destination project onto an existing same-named source project instead of creating one", async () => {
    const env = await start();
    const { world } = env.sim;
    const existing = world.addProject(env.source.workspaceId, { name: "Beta", clientId: env.source.clientId });
    // Same name under another client does not count.
    world.addProject(env.source.workspaceId, { name: "Gamma", clientId: env.source.otherClientId });
    const beta = world.addProject(env.destination.workspaceId, { name: "Beta" }, { emit: true });
    const gamma = world.addProject(env.destination.workspaceId, { name: "Gamma" }, { emit: true });
    await settleTwice(env);

    const mappings = await listProjectMappings(env.database, "acme");
    expect(mappings.find((r) => r.destinationProjectId === beta.id)?.sourceProjectId).toBe(existing.id);
    const newGamma = world.listProjects(env.source.workspaceId).find((p) => p.name === "Gamma" && p.clientId === env.source.clientId);
    expect(newGamma).toBeDefined();
    expect(mappings.find((r) => r.destinationProjectId === gamma.id)?.sourceProjectId).toBe(newGamma?.id);
    expect(env.sim.stats.count(PROJECTS)).toBe(1);
    expect(projectNames(env)).toEqual({ source: ["Beta", "Gamma", "Gamma"], destination: ["Beta", "Gamma"] });
  });

  it("creates a missing destination project once for a burst of entries on it", async () => {
    const env = await start();
    const { world } = env.sim;
    const project = world.addProject(env.source.workspaceId, { name: "Iota", clientId: env.source.clientId });
    for (let i = 0; i < 6; i++) {
      world.createTimeEntry(
        env.source.workspaceId,
        env.user.id,
        { start: `2026-11-1${i}T09:00:00Z`, end: `2026-11-1${i}T10:00:00Z`, description: `i${i}`, projectId: project.id },
        { emit: true },
      );
    }
    await settleTwice(env);
    const dstProjects = world.listProjects(env.destination.workspaceId);
    expect(dstProjects.map((p) => p.name)).toEqual(["Iota"]);
    const copies = world.listTimeEntries(env.destination.workspaceId);
    expect(copies).toHaveLength(6);
    expect(copies.every((e) => e.projectId === dstProjects[0]?.id)).toBe(true);
    // Its NEW_PROJECT echo did not make a second source project.
    expect(projectNames(env).source).toEqual(["Iota"]);
  });

  it("creates the destination counterpart of a new source project of the pair's client once", async () => {
    const env = await start();
    const { world } = env.sim;
    world.addProject(env.source.workspaceId, { name: "Delta", clientId: env.source.clientId }, { emit: true });
    world.addProject(env.source.workspaceId, { name: "Not theirs", clientId: env.source.otherClientId }, { emit: true });
    await settleTwice(env);
    expect(projectNames(env)).toEqual({ source: ["Delta", "Not theirs"], destination: ["Delta"] });
    await settleTwice(env);
    expect(projectNames(env)).toEqual({ source: ["Delta", "Not theirs"], destination: ["Delta"] });
    expect(env.sim.stats.count(PROJECTS)).toBe(1);
  });
});

describe("parking when destination projects may not be created", () => {
  it("parks an entry whose project the destination lacks and mirrors it once the project appears there", async () => {
    const env = await start({ pair: { createMissingDestinationProjects: false } });
    const { world } = env.sim;
    const project = world.addProject(env.source.workspaceId, { name: "Epsilon", clientId: env.source.clientId });
    const entry = world.createTimeEntry(
      env.source.workspaceId,
      env.user.id,
      { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "parked", projectId: project.id },
      { emit: true },
    );
    await settleTwice(env);
    expect(world.listTimeEntries(env.destination.workspaceId)).toEqual([]);
    expect(world.listProjects(env.destination.workspaceId)).toEqual([]);
    expect(inboxRows(env)).toMatchObject([{ entityId: entry.id, status: "pending", waitingFor: "Epsilon" }]);
    expect(env.sim.stats.count(CREATE_ENTRY)).toBe(0);

    const dstProject = world.addProject(env.destination.workspaceId, { name: "Epsilon" }, { emit: true });
    await settleTwice(env);
    const copies = world.listTimeEntries(env.destination.workspaceId);
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ description: "parked", projectId: dstProject.id });
    expect(env.sim.stats.count(CREATE_ENTRY)).toBe(1);
    // The destination project was matched to the existing source one, not duplicated.
    expect(projectNames(env)).toEqual({ source: ["Epsilon"], destination: ["Epsilon"] });
    expect(inboxRows(env).every((r) => r.status === "done" && r.waitingFor === null)).toBe(true);
  });

  it("parks every entry of the missing project and releases them all", async () => {
    const env = await start({ pair: { createMissingDestinationProjects: false } });
    const { world } = env.sim;
    const project = world.addProject(env.source.workspaceId, { name: "Zeta", clientId: env.source.clientId });
    for (let i = 0; i < 3; i++) {
      world.createTimeEntry(
        env.source.workspaceId,
        env.user.id,
        { start: `2026-11-2${i}T09:00:00Z`, end: `2026-11-2${i}T10:00:00Z`, description: `z${i}`, projectId: project.id },
        { emit: true },
      );
    }
    await settleTwice(env);
    expect(inboxRows(env).filter((r) => r.waitingFor === "Zeta")).toHaveLength(3);
    world.addProject(env.destination.workspaceId, { name: "Zeta" }, { emit: true });
    await settleTwice(env);
    expect(world.listTimeEntries(env.destination.workspaceId).map((e) => e.description).sort()).toEqual(["z0", "z1", "z2"]);
    expect(env.sim.stats.count(CREATE_ENTRY)).toBe(3);
  });

  it("applies edits made while parked, and forgets an entry deleted while parked", async () => {
    const env = await start({ pair: { createMissingDestinationProjects: false } });
    const { world } = env.sim;
    const src = env.source.workspaceId;
    const project = world.addProject(src, { name: "Eta", clientId: env.source.clientId });
    const base = { end: "2026-11-20T10:00:00Z", projectId: project.id };
    const kept = world.createTimeEntry(src, env.user.id, { ...base, start: "2026-11-20T09:00:00Z", description: "kept" }, { emit: true });
    const dropped = world.createTimeEntry(src, env.user.id, { ...base, start: "2026-11-20T08:00:00Z", description: "dropped" }, { emit: true });
    await settleTwice(env);
    world.updateTimeEntry(src, kept.id, { ...base, start: "2026-11-20T09:00:00Z", description: "kept, edited while parked" }, { emit: true });
    world.deleteTimeEntry(src, dropped.id, { emit: true });
    await settleTwice(env);
    expect(world.listTimeEntries(env.destination.workspaceId)).toEqual([]);

    world.addProject(env.destination.workspaceId, { name: "Eta" }, { emit: true });
    await settleTwice(env);
    expect(world.listTimeEntries(env.destination.workspaceId).map((e) => e.description)).toEqual(["kept, edited while parked"]);
    expect(env.sim.stats.count(CREATE_ENTRY)).toBe(1);
    expect(env.sim.stats.count({ method: "DELETE" })).toBe(0);
  });

  it("releases parked entries when a destination project is renamed to the missing name", async () => {
    const env = await start({ pair: { createMissingDestinationProjects: false } });
    const { world } = env.sim;
    const project = world.addProject(env.source.workspaceId, { name: "Theta", clientId: env.source.clientId });
    const draft = world.addProject(env.destination.workspaceId, { name: "Theta (draft)" }, { emit: true });
    await settleTwice(env);
    world.createTimeEntry(
      env.source.workspaceId,
      env.user.id,
      { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "waiting for Theta", projectId: project.id },
      { emit: true },
    );
    await settleTwice(env);
    expect(world.listTimeEntries(env.destination.workspaceId)).toEqual([]);

    // The source already has a "Theta" of the pair's client: the renamed destination project is its
    // counterpart now (renaming the source's "Theta (draft)" to "Theta" would collide with it).
    world.updateProject(env.destination.workspaceId, draft.id, { name: "Theta" }, { emit: true });
    await settleTwice(env);
    expect(await listDeadLetters(env.database)).toEqual([]);
    expect(world.listTimeEntries(env.destination.workspaceId).map((e) => [e.description, e.projectId])).toEqual([
      ["waiting for Theta", draft.id],
    ]);
    expect((await listProjectMappings(env.database, "acme")).find((r) => r.destinationProjectId === draft.id)?.sourceProjectId).toBe(project.id);
  });
});
