import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listEntryMappings } from "../db/stored-rows.js";
import { listDeadLetters } from "../../src/db/inbox.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";
import { CREATE_ENTRY, openInboxRows, settle, waitUntil } from "./support/e2e.js";

let m: MirrorEnv;
beforeEach(async () => {
  m = await startMirror();
});
afterEach(async () => {
  await m.close();
});

describe("a burst under a tight rate limit", () => {
  it("mirrors 40 entries once each while Clockify answers 429 beyond 5 requests a second", async () => {
    const { world } = m.sim;
    const project = world.addProject(m.source.workspaceId, { name: "Website", clientId: m.source.clientId });
    const dstProject = world.addProject(m.destination.workspaceId, { name: "Website" });
    m.sim.faults.rateLimitPerSecond = 5;

    const expected: string[] = [];
    for (let i = 0; i < 40; i++) {
      const day = String(1 + (i % 28)).padStart(2, "0");
      const hour = String(6 + Math.floor(i / 28) * 2).padStart(2, "0");
      const description = `burst ${String(i).padStart(2, "0")}`;
      expected.push(description);
      world.createTimeEntry(
        m.source.workspaceId,
        m.user.id,
        { start: `2026-10-${day}T${hour}:00:00Z`, end: `2026-10-${day}T${hour}:50:00Z`, description, projectId: project.id },
        { emit: true },
      );
    }
    // A create answered 429 was not executed, so there is no orphan to look for: the scarce request
    // budget must go to creates, not to listing the destination's entries before each retry. (The wait
    // stops early once such a listing is seen, since the outcome is then known.)
    const orphanSearches = () => m.sim.stats.count({ method: "GET", route: "/v1/workspaces/{workspaceId}/user/{userId}/time-entries" });
    await waitUntil(
      "the burst is applied",
      () => orphanSearches() > 0 || (m.sim.world.countTimeEntries(m.destination.workspaceId) === 40 && openInboxRows(m).length === 0),
      18_000,
    );
    expect(orphanSearches()).toBe(0);
    await settle(m, 18_000);

    const copies = m.sim.world.listTimeEntries(m.destination.workspaceId);
    expect(copies.map((c) => c.description).sort()).toEqual(expected);
    expect(copies.every((c) => c.projectId === dstProject.id)).toBe(true);
    expect(m.sim.stats.count({ ...CREATE_ENTRY, status: 201 })).toBe(40);
    // The limit was really hit, and nothing was given up on.
    expect(m.sim.stats.count({ status: 429 })).toBeGreaterThan(0);
    expect(await listDeadLetters(m.database)).toEqual([]);
    const mappings = listEntryMappings(m.database, "acme");
    expect(mappings).toHaveLength(40);
    expect(new Set(mappings.map((r) => r.destinationEntryId)).size).toBe(40);
    expect(mappings.every((r) => r.state === "live")).toBe(true);
  });
});
