import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { call, Receiver, startWorld } from "./helpers.js";
import type { EntryBody, ErrorBody, TestWorld } from "./helpers.js";

// Split, restore and bulk delete: what the simulator does is partly a guess (see src/sandbox/entry-changes.ts);
// these tests pin the guesses down so the service's tests run against a known behaviour.
let w: TestWorld;
let receiver: Receiver;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w.sim.close();
});
beforeEach(async () => {
  receiver = await Receiver.start();
  for (const hook of w.sim.world.listWebhooks(w.ws)) w.sim.world.setWebhookState(w.ws, hook.id, { enabled: false });
  for (const event of ["NEW_TIME_ENTRY", "TIME_ENTRY_SPLIT", "TIME_ENTRY_RESTORED", "TIME_ENTRY_DELETED"]) {
    w.sim.world.addWebhook(w.ws, { url: receiver.url, webhookEvent: event, triggerSourceType: "WORKSPACE_ID", triggerSource: [] });
  }
  w.sim.world.setBulkDeleteEvents("per-entry");
});
afterEach(async () => {
  await w.sim.deliveries.idle();
  await receiver.close();
});

const entriesPath = (userId: string, query = ""): string => `/workspaces/${w.ws}/user/${userId}/time-entries${query}`;

function seedEntry(start: string, end: string, description = "work") {
  const project = w.sim.world.addProject(w.ws, { name: `P ${Math.random()}` });
  const tag = w.sim.world.addTag(w.ws, { name: `t ${Math.random()}` });
  const task = w.sim.world.addTask(w.ws, project.id, { name: "Build" });
  return w.sim.world.createTimeEntry(w.ws, w.member.id, {
    start,
    end,
    description,
    projectId: project.id,
    taskId: task.id,
    tagIds: [tag.id],
    billable: true,
  });
}

describe("splitting an entry (a guess of Clockify's split)", () => {
  it("shortens the entry, adds the rest as a new entry with the same content, and announces only the first", async () => {
    const entry = seedEntry("2026-05-04T09:00:00Z", "2026-05-04T12:00:00Z");
    const { first, second } = w.sim.world.splitTimeEntry(w.ws, entry.id, "2026-05-04T10:30:00Z", { emit: true });
    await w.sim.deliveries.idle();

    expect(first.id).toBe(entry.id);
    expect(second.id).not.toBe(entry.id);
    expect(first.timeInterval).toMatchObject({ start: "2026-05-04T09:00:00Z", end: "2026-05-04T10:30:00Z", duration: "PT1H30M" });
    expect(second.timeInterval).toMatchObject({ start: "2026-05-04T10:30:00Z", end: "2026-05-04T12:00:00Z", duration: "PT1H30M" });
    const same = (e: typeof first) => ({ d: e.description, p: e.projectId, t: e.taskId, tags: e.tagIds, b: e.billable, u: e.userId });
    expect(same(second)).toEqual(same(first));

    const listed = await call<EntryBody[]>(w.sim, w.owner.apiKey, "GET", entriesPath(w.member.id, "?start=2026-05-04T00:00:00Z&end=2026-05-05T00:00:00Z"));
    expect(listed.body.map((e) => e.id)).toEqual([second.id, entry.id]);

    expect(receiver.events()).toEqual(["TIME_ENTRY_SPLIT"]);
    const [body] = receiver.bodies<{ id: string; timeInterval: { end: string }; project: { id: string } }>();
    expect(body?.id).toBe(entry.id);
    expect(body?.timeInterval.end).toBe("2026-05-04T10:30:00Z");
    expect(body?.project.id).toBe(entry.projectId);
  });

  it("refuses a split time outside the entry and a running timer", () => {
    const entry = seedEntry("2026-05-05T09:00:00Z", "2026-05-05T10:00:00Z");
    expect(() => w.sim.world.splitTimeEntry(w.ws, entry.id, "2026-05-05T09:00:00Z")).toThrow(/between/);
    expect(() => w.sim.world.splitTimeEntry(w.ws, entry.id, "2026-05-05T10:00:01Z")).toThrow(/between/);
    const running = w.sim.world.createTimeEntry(w.ws, w.member.id, { start: "2026-05-05T11:00:00Z" });
    expect(() => w.sim.world.splitTimeEntry(w.ws, running.id, "2026-05-05T11:30:00Z")).toThrow(/running/);
    w.sim.world.stopTimer(w.ws, w.member.id, "2026-05-05T12:00:00Z");
  });
});

describe("restoring a deleted entry (a guess of Clockify's undo)", () => {
  it("brings the entry back with its id, listed once, and sends TIME_ENTRY_RESTORED with its body", async () => {
    const entry = seedEntry("2026-05-06T09:00:00Z", "2026-05-06T10:00:00Z", "undo me");
    w.sim.world.deleteTimeEntry(w.ws, entry.id, { emit: true });
    const gone = await call<ErrorBody>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/time-entries/${entry.id}`);
    expect(gone.status).toBe(400);

    const restored = w.sim.world.restoreTimeEntry(w.ws, entry.id, { emit: true });
    await w.sim.deliveries.idle();
    expect(restored).toEqual(entry);
    const back = await call<EntryBody>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/time-entries/${entry.id}`);
    expect(back.status).toBe(200);
    expect(back.body.description).toBe("undo me");
    const listed = await call<EntryBody[]>(w.sim, w.owner.apiKey, "GET", entriesPath(w.member.id, "?start=2026-05-06T00:00:00Z&end=2026-05-07T00:00:00Z"));
    expect(listed.body.map((e) => e.id)).toEqual([entry.id]);

    expect(receiver.events()).toEqual(["TIME_ENTRY_DELETED", "TIME_ENTRY_RESTORED"]);
    expect(receiver.bodies<{ id: string; description: string }>()[1]).toMatchObject({ id: entry.id, description: "undo me" });
  });

  it("refuses to restore an entry that is not deleted, or never existed", () => {
    const entry = seedEntry("2026-05-07T09:00:00Z", "2026-05-07T10:00:00Z");
    expect(() => w.sim.world.restoreTimeEntry(w.ws, entry.id)).toThrow(/not deleted/);
    expect(() => w.sim.world.restoreTimeEntry(w.ws, "0123456789abcdef01234567")).toThrow(/doesn't belong/);
  });
});

describe("bulk delete: DELETE /user/{userId}/time-entries?time-entry-ids=…", () => {
  it("deletes the listed entries, answers 200 with them, and sends one TIME_ENTRY_DELETED each", async () => {
    const a = seedEntry("2026-05-08T09:00:00Z", "2026-05-08T10:00:00Z");
    const b = seedEntry("2026-05-08T11:00:00Z", "2026-05-08T12:00:00Z");
    const keep = seedEntry("2026-05-08T13:00:00Z", "2026-05-08T14:00:00Z");
    const answer = await call<EntryBody[]>(w.sim, w.member.apiKey, "DELETE", entriesPath(w.member.id, `?time-entry-ids=${a.id}&time-entry-ids=${b.id}`));
    await w.sim.deliveries.idle();
    expect(answer.status).toBe(200);
    expect(answer.body.map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
    expect(w.sim.world.getTimeEntry(w.ws, a.id)).toBeUndefined();
    expect(w.sim.world.getTimeEntry(w.ws, b.id)).toBeUndefined();
    expect(w.sim.world.getTimeEntry(w.ws, keep.id)).toBeDefined();
    expect(receiver.events()).toEqual(["TIME_ENTRY_DELETED", "TIME_ENTRY_DELETED"]);
    expect(receiver.bodies<{ id: string }>().map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
  });

  it("takes comma-separated ids, and sends one body listing them when set to a batch guess", async () => {
    const a = seedEntry("2026-05-09T09:00:00Z", "2026-05-09T10:00:00Z");
    const b = seedEntry("2026-05-09T11:00:00Z", "2026-05-09T12:00:00Z");
    w.sim.world.setBulkDeleteEvents("batch-object");
    const answer = await call(w.sim, w.owner.apiKey, "DELETE", entriesPath(w.member.id, `?time-entry-ids=${a.id},${b.id}`));
    expect(answer.status).toBe(200);
    const c = seedEntry("2026-05-09T13:00:00Z", "2026-05-09T14:00:00Z");
    w.sim.world.setBulkDeleteEvents("batch-array");
    w.sim.world.deleteTimeEntries(w.ws, w.member.id, [c.id], { emit: true });
    await w.sim.deliveries.idle();
    expect(receiver.events()).toEqual(["TIME_ENTRY_DELETED", "TIME_ENTRY_DELETED"]);
    expect(receiver.bodies<unknown>()).toEqual([{ workspaceId: w.ws, userId: w.member.id, timeEntryIds: [a.id, b.id] }, [c.id]]);
  });

  it("deletes nothing when one id is not the user's, refuses other users' entries to a member, and needs ids", async () => {
    const mine = seedEntry("2026-05-10T09:00:00Z", "2026-05-10T10:00:00Z");
    const owners = w.sim.world.createTimeEntry(w.ws, w.owner.id, { start: "2026-05-10T11:00:00Z", end: "2026-05-10T12:00:00Z" });
    const mixed = await call<ErrorBody>(w.sim, w.owner.apiKey, "DELETE", entriesPath(w.member.id, `?time-entry-ids=${mine.id},${owners.id}`));
    expect(mixed.status).toBe(400);
    expect(w.sim.world.getTimeEntry(w.ws, mine.id)).toBeDefined();
    const foreign = await call<ErrorBody>(w.sim, w.member.apiKey, "DELETE", entriesPath(w.owner.id, `?time-entry-ids=${owners.id}`));
    expect(foreign.status).toBe(403);
    const none = await call<ErrorBody>(w.sim, w.owner.apiKey, "DELETE", entriesPath(w.member.id));
    expect(none.status).toBe(400);
    expect(w.sim.world.getTimeEntry(w.ws, owners.id)).toBeDefined();
    expect(receiver.events()).toEqual([]);
  });

  it("keeps bulk-deleted entries restorable", () => {
    const a = seedEntry("2026-05-11T09:00:00Z", "2026-05-11T10:00:00Z");
    w.sim.world.deleteTimeEntries(w.ws, w.member.id, [a.id]);
    expect(w.sim.world.restoreTimeEntry(w.ws, a.id).id).toBe(a.id);
  });
});
