import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startWorld } from "./helpers.js";
import type { EntryBody, TestWorld } from "./helpers.js";

let w: TestWorld;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w.sim.close();
});

describe("seeding through the world", () => {
  it("seeds 100,000 entries in well under a few seconds and serves them", async () => {
    const project = w.sim.world.addProject(w.ws, { name: "Bulk" });
    const base = Date.UTC(2024, 0, 1);
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) {
      const start = base + i * 60_000;
      w.sim.world.createTimeEntry(w.ws, i % 2 ? w.owner.id : w.member.id, { start, end: start + 30_000, projectId: project.id });
    }
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(2000);
    expect(w.sim.world.countTimeEntries(w.ws)).toBe(100_000);
    // Project durations are kept incrementally: 100,000 × 30 s.
    expect(w.sim.world.getProject(w.ws, project.id)?.duration).toBe("PT833H20M");
    const page = await call<EntryBody[]>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/user/${w.owner.id}/time-entries?page=10&page-size=5000`);
    expect(page.body).toHaveLength(5000);
    expect(page.headers["last-page"]).toBe("true");
  });

  it("keeps the start order when entries are seeded out of order and edited", () => {
    const user = w.sim.world.addUser({ name: "Shuffled" });
    w.sim.world.addMember(w.ws, user.id);
    const later = w.sim.world.createTimeEntry(w.ws, user.id, { start: "2026-01-03T09:00:00Z", end: "2026-01-03T10:00:00Z" });
    const earlier = w.sim.world.createTimeEntry(w.ws, user.id, { start: "2026-01-01T09:00:00Z", end: "2026-01-01T10:00:00Z" });
    const middle = w.sim.world.createTimeEntry(w.ws, user.id, { start: "2026-01-02T09:00:00Z", end: "2026-01-02T10:00:00Z" });
    expect(w.sim.world.listTimeEntries(w.ws, user.id).map((e) => e.id)).toEqual([later.id, middle.id, earlier.id]);
    w.sim.world.updateTimeEntry(w.ws, earlier.id, { start: "2026-01-04T09:00:00Z", end: "2026-01-04T10:00:00Z" });
    w.sim.world.deleteTimeEntry(w.ws, middle.id);
    expect(w.sim.world.listTimeEntries(w.ws, user.id).map((e) => e.id)).toEqual([earlier.id, later.id]);
  });

  it("stops the running timer when a new one starts", () => {
    const user = w.sim.world.addUser({ name: "Double Starter" });
    w.sim.world.addMember(w.ws, user.id);
    const first = w.sim.world.createTimeEntry(w.ws, user.id, { start: "2026-02-01T09:00:00Z" });
    w.sim.world.createTimeEntry(w.ws, user.id, { start: "2026-02-01T10:00:00Z" });
    expect(w.sim.world.getTimeEntry(w.ws, first.id)?.timeInterval).toEqual({
      start: "2026-02-01T09:00:00Z",
      end: "2026-02-01T10:00:00Z",
      duration: "PT1H",
    });
  });

  it("throws the API's error for a rule violation", () => {
    expect(() => w.sim.world.createTimeEntry(w.ws, w.outsider.id, { start: "2026-02-01T09:00:00Z" })).toThrow(
      "User doesn't belong to Workspace",
    );
  });
});
