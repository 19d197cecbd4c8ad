import { request } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listEntryMappings } from "../db/stored-rows.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";
import { seedWebhooks } from "../helpers/world.js";

// The entry events beyond create/edit/delete, through the simulator's webhooks into the running service.
// What Clockify sends for them is undocumented; the simulator's guesses are in src/sandbox/entry-changes.ts.
let m: MirrorEnv;
let projectId: string;
beforeEach(async () => {
  m = await startMirror();
  await seedWebhooks(m.sim, m.database, m.webhookUrl, m.source.workspaceId, ["TIME_ENTRY_SPLIT", "TIME_ENTRY_RESTORED"]);
  await m.service.tokens.reload();
  projectId = m.sim.world.addProject(m.source.workspaceId, { name: "Website", clientId: m.source.clientId }).id;
  m.sim.world.addProject(m.destination.workspaceId, { name: "Website" });
});
afterEach(async () => {
  await m.close();
});

const copies = () =>
  m.sim.world
    .listTimeEntries(m.destination.workspaceId)
    .map((e) => ({ description: e.description, start: e.timeInterval.start, end: e.timeInterval.end }))
    .sort((a, b) => a.start.localeCompare(b.start));
const states = () => listEntryMappings(m.database, "acme").map((r) => r.state);

function entry(start: string, end: string, description: string) {
  return m.sim.world.createTimeEntry(m.source.workspaceId, m.user.id, { start, end, description, projectId }, { emit: true });
}

async function bulkDelete(query: string): Promise<number> {
  const url = `${m.sim.apiBaseUrl}/workspaces/${m.source.workspaceId}/user/${m.user.id}/time-entries?${query}`;
  const res = await request(url, { method: "DELETE", headers: { "x-api-key": m.user.apiKey } });
  await res.body.text();
  return res.statusCode;
}

describe("a split entry", () => {
  it("leaves both parts mirrored with their times, once each, though only the first part had an event", async () => {
    const original = entry("2026-11-20T09:00:00Z", "2026-11-20T12:00:00Z", "design");
    await m.settle();
    expect(copies()).toHaveLength(1);

    const { second } = m.sim.world.splitTimeEntry(m.source.workspaceId, original.id, "2026-11-20T10:30:00Z", { emit: true });
    await m.settle();
    expect(copies()).toEqual([
      { description: "design", start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:30:00Z" },
      { description: "design", start: "2026-11-20T10:30:00Z", end: "2026-11-20T12:00:00Z" },
    ]);
    expect(states()).toEqual(["live", "live"]);

    // The new part is mapped like any other entry: its own later edit updates its copy, not a third one.
    m.sim.world.updateTimeEntry(
      m.source.workspaceId,
      second.id,
      { start: "2026-11-20T10:30:00Z", end: "2026-11-20T12:30:00Z", description: "design, part 2", projectId },
      { emit: true },
    );
    await m.settle();
    expect(copies().map((c) => [c.description, c.end])).toEqual([
      ["design", "2026-11-20T10:30:00Z"],
      ["design, part 2", "2026-11-20T12:30:00Z"],
    ]);
  });

  it("copies nothing else listed around it: another client's entry stays uncopied", async () => {
    const other = m.sim.world.addProject(m.source.workspaceId, { name: "Other", clientId: m.source.otherClientId });
    m.sim.world.createTimeEntry(m.source.workspaceId, m.user.id, { start: "2026-11-21T13:00:00Z", end: "2026-11-21T14:00:00Z", projectId: other.id });
    const original = entry("2026-11-21T09:00:00Z", "2026-11-21T11:00:00Z", "review");
    await m.settle();
    m.sim.world.splitTimeEntry(m.source.workspaceId, original.id, "2026-11-21T10:00:00Z", { emit: true });
    await m.settle();
    expect(copies().map((c) => c.start)).toEqual(["2026-11-21T09:00:00Z", "2026-11-21T10:00:00Z"]);
  });
});

describe("a deleted entry restored", () => {
  it("gets its copy back though the delete left a tombstone", async () => {
    const original = entry("2026-11-22T09:00:00Z", "2026-11-22T10:00:00Z", "oops");
    await m.settle();
    m.sim.world.deleteTimeEntry(m.source.workspaceId, original.id, { emit: true });
    await m.settle();
    expect(copies()).toEqual([]);
    expect(states()).toEqual(["tombstone"]);

    m.sim.world.restoreTimeEntry(m.source.workspaceId, original.id, { emit: true });
    await m.settle();
    expect(copies()).toEqual([{ description: "oops", start: "2026-11-22T09:00:00Z", end: "2026-11-22T10:00:00Z" }]);
    expect(states()).toEqual(["live"]);
  });
});

describe("a bulk delete", () => {
  for (const mode of ["per-entry", "batch-object", "batch-array"] as const) {
    it(`removes the copies of the deleted entries only (${mode} webhook)`, async () => {
      m.sim.world.setBulkDeleteEvents(mode);
      const a = entry("2026-11-23T09:00:00Z", "2026-11-23T10:00:00Z", "a");
      const b = entry("2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z", "b");
      entry("2026-11-23T11:00:00Z", "2026-11-23T12:00:00Z", "kept");
      await m.settle();
      expect(copies()).toHaveLength(3);

      expect(await bulkDelete(`time-entry-ids=${a.id}&time-entry-ids=${b.id}`)).toBe(200);
      await m.settle();
      expect(copies().map((c) => c.description)).toEqual(["kept"]);
      expect(states().sort()).toEqual(["live", "tombstone", "tombstone"]);
    });
  }

  it("keeps the copy of a listed id that the source still has: each id is read, not taken as deleted", async () => {
    const kept = entry("2026-11-24T09:00:00Z", "2026-11-24T10:00:00Z", "still here");
    await m.settle();
    const hook = m.sim.world.listWebhooks(m.source.workspaceId).find((h) => h.webhookEvent === "TIME_ENTRY_DELETED");
    const res = await request(m.webhookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "clockify-signature": hook?.authToken ?? "",
        "clockify-webhook-event-type": "TIME_ENTRY_DELETED",
      },
      body: JSON.stringify({ workspaceId: m.source.workspaceId, timeEntryIds: [kept.id, "0123456789abcdef01234567"] }),
    });
    await res.body.text();
    expect(res.statusCode).toBe(200);
    await m.settle();
    expect(copies().map((c) => c.description)).toEqual(["still here"]);
    // The unknown id read as gone: a tombstone, as for any delete, so a late event cannot bring it in.
    const mappings = listEntryMappings(m.database, "acme").map((r) => [r.sourceEntryId, r.state]);
    expect(mappings).toEqual(expect.arrayContaining([[kept.id, "live"], ["0123456789abcdef01234567", "tombstone"]]));
    expect(mappings).toHaveLength(2);
  });
});
