import { afterEach, describe, expect, it } from "vitest";
import { startPollingEnv, type PollingEnv } from "../polling/polling-env.js";

let p: PollingEnv | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

const DAY_MS = 86_400_000;
const at = (daysAgo: number, hour: number) => {
  const d = new Date(Date.now() - daysAgo * DAY_MS);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
};

/** Create, edit, a backdated entry and a delete, each mirrored by polls alone (no webhook is registered). */
async function mirrorsEveryChange(env: PollingEnv, backdatedDaysAgo: number): Promise<void> {
  const { world } = env.sim;
  const ws = env.source.workspaceId;
  expect(world.listWebhooks(ws)).toHaveLength(0);
  const entry = world.createTimeEntry(ws, env.user.id, { start: at(1, 9), end: at(1, 10), description: "homepage", projectId: env.projectId });
  await env.pollUntil(() => env.destinationEntries().length === 1);
  expect(env.destinationEntries()[0]).toMatchObject({ description: "homepage", projectId: env.destinationProjectId });

  world.updateTimeEntry(ws, entry.id, { start: at(1, 9), end: at(1, 11), description: "homepage v2", projectId: env.projectId });
  await env.pollUntil(() => env.destinationEntries()[0]?.description === "homepage v2");
  expect(env.destinationEntries()).toHaveLength(1);
  expect(env.destinationEntries()[0]?.timeInterval.end).toBe(at(1, 11));

  world.createTimeEntry(ws, env.user.id, { start: at(backdatedDaysAgo, 8), end: at(backdatedDaysAgo, 9), description: "forgot", projectId: env.projectId });
  await env.pollUntil(() => env.destinationEntries().length === 2);
  expect(env.destinationEntries().map((e) => e.description).sort()).toEqual(["forgot", "homepage v2"]);

  world.deleteTimeEntry(ws, entry.id);
  await env.pollUntil(() => env.destinationEntries().length === 1);
  expect(env.destinationEntries().map((e) => e.description)).toEqual(["forgot"]);
}

describe("polling mode, without a public URL", () => {
  it("mirrors through the change feed, an idle poll costing at most three requests", async () => {
    p = await startPollingEnv();
    await mirrorsEveryChange(p, 20);
    // New entries are read again until a /deleted window starts after them (see dueRechecks); then polls are idle.
    let idle = await p.poll();
    for (let i = 0; i < 20 && idle.workspaces[0]?.changes !== 0; i++) {
      await new Promise((r) => setTimeout(r, 150));
      idle = await p.poll();
    }
    expect(idle.workspaces).toHaveLength(1);
    expect(idle.workspaces[0]).toMatchObject({ method: "feed", changes: 0 });
    expect(idle.workspaces[0]?.error).toBeUndefined();
    expect(idle.requests).toBeGreaterThan(0);
    expect(idle.requests).toBeLessThanOrEqual(3);
    expect(p.sim.stats.count({ route: "/v1/workspaces/{workspaceId}/user/{userId}/time-entries" })).toBe(0);
    expect(p.harness.service.poller.status().methods).toEqual({ [p.source.workspaceId]: "feed" });
  });

  it("falls back to a short listing when the plan refuses the feed", async () => {
    p = await startPollingEnv({ refuseFeed: 403 });
    await mirrorsEveryChange(p, 3);
    const report = await p.poll();
    expect(report.workspaces[0]?.method).toBe("listing");
    expect(p.harness.service.poller.status().methods).toEqual({ [p.source.workspaceId]: "listing" });
    // Refused once, the feed is not asked again at every poll.
    p.sim.stats.reset();
    await p.poll();
    expect(p.sim.stats.count({ route: "/v1/workspaces/{workspaceId}/entities/created" })).toBe(0);
  });

  it("does not see a listing poll's backdated entry older than listingWindowDays (the feed does)", async () => {
    p = await startPollingEnv({ method: "listing", listingWindowDays: 7 });
    const { world } = p.sim;
    world.createTimeEntry(p.source.workspaceId, p.user.id, { start: at(10, 8), end: at(10, 9), description: "old", projectId: p.projectId });
    world.createTimeEntry(p.source.workspaceId, p.user.id, { start: at(2, 8), end: at(2, 9), description: "recent", projectId: p.projectId });
    await p.poll();
    expect(p.destinationEntries().map((e) => e.description)).toEqual(["recent"]);
  });

  it("with method feed, reports the refusal instead of listing", async () => {
    p = await startPollingEnv({ method: "feed", refuseFeed: 404 });
    const report = await p.poll();
    expect(report.workspaces[0]?.method).toBe("feed");
    expect(report.workspaces[0]?.error).toMatch(/change feed/);
  });
});
