import { afterEach, describe, expect, it } from "vitest";
import {
  CREATE_ENTRY,
  DELETE_ENTRY,
  UPDATE_ENTRY,
  postDelivery,
  settle,
  startRelayedMirror,
  type CapturedDelivery,
  type RelayedMirror,
} from "./support/e2e.js";

/**
 * Old events replayed, byte for byte and with their valid token, after newer ones were applied: the
 * delivery is acknowledged (stored or counted as a duplicate), and the destination keeps the newer state.
 * Differs from the reordering tests in mirror-delivery-faults, where each event arrives once and late:
 * here the replayed event was already applied once, before the newer one.
 */
let env: RelayedMirror | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

function only(seen: CapturedDelivery[], event: string, description: string): CapturedDelivery {
  const found = seen.filter((d) => d.event === event && d.body.includes(`"description":"${description}"`));
  expect(found, `${event} ${description}`).toHaveLength(1);
  const [delivery] = found;
  if (!delivery) throw new Error(`no ${event} for ${description}`);
  return delivery;
}

async function scenario(options: Parameters<typeof startRelayedMirror>[0] = {}) {
  env = await startRelayedMirror(options);
  const { m, relay } = env;
  const { world } = m.sim;
  const source = world.addProject(m.source.workspaceId, { name: "Website", clientId: m.source.clientId });
  const destination = world.addProject(m.destination.workspaceId, { name: "Website" });
  const input = { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "v0", projectId: source.id };
  const entry = world.createTimeEntry(m.source.workspaceId, m.user.id, input, { emit: true });
  await settle(m);
  world.updateTimeEntry(m.source.workspaceId, entry.id, { ...input, description: "v1", end: "2026-11-20T10:15:00Z" }, { emit: true });
  await settle(m);
  world.updateTimeEntry(m.source.workspaceId, entry.id, { ...input, description: "v2", end: "2026-11-20T10:30:00Z", billable: true }, { emit: true });
  await settle(m);
  const copies = () => world.listTimeEntries(m.destination.workspaceId);
  expect(copies().map((c) => c.description)).toEqual(["v2"]);
  return { m, relay, world, entry, input, destination, copies };
}

describe("an old event replayed after newer ones were applied", () => {
  it("acknowledges a replayed older TIME_ENTRY_UPDATED and NEW_TIME_ENTRY and keeps the newer content", async () => {
    const { m, relay, copies, destination } = await scenario();
    const writes = () => m.sim.stats.count(CREATE_ENTRY) + m.sim.stats.count(UPDATE_ENTRY) + m.sim.stats.count(DELETE_ENTRY);
    const before = writes();
    const oldUpdate = only(relay.seen, "TIME_ENTRY_UPDATED", "v1");
    const oldCreate = only(relay.seen, "NEW_TIME_ENTRY", "v0");

    for (const delivery of [oldUpdate, oldCreate, oldUpdate]) {
      expect(await postDelivery(m.webhookUrl, delivery)).toBe(200);
      await settle(m);
    }

    expect(copies()).toHaveLength(1);
    expect(copies()[0]).toMatchObject({ description: "v2", billable: true, projectId: destination.id });
    expect(copies()[0]?.timeInterval.end).toBe("2026-11-20T10:30:00Z");
    expect(writes()).toBe(before);
  });

  // KNOWN LIMITATION (so it.fails): the worker spots a stale body only against events it applied within
  // `historyWindowMs` (by default the week applied events are kept). A replay of an older
  // TIME_ENTRY_UPDATED from beyond that window is applied as the truth and the copy goes back to v1
  // until the next reconciliation. The window is shrunk to 1 ms here to show it.
  it.fails("keeps the newer content when the replay comes after the worker's history window", async () => {
    const { m, relay, copies } = await scenario({ worker: { historyWindowMs: 1 } });
    await new Promise((r) => setTimeout(r, 20));
    const oldUpdate = only(relay.seen, "TIME_ENTRY_UPDATED", "v1");
    expect(await postDelivery(m.webhookUrl, oldUpdate)).toBe(200);
    await settle(m);
    expect(copies().map((c) => c.description)).toEqual(["v2"]);
    expect(copies()[0]?.timeInterval.end).toBe("2026-11-20T10:30:00Z");
  });

  it("does not bring back a deleted entry when its old NEW_TIME_ENTRY and TIME_ENTRY_UPDATED are replayed", async () => {
    const { m, relay, world, entry, copies } = await scenario();
    world.deleteTimeEntry(m.source.workspaceId, entry.id, { emit: true });
    await settle(m);
    expect(copies()).toHaveLength(0);
    const creates = m.sim.stats.count(CREATE_ENTRY);

    for (const delivery of [only(relay.seen, "NEW_TIME_ENTRY", "v0"), only(relay.seen, "TIME_ENTRY_UPDATED", "v2")]) {
      expect(await postDelivery(m.webhookUrl, delivery)).toBe(200);
      await settle(m);
    }
    expect(copies()).toHaveLength(0);
    expect(m.sim.stats.count(CREATE_ENTRY)).toBe(creates);
  });
});
