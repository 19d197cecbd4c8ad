import { afterEach, describe, expect, it } from "vitest";
import { writeCursor } from "../../src/db/cursors.js";
import { feedCursorName } from "../../src/polling/feed-poll.js";
import { healingDueSince } from "../../src/polling/listing-poll.js";
import { startPollingEnv, type PollingEnv } from "../polling/polling-env.js";

/** What the feed could not give is healed by a listing, and a listing that fails stays owed. */

let p: PollingEnv | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

const LISTING = "/v1/workspaces/{workspaceId}/user/{userId}/time-entries";
const DAY_MS = 86_400_000;
const hourAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");

function addEntries(env: PollingEnv, count: number, prefix: string): void {
  for (let i = 0; i < count; i++) {
    env.sim.world.createTimeEntry(env.source.workspaceId, env.user.id, { start: hourAgo(5), end: hourAgo(4), description: `${prefix} ${i}`, projectId: env.projectId });
  }
}

describe("healing what the feed could not give", () => {
  it("more changes than one poll's pages: a listing mirrors them, and the next poll reads the feed from there", async () => {
    p = await startPollingEnv({ method: "feed", feedMaxPages: 1 });
    addEntries(p, 50, "burst");
    // The feed's instants are whole seconds: a poll in the burst's own second would read it again.
    await new Promise((r) => setTimeout(r, 1_050 - (Date.now() % 1000)));
    const [first] = (await p.poll()).workspaces;
    expect(first).toMatchObject({ method: "listing", fellBack: "more than 1 pages of /entities/created in one poll" });
    expect(p.destinationEntries()).toHaveLength(50);
    expect(await healingDueSince(p.harness.database, p.source.workspaceId)).toBeUndefined();

    // The feed's cursors moved past the burst (not an overlap back into it): the next poll is the feed's
    // again, not another overflow (before, every poll overflowed for 29 days).
    p.sim.stats.reset();
    const [second] = (await p.poll()).workspaces;
    expect(second?.method).toBe("feed");
    expect(second?.fellBack).toBeUndefined();
    expect(p.sim.stats.count({ route: LISTING })).toBe(0);
  });

  it("a gap longer than the feed reaches, whose listing fails, is listed again at each poll until one succeeds", async () => {
    p = await startPollingEnv({ method: "feed" });
    const { database } = p.harness;
    const ws = p.source.workspaceId;
    // The service was away for 40 days (its cursors say so).
    const away = Date.now() - 40 * DAY_MS;
    await writeCursor(database, feedCursorName(ws, "changes"), away, away);
    await writeCursor(database, feedCursorName(ws, "deleted"), away, away);
    p.sim.faults.failWhen = (req) => (req.route === LISTING ? 403 : undefined);
    for (let poll = 0; poll < 2; poll++) {
      const [failed] = (await p.poll()).workspaces;
      expect(failed?.method).toBe("listing");
      expect(failed?.fellBack).toMatch(poll === 0 ? /^the service was away longer than the feed reaches back$/ : /^a listing owed since .* has not succeeded yet$/);
      expect(failed?.error).toMatch(/403/);
      expect(await healingDueSince(database, ws)).toBeDefined();
    }

    p.sim.faults.failWhen = undefined;
    p.sim.stats.reset();
    const [healed] = (await p.poll()).workspaces;
    expect(healed?.fellBack).toMatch(/^a listing owed since .* has not succeeded yet$/);
    expect(healed?.error).toBeUndefined();
    expect(p.sim.stats.count({ route: LISTING })).toBeGreaterThan(0);
    expect(await healingDueSince(database, ws)).toBeUndefined();

    p.sim.stats.reset();
    const [after] = (await p.poll()).workspaces;
    expect(after?.fellBack).toBeUndefined();
    expect(p.sim.stats.count({ route: LISTING })).toBe(0);
  });

  it("an entry the feed saw created before a restart, deleted after it, is deleted from the destination", async () => {
    p = await startPollingEnv({ method: "feed" });
    const env = p;
    const ws = env.source.workspaceId;
    const entry = env.sim.world.createTimeEntry(ws, env.user.id, { start: hourAgo(3), end: hourAgo(2), description: "short-lived", projectId: env.projectId });
    await env.pollUntil(() => env.destinationEntries().length === 1);
    expect(env.destinationEntries()).toHaveLength(1);

    // Its creation and deletion fall into one /deleted window, where the feed shows neither (the spec's
    // rule): only a read of the entry itself can find it gone, and the process that knew to read it died.
    await env.harness.restart();
    env.sim.world.deleteTimeEntry(ws, entry.id);
    await env.pollUntil(() => env.destinationEntries().length === 0);
    expect(env.destinationEntries()).toEqual([]);
    expect(env.sim.stats.count({ route: LISTING })).toBe(0);
  });
});
