import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startWorld } from "./helpers.js";
import type { EntryBody, ErrorBody, TestWorld } from "./helpers.js";

let w: TestWorld;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w.sim.close();
});

const entriesPath = (ws: string, userId: string, query = ""): string => `/workspaces/${ws}/user/${userId}/time-entries${query}`;

describe("listing a user's entries", () => {
  it("pages 12,000 entries as 5000/5000/2000 with Last-Page false/false/true, newest first", async () => {
    const base = Date.parse("2025-01-01T00:00:00Z");
    for (let i = 0; i < 12_000; i++) {
      w.sim.world.createTimeEntry(w.ws, w.owner.id, { start: base + i * 3_600_000, end: base + i * 3_600_000 + 1_800_000 });
    }
    const sizes: number[] = [];
    const lastPages: unknown[] = [];
    const starts: string[] = [];
    for (const page of [1, 2, 3]) {
      const answer = await call<EntryBody[]>(w.sim, w.owner.apiKey, "GET", entriesPath(w.ws, w.owner.id, `?page=${page}&page-size=5000`));
      expect(answer.status).toBe(200);
      sizes.push(answer.body.length);
      lastPages.push(answer.headers["last-page"]);
      starts.push(...answer.body.map((e) => e.timeInterval.start));
    }
    expect(sizes).toEqual([5000, 5000, 2000]);
    expect(lastPages).toEqual(["false", "false", "true"]);
    expect(new Set(starts).size).toBe(12_000);
    expect(starts[0]).toBe(new Date(base + 11_999 * 3_600_000).toISOString().replace(".000", ""));
    expect([...starts].sort().reverse()).toEqual(starts);
  });

  it("rejects page-size 5001 and treats page 0 as page 1", async () => {
    const tooBig = await call<ErrorBody>(w.sim, w.owner.apiKey, "GET", entriesPath(w.ws, w.owner.id, "?page-size=5001"));
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.message).toBe("Page size cannot be larger than 5,000.");
    const zero = await call<EntryBody[]>(w.sim, w.owner.apiKey, "GET", entriesPath(w.ws, w.owner.id, "?page=0&page-size=3"));
    const one = await call<EntryBody[]>(w.sim, w.owner.apiKey, "GET", entriesPath(w.ws, w.owner.id, "?page=1&page-size=3"));
    expect(zero.body.map((e) => e.id)).toEqual(one.body.map((e) => e.id));
    expect(zero.body).toHaveLength(3);
  });

  it("defaults to 50 per page and filters on start within [start, end]", async () => {
    const all = await call<EntryBody[]>(w.sim, w.owner.apiKey, "GET", entriesPath(w.ws, w.owner.id));
    expect(all.body).toHaveLength(50);
    const window = await call<EntryBody[]>(
      w.sim,
      w.owner.apiKey,
      "GET",
      entriesPath(w.ws, w.owner.id, "?start=2025-01-01T02:00:00Z&end=2025-01-01T04:00:00Z"),
    );
    expect(window.body.map((e) => e.timeInterval.start)).toEqual([
      "2025-01-01T04:00:00Z",
      "2025-01-01T03:00:00Z",
      "2025-01-01T02:00:00Z",
    ]);
  });

  it("filters running entries with in-progress=true and adds objects with hydrated=true", async () => {
    const project = w.sim.world.addProject(w.ws, { name: "Hydration" });
    const tag = w.sim.world.addTag(w.ws, { name: "hydrated-tag" });
    w.sim.world.createTimeEntry(w.ws, w.member.id, { start: "2026-02-01T08:00:00Z", end: "2026-02-01T09:00:00Z" });
    const running = w.sim.world.createTimeEntry(w.ws, w.member.id, {
      start: "2026-02-01T10:00:00Z",
      projectId: project.id,
      tagIds: [tag.id],
    });
    const inProgress = await call<EntryBody[]>(w.sim, w.member.apiKey, "GET", entriesPath(w.ws, w.member.id, "?in-progress=true&hydrated=true"));
    expect(inProgress.body).toHaveLength(1);
    expect(inProgress.body[0]).toMatchObject({
      id: running.id,
      timeInterval: { start: "2026-02-01T10:00:00Z", end: null, duration: null },
      project: { id: project.id, name: "Hydration", clientId: "", clientName: "" },
      task: null,
      tags: [{ id: tag.id, name: "hydrated-tag", workspaceId: w.ws, archived: false }],
    });
  });

  it("lets a member read only their own entries, owners everyone's", async () => {
    expect((await call(w.sim, w.member.apiKey, "GET", entriesPath(w.ws, w.owner.id))).status).toBe(403);
    expect((await call(w.sim, w.owner.apiKey, "GET", entriesPath(w.ws, w.member.id))).status).toBe(200);
  });
});

describe("creating, replacing, stopping and deleting", () => {
  it("creates a stopped entry with second-precision UTC times and an ISO duration", async () => {
    const created = await call<EntryBody>(w.sim, w.member.apiKey, "POST", `/workspaces/${w.ws}/time-entries`, {
      start: "2026-03-01T09:00:00.000Z",
      end: "2026-03-01T10:30:15Z",
      description: "Writing",
      billable: true,
    });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(created.body).toMatchObject({
      userId: w.member.id,
      description: "Writing",
      billable: true,
      projectId: null,
      taskId: null,
      tagIds: null,
      timeInterval: { start: "2026-03-01T09:00:00Z", end: "2026-03-01T10:30:15Z", duration: "PT1H30M15S" },
    });
  });

  it("rejects a description with < or > and one over 3000 characters", async () => {
    for (const description of ["<b>bold</b>", "x".repeat(3001)]) {
      const answer = await call<ErrorBody>(w.sim, w.member.apiKey, "POST", `/workspaces/${w.ws}/time-entries`, {
        start: "2026-03-01T09:00:00Z",
        description,
      });
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe(501);
    }
  });

  it("rejects a task that belongs to another project", async () => {
    const a = w.sim.world.addProject(w.ws, { name: "Project A" });
    const b = w.sim.world.addProject(w.ws, { name: "Project B" });
    const task = w.sim.world.addTask(w.ws, b.id, { name: "Only in B" });
    const answer = await call<ErrorBody>(w.sim, w.member.apiKey, "POST", `/workspaces/${w.ws}/time-entries`, {
      start: "2026-03-01T09:00:00Z",
      end: "2026-03-01T10:00:00Z",
      projectId: a.id,
      taskId: task.id,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(501);
  });

  it("treats PUT as a full replacement: omitted fields are cleared and a missing end restarts the timer", async () => {
    const project = w.sim.world.addProject(w.ws, { name: "Replace me" });
    const task = w.sim.world.addTask(w.ws, project.id, { name: "Task" });
    const tag = w.sim.world.addTag(w.ws, { name: "replace-tag" });
    const entry = w.sim.world.createTimeEntry(w.ws, w.member.id, {
      start: "2026-03-05T09:00:00Z",
      end: "2026-03-05T10:00:00Z",
      description: "Full",
      projectId: project.id,
      taskId: task.id,
      tagIds: [tag.id],
      billable: true,
    });
    const replaced = await call<EntryBody>(w.sim, w.member.apiKey, "PUT", `/workspaces/${w.ws}/time-entries/${entry.id}`, {
      start: "2026-03-05T09:00:00Z",
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      id: entry.id,
      description: "",
      projectId: null,
      taskId: null,
      tagIds: null,
      billable: false,
      timeInterval: { start: "2026-03-05T09:00:00Z", end: null, duration: null },
    });
    expect(w.sim.world.getTimeEntry(w.ws, entry.id)).toMatchObject({ description: "", projectId: null });
  });

  it("requires start on PUT", async () => {
    const entry = w.sim.world.createTimeEntry(w.ws, w.member.id, { start: "2026-03-06T09:00:00Z", end: "2026-03-06T10:00:00Z" });
    const answer = await call<ErrorBody>(w.sim, w.member.apiKey, "PUT", `/workspaces/${w.ws}/time-entries/${entry.id}`, {
      description: "no start",
    });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/start/);
  });

  it("stops the running timer with PATCH and refuses when none is running", async () => {
    const user = w.sim.world.addUser({ name: "Timer Tina" });
    w.sim.world.addMember(w.ws, user.id);
    w.sim.world.createTimeEntry(w.ws, user.id, { start: "2026-03-07T09:00:00Z" });
    const path = entriesPath(w.ws, user.id);
    const stopped = await call<EntryBody>(w.sim, user.apiKey, "PATCH", path, { end: "2026-03-07T09:45:00Z" });
    expect(stopped.status).toBe(200);
    expect(stopped.body.timeInterval).toEqual({ start: "2026-03-07T09:00:00Z", end: "2026-03-07T09:45:00Z", duration: "PT45M" });
    const again = await call<ErrorBody>(w.sim, user.apiKey, "PATCH", path, { end: "2026-03-07T10:00:00Z" });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe(501);
  });

  it("deletes with 204 and the entry is gone (400/501 afterwards)", async () => {
    const entry = w.sim.world.createTimeEntry(w.ws, w.member.id, { start: "2026-03-08T09:00:00Z", end: "2026-03-08T10:00:00Z" });
    const deleted = await call(w.sim, w.member.apiKey, "DELETE", `/workspaces/${w.ws}/time-entries/${entry.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect(w.sim.world.getTimeEntry(w.ws, entry.id)).toBeUndefined();
    expect((await call(w.sim, w.member.apiKey, "GET", `/workspaces/${w.ws}/time-entries/${entry.id}`)).status).toBe(400);
  });
});

describe("creating entries for another user", () => {
  const body = { start: "2026-04-01T09:00:00Z", end: "2026-04-01T10:00:00Z", description: "for you" };

  it("lets an owner create for a member", async () => {
    const created = await call<EntryBody>(w.sim, w.owner.apiKey, "POST", entriesPath(w.ws, w.member.id), body);
    expect(created.status).toBe(201);
    expect(created.body.userId).toBe(w.member.id);
  });

  it("forbids a member to create for someone else, but not for themself", async () => {
    const forbidden = await call<ErrorBody>(w.sim, w.member.apiKey, "POST", entriesPath(w.ws, w.owner.id), body);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toMatch(/Access Denied/);
    expect((await call(w.sim, w.member.apiKey, "POST", entriesPath(w.ws, w.member.id), body)).status).toBe(201);
  });

  it("rejects a target who is not a member", async () => {
    const answer = await call<ErrorBody>(w.sim, w.owner.apiKey, "POST", entriesPath(w.ws, w.outsider.id), body);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(501);
  });
});
