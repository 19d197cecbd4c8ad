import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getEntryMapping } from "../../src/db/entry-map.js";
import { listEntryMappings } from "../db/stored-rows.js";
import type { EntryInput } from "../../src/sandbox/index.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";
import { CREATE_ENTRY, DELETE_ENTRY, UPDATE_ENTRY, inboxRows, settle } from "./support/e2e.js";

let m: MirrorEnv;
beforeEach(async () => {
  m = await startMirror();
});
afterEach(async () => {
  await m.close();
});

const src = () => m.source.workspaceId;
const dst = () => m.destination.workspaceId;
const destEntries = () => m.sim.world.listTimeEntries(dst());
const creates = () => m.sim.stats.count(CREATE_ENTRY);
const puts = () => m.sim.stats.count(UPDATE_ENTRY);
const deletes = () => m.sim.stats.count(DELETE_ENTRY);

/** The only destination entry; fails when there is not exactly one. */
function onlyCopy() {
  const copies = destEntries();
  expect(copies).toHaveLength(1);
  const [copy] = copies;
  if (!copy) throw new Error("no copy");
  return copy;
}

describe("timers", () => {
  it("mirrors nothing while a timer runs and the finished entry once when it stops", async () => {
    const { world } = m.sim;
    const project = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    const dstProject = world.addProject(dst(), { name: "Website" });

    world.createTimeEntry(src(), m.user.id, { start: "2026-11-20T09:00:00Z", description: "timer", projectId: project.id }, { emit: true });
    await settle(m);
    expect(destEntries()).toEqual([]);
    expect(creates()).toBe(0);
    expect(inboxRows(m).map((r) => [r.eventType, r.status, r.outcome])).toEqual([
      ["NEW_TIMER_STARTED", "done", "absent: running"],
    ]);

    world.stopTimer(src(), m.user.id, "2026-11-20T10:15:00Z", { emit: true });
    await settle(m);
    const copy = onlyCopy();
    expect(copy).toMatchObject({ description: "timer", projectId: dstProject.id, userId: m.user.id });
    expect(copy.timeInterval).toMatchObject({ start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:15:00Z" });
    expect(creates()).toBe(1);
  });

  it("mirrors a timer that was edited while it ran, once it stops", async () => {
    // Clockify sends TIME_ENTRY_UPDATED for an edit of a running timer (say, typing its description
    // after starting it), then TIMER_STOPPED when it stops. The stop is the news, not a stale event.
    const { world } = m.sim;
    const project = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    const dstProject = world.addProject(dst(), { name: "Website" });

    const timer = world.createTimeEntry(src(), m.user.id, { start: "2026-11-20T09:00:00Z", projectId: project.id }, { emit: true });
    await settle(m);
    world.updateTimeEntry(
      src(),
      timer.id,
      { start: "2026-11-20T09:00:00Z", description: "typed after starting", projectId: project.id },
      { emit: true },
    );
    await settle(m);
    expect(destEntries()).toEqual([]);

    world.stopTimer(src(), m.user.id, "2026-11-20T10:00:00Z", { emit: true });
    await settle(m);
    const copy = onlyCopy();
    expect(copy).toMatchObject({ description: "typed after starting", projectId: dstProject.id });
    expect(copy.timeInterval.end).toBe("2026-11-20T10:00:00Z");
    expect(creates()).toBe(1);
  });

  it("mirrors a timer edited while running and stopped in the same burst", async () => {
    const { world } = m.sim;
    const project = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    world.addProject(dst(), { name: "Website" });
    // The three events reach the inbox before the worker runs: they are applied as one batch.
    await m.service.worker.stop();
    const timer = world.createTimeEntry(src(), m.user.id, { start: "2026-11-20T09:00:00Z", projectId: project.id }, { emit: true });
    world.updateTimeEntry(src(), timer.id, { start: "2026-11-20T09:00:00Z", description: "named", projectId: project.id }, { emit: true });
    world.stopTimer(src(), m.user.id, "2026-11-20T09:45:00Z", { emit: true });
    await m.sim.deliveries.idle();
    expect(inboxRows(m).map((r) => r.eventType)).toEqual(["NEW_TIMER_STARTED", "TIME_ENTRY_UPDATED", "TIMER_STOPPED"]);
    m.service.worker.start();
    await settle(m);
    const copy = onlyCopy();
    expect(copy.description).toBe("named");
    expect(copy.timeInterval.end).toBe("2026-11-20T09:45:00Z");
  });
});

describe("manual entries and their edits", () => {
  it("mirrors NEW_TIME_ENTRY with one create", async () => {
    const { world } = m.sim;
    const project = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    const dstProject = world.addProject(dst(), { name: "Website" });
    world.createTimeEntry(
      src(),
      m.user.id,
      { start: "2026-11-20T13:00:00Z", end: "2026-11-20T14:00:00Z", description: "manual", projectId: project.id, billable: true },
      { emit: true },
    );
    await settle(m);
    expect(onlyCopy()).toMatchObject({
      description: "manual",
      billable: true,
      projectId: dstProject.id,
      taskId: null,
      // Clockify answers null for "no tags".
      tagIds: null,
      timeInterval: { start: "2026-11-20T13:00:00Z", end: "2026-11-20T14:00:00Z" },
    });
    expect(creates()).toBe(1);
    expect(listEntryMappings(m.database, "acme").map((r) => r.state)).toEqual(["live"]);
  });

  it("follows TIME_ENTRY_UPDATED of every mirrored field with one PUT each", async () => {
    const { world } = m.sim;
    const website = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    const mobile = world.addProject(src(), { name: "Mobile", clientId: m.source.clientId });
    const design = world.addTask(src(), mobile.id, { name: "Design" });
    const urgent = world.addTag(src(), { name: "urgent" });
    const review = world.addTag(src(), { name: "review" });
    const internal = world.addTag(src(), { name: "internal only" });

    const dstWebsite = world.addProject(dst(), { name: "Website" });
    const dstMobile = world.addProject(dst(), { name: "Mobile" });
    world.addTask(dst(), dstMobile.id, { name: "Build" });
    const dstDesign = world.addTask(dst(), dstMobile.id, { name: "Design" });
    const dstReview = world.addTag(dst(), { name: "review" });
    const dstUrgent = world.addTag(dst(), { name: "urgent" });

    let input: EntryInput & { start: string } = {
      start: "2026-11-20T09:00:00Z",
      end: "2026-11-20T10:00:00Z",
      description: "first",
      projectId: website.id,
      billable: false,
    };
    const entry = world.createTimeEntry(src(), m.user.id, input, { emit: true });
    await settle(m);
    const copyId = onlyCopy().id;

    const step = async (patch: Omit<Partial<EntryInput>, "start"> & { start?: string }, expected: Record<string, unknown>) => {
      input = { ...input, ...patch };
      m.sim.stats.reset();
      world.updateTimeEntry(src(), entry.id, input, { emit: true });
      await settle(m);
      const copy = onlyCopy();
      expect(copy.id).toBe(copyId);
      expect(copy).toMatchObject(expected);
      expect({ puts: puts(), creates: creates(), deletes: deletes() }).toEqual({ puts: 1, creates: 0, deletes: 0 });
    };

    await step({ description: "second" }, { description: "second", projectId: dstWebsite.id });
    await step(
      { start: "2026-11-20T08:30:00Z", end: "2026-11-20T11:45:00Z" },
      { timeInterval: expect.objectContaining({ start: "2026-11-20T08:30:00Z", end: "2026-11-20T11:45:00Z" }) as unknown },
    );
    await step({ billable: true }, { billable: true });
    await step({ projectId: mobile.id }, { projectId: dstMobile.id, taskId: null });
    await step({ taskId: design.id }, { projectId: dstMobile.id, taskId: dstDesign.id });
    // The two tags the destination has are set by its ids; the one it lacks is created there once.
    await step(
      { tagIds: [urgent.id, internal.id, review.id] },
      { tagIds: expect.arrayContaining([dstUrgent.id, dstReview.id]) as unknown },
    );
    expect(onlyCopy().tagIds).toHaveLength(3);
    await step({ description: "third", taskId: null, tagIds: [] }, { taskId: null, tagIds: null, description: "third", billable: true });
    // Only what a copy carried reaches the destination's catalog: the tag, not the source's other tasks.
    expect(world.listTags(dst()).map((t) => t.name).sort()).toEqual(["internal only", "review", "urgent"]);
    expect(world.listTasks(dst(), dstMobile.id).map((t) => t.name).sort()).toEqual(["Build", "Design"]);
  });

  it("creates the destination project when an entry moves to a same-client project it lacks", async () => {
    const { world } = m.sim;
    const website = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    const api = world.addProject(src(), { name: "API", clientId: m.source.clientId });
    world.addProject(dst(), { name: "Website" });
    const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "x", projectId: website.id };
    const entry = world.createTimeEntry(src(), m.user.id, input, { emit: true });
    await settle(m);
    world.updateTimeEntry(src(), entry.id, { ...input, projectId: api.id }, { emit: true });
    await settle(m);
    const dstApi = world.listProjects(dst()).find((p) => p.name === "API");
    expect(dstApi).toBeDefined();
    expect(onlyCopy().projectId).toBe(dstApi?.id);
    expect(creates()).toBe(1);
  });

  it("deletes the copy on TIME_ENTRY_DELETED and keeps a tombstone", async () => {
    const { world } = m.sim;
    const project = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    world.addProject(dst(), { name: "Website" });
    const entry = world.createTimeEntry(
      src(),
      m.user.id,
      { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "bye", projectId: project.id },
      { emit: true },
    );
    await settle(m);
    const copyId = onlyCopy().id;
    world.deleteTimeEntry(src(), entry.id, { emit: true });
    await settle(m);
    expect(destEntries()).toEqual([]);
    expect(m.sim.world.getTimeEntry(dst(), copyId)).toBeUndefined();
    expect(deletes()).toBe(1);
    expect((await getEntryMapping(m.database, "acme", entry.id))?.state).toBe("tombstone");
  });
});

describe("edits back to an earlier state", () => {
  it("follows billable toggled on, off and on again", async () => {
    // Webhook bodies carry no event id or timestamp: the third edit's body is byte-identical to the
    // first's, yet it is a new event, not a redelivery.
    const { world } = m.sim;
    const project = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    world.addProject(dst(), { name: "Website" });
    const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "toggle", projectId: project.id };
    const entry = world.createTimeEntry(src(), m.user.id, { ...input, billable: false }, { emit: true });
    await settle(m);
    for (const billable of [true, false, true]) {
      world.updateTimeEntry(src(), entry.id, { ...input, billable }, { emit: true });
      await settle(m);
      expect(onlyCopy().billable).toBe(billable);
    }
    expect(world.getTimeEntry(src(), entry.id)?.billable).toBe(true);
  });

  it("follows a description changed, changed back and changed again", async () => {
    const { world } = m.sim;
    const project = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    world.addProject(dst(), { name: "Website" });
    const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", projectId: project.id };
    const entry = world.createTimeEntry(src(), m.user.id, { ...input, description: "draft" }, { emit: true });
    await settle(m);
    for (const description of ["final", "draft", "final"]) {
      world.updateTimeEntry(src(), entry.id, { ...input, description }, { emit: true });
      await settle(m);
      expect(onlyCopy().description).toBe(description);
    }
  });
});

describe("scope", () => {
  it("deletes the copy when the entry moves to another client's project and re-creates it when it moves back", async () => {
    const { world } = m.sim;
    const ours = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    const theirs = world.addProject(src(), { name: "Their site", clientId: m.source.otherClientId });
    const dstProject = world.addProject(dst(), { name: "Website" });
    const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "moving", projectId: ours.id };
    const entry = world.createTimeEntry(src(), m.user.id, input, { emit: true });
    await settle(m);
    const firstCopy = onlyCopy().id;

    world.updateTimeEntry(src(), entry.id, { ...input, projectId: theirs.id }, { emit: true });
    await settle(m);
    expect(destEntries()).toEqual([]);
    expect(deletes()).toBe(1);
    // The other client's project never appears in the destination.
    expect(world.listProjects(dst()).map((p) => p.name)).toEqual(["Website"]);

    world.updateTimeEntry(src(), entry.id, { ...input, description: "back home" }, { emit: true });
    await settle(m);
    const copy = onlyCopy();
    expect(copy.id).not.toBe(firstCopy);
    expect(copy).toMatchObject({ description: "back home", projectId: dstProject.id });
    expect(creates()).toBe(2);
    expect(await getEntryMapping(m.database, "acme", entry.id)).toMatchObject({ state: "live", destinationEntryId: copy.id });
  });

  it("mirrors an entry once it gets a project of the pair's client, not before", async () => {
    const { world } = m.sim;
    const project = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    const dstProject = world.addProject(dst(), { name: "Website" });
    const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "no project yet" };
    const entry = world.createTimeEntry(src(), m.user.id, input, { emit: true });
    await settle(m);
    expect(destEntries()).toEqual([]);
    world.updateTimeEntry(src(), entry.id, { ...input, projectId: project.id }, { emit: true });
    await settle(m);
    expect(onlyCopy().projectId).toBe(dstProject.id);
  });

  it("never mirrors the entries of another user of the source workspace", async () => {
    const { world } = m.sim;
    const colleague = world.addUser({ name: "Grace Hopper" });
    world.addMember(src(), colleague.id);
    const project = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    world.addProject(dst(), { name: "Website" });
    const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "not mine", projectId: project.id };
    const entry = world.createTimeEntry(src(), colleague.id, input, { emit: true });
    await settle(m);
    world.updateTimeEntry(src(), entry.id, { ...input, description: "still not mine" }, { emit: true });
    world.createTimeEntry(src(), colleague.id, { start: "2026-11-20T11:00:00Z", projectId: project.id }, { emit: true });
    world.stopTimer(src(), colleague.id, "2026-11-20T12:00:00Z", { emit: true });
    world.deleteTimeEntry(src(), entry.id, { emit: true });
    await settle(m);
    expect(destEntries()).toEqual([]);
    expect(m.sim.stats.count({ method: "POST" }) + m.sim.stats.count({ method: "PUT" })).toBe(0);
    // Acknowledged and dropped at the door: nothing reached the inbox.
    expect(inboxRows(m)).toEqual([]);
    expect(m.sim.deliveries.log.filter((d) => d.attempt > 0).every((d) => d.status === 200)).toBe(true);
  });
});
