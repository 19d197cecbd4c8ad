import { afterEach, describe, expect, it } from "vitest";
import { readCursor } from "../../src/db/cursors.js";
import { feedCursorName } from "../../src/polling/feed-poll.js";
import { startPollingEnv, type PollingEnv } from "../polling/polling-env.js";

let p: PollingEnv | undefined;
afterEach(async () => {
  if (p) p.sim.faults.delayWhen = undefined;
  await p?.close();
  p = undefined;
});

describe("polling beside webhooks, and stopping", () => {
  it("only heals when webhooks run too: a change the webhook mirrored costs no second write", async () => {
    p = await startPollingEnv({ webhooks: true });
    const { world } = p.sim;
    await p.poll(); // the poll at start, out of the way
    world.createTimeEntry(p.source.workspaceId, p.user.id, { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", projectId: p.projectId }, { emit: true });
    await p.sim.deliveries.idle();
    await p.harness.service.worker.idle();
    expect(p.destinationEntries()).toHaveLength(1);
    p.sim.stats.reset();
    const report = await p.poll();
    expect(report.workspaces[0]?.changes).toBe(1);
    expect(p.destinationEntries()).toHaveLength(1);
    // The pull read the source and found the copy current: no destination write.
    expect(p.sim.stats.count({ method: "POST" }) + p.sim.stats.count({ method: "PUT" })).toBe(0);
  });

  it("stops with a poll in flight without waiting for it, and that poll writes nothing", async () => {
    p = await startPollingEnv();
    const ws = p.source.workspaceId;
    await p.poll();
    const cursor = await readCursor(p.harness.database, feedCursorName(ws, "changes"));
    p.sim.faults.delayWhen = (req) => (req.route.includes("/entities/") ? { beforeMs: 60_000 } : undefined);
    const inFlight = p.harness.service.poller.pollNow().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(p.harness.service.poller.status().running).toBe(true);
    // Resolves although the feed's answer is a minute away (the test would time out otherwise).
    await p.harness.service.poller.stop();
    expect(await readCursor(p.harness.database, feedCursorName(ws, "changes"))).toBe(cursor);
    void inFlight;
  });
});
