import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listEntryMappings } from "../db/stored-rows.js";
import type { TimeEntryDto } from "../../src/sandbox/index.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";
import { CREATE_ENTRY, settle } from "./support/e2e.js";

let m: MirrorEnv;
beforeEach(async () => {
  m = await startMirror();
});
afterEach(async () => {
  await m.close();
});

const src = () => m.source.workspaceId;
const dst = () => m.destination.workspaceId;

describe("entries made by hand in the destination", () => {
  it("are never touched by a burst of source creates, edits, moves and deletes", async () => {
    const { world } = m.sim;
    const website = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    const theirs = world.addProject(src(), { name: "Their site", clientId: m.source.otherClientId });
    const dstWebsite = world.addProject(dst(), { name: "Website" });
    const dstInternal = world.addProject(dst(), { name: "Internal" });
    const tag = world.addTag(dst(), { name: "meeting" });

    // The customer's own time, on the same days and even the same project as the mirrored entries.
    const handMade: TimeEntryDto[] = [
      world.createTimeEntry(dst(), m.user.id, {
        start: "2026-11-20T09:00:00Z",
        end: "2026-11-20T09:30:00Z",
        description: "standup (typed in the customer's workspace)",
        projectId: dstWebsite.id,
        tagIds: [tag.id],
      }),
      world.createTimeEntry(dst(), m.user.id, { start: "2026-11-20T12:00:00Z", end: "2026-11-20T13:00:00Z", description: "internal", projectId: dstInternal.id }),
      world.createTimeEntry(dst(), m.user.id, { start: "2026-11-21T07:00:00Z", end: "2026-11-21T07:10:00Z", description: "no project" }),
      world.createTimeEntry(dst(), m.user.id, { start: "2026-11-22T08:00:00Z", description: "running in the destination" }),
    ];
    const snapshot = new Map(handMade.map((e) => [e.id, e]));

    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const day = 20 + (i % 3);
      const input = {
        start: `2026-11-${day}T09:00:00Z`,
        end: `2026-11-${day}T09:30:00Z`,
        description: `mirrored ${i}`,
        projectId: website.id,
      };
      const entry = world.createTimeEntry(src(), m.user.id, input, { emit: true });
      ids.push(entry.id);
      if (i % 3 === 0) world.updateTimeEntry(src(), entry.id, { ...input, description: `mirrored ${i} edited` }, { emit: true });
      if (i % 4 === 1) world.updateTimeEntry(src(), entry.id, { ...input, projectId: theirs.id }, { emit: true });
    }
    await settle(m);
    for (const [i, id] of ids.entries()) if (i % 2 === 0) world.deleteTimeEntry(src(), id, { emit: true });
    world.createTimeEntry(src(), m.user.id, { start: "2026-11-20T15:00:00Z", projectId: website.id }, { emit: true });
    world.stopTimer(src(), m.user.id, "2026-11-20T16:00:00Z", { emit: true });
    await settle(m);

    for (const [id, before] of snapshot) expect(world.getTimeEntry(dst(), id)).toEqual(before);
    const live = listEntryMappings(m.database, "acme").filter((r) => r.state === "live");
    const mirroredIds = new Set(live.map((r) => r.destinationEntryId));
    for (const id of snapshot.keys()) expect(mirroredIds.has(id)).toBe(false);
    const copies = world.listTimeEntries(dst()).filter((e) => !snapshot.has(e.id));
    // Odd i survive, minus the ones moved to the other client (i = 1, 5, 9), plus the stopped timer.
    expect(copies.map((e) => e.description).sort()).toEqual(["", "mirrored 11", "mirrored 3 edited", "mirrored 7"]);
    expect(copies).toHaveLength(live.length);
  });

  it("is not adopted as the copy of a source entry whose create was refused with 429", async () => {
    // A 429 means Clockify did not execute the create, so no orphan can exist; an entry the user typed
    // with the same content must not be taken for one (and later edited or deleted with the source).
    const { world } = m.sim;
    const website = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    const dstWebsite = world.addProject(dst(), { name: "Website" });
    const content = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "workshop", billable: false };
    const handMade = world.createTimeEntry(dst(), m.user.id, { ...content, projectId: dstWebsite.id });

    let refused = 0;
    // Six answers exhaust the client's retries (maxRetries 5): the worker has to try again later.
    m.sim.faults.failWhen = (req) => {
      if (req.method !== CREATE_ENTRY.method || req.route !== CREATE_ENTRY.route || req.workspaceId !== dst() || refused >= 6) return undefined;
      refused++;
      return 429;
    };
    const entry = world.createTimeEntry(src(), m.user.id, { ...content, projectId: website.id }, { emit: true });
    await settle(m);
    expect(refused).toBe(6);

    const live = listEntryMappings(m.database, "acme").find((r) => r.sourceEntryId === entry.id);
    expect(live?.state).toBe("live");
    expect(live?.destinationEntryId).not.toBe(handMade.id);
    expect(world.listTimeEntries(dst())).toHaveLength(2);

    world.deleteTimeEntry(src(), entry.id, { emit: true });
    await settle(m);
    expect(world.listTimeEntries(dst())).toEqual([handMade]);
  });

  it("keeps a hand-made entry when the user also deletes the mirrored copy by hand and the source changes", async () => {
    const { world } = m.sim;
    const website = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    const dstWebsite = world.addProject(dst(), { name: "Website" });
    const handMade = world.createTimeEntry(dst(), m.user.id, {
      start: "2026-11-20T11:00:00Z",
      end: "2026-11-20T12:00:00Z",
      description: "mine",
      projectId: dstWebsite.id,
    });
    const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "theirs", projectId: website.id };
    const entry = world.createTimeEntry(src(), m.user.id, input, { emit: true });
    await settle(m);
    const copy = world.listTimeEntries(dst()).find((e) => e.id !== handMade.id);
    expect(copy?.description).toBe("theirs");
    world.deleteTimeEntry(dst(), copy?.id ?? "");

    // The source still says the copy should exist: it comes back, and only it.
    world.updateTimeEntry(src(), entry.id, { ...input, description: "theirs, edited" }, { emit: true });
    await settle(m);
    const entries = world.listTimeEntries(dst());
    expect(entries).toHaveLength(2);
    expect(world.getTimeEntry(dst(), handMade.id)).toEqual(handMade);
    expect(entries.find((e) => e.id !== handMade.id)?.description).toBe("theirs, edited");
    expect(m.sim.stats.count({ ...CREATE_ENTRY, status: 201 })).toBe(2);
  });
});
