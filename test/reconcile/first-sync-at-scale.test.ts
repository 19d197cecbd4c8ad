import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEntryMappings } from "../db/stored-rows.js";
import {
  contentsOf,
  ENTRY_CREATE,
  ENTRY_LIST,
  entryListPages,
  PROJECT_CREATE,
  PROJECT_LIST,
  seedEntries,
  startHarness,
  writes,
  type Harness,
} from "./support.js";

const N = 12_000;
const PAGE = 5000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe("a first sync of 12,000 entries", () => {
  it("mirrors every entry once with the fewest list requests, and a second run reads only", async () => {
    const { world, stats } = h.sim;
    const sourceWs = h.source.workspaceId;
    const destinationWs = h.destination.workspaceId;
    // The project exists on both sides, so the run maps it and creates none.
    const project = world.addProject(sourceWs, { name: "Big", clientId: h.source.clientId });
    world.addProject(destinationWs, { name: "Big" });
    seedEntries(h, sourceWs, project.id, N, { stepMs: 50_000, durationMs: 40_000, prefix: "bulk" });
    expect(world.countTimeEntries(sourceWs)).toBe(N);

    stats.reset();
    const first = await h.run();
    expect(first.error).toBeUndefined();
    expect(first.outcome).toBe("succeeded");
    expect(first.counts).toMatchObject({ created: N, updated: 0, deleted: 0, adopted: 0, failed: 0, skipped: 0 });
    expect(world.listTimeEntries(destinationWs)).toHaveLength(N);
    expect(contentsOf(h.sim, destinationWs)).toEqual(contentsOf(h.sim, sourceWs));
    expect(new Set(listEntryMappings(h.database, "acme").map((m) => m.destinationEntryId)).size).toBe(N);

    // Source: ceil(12,000 / 5000) = 3 hydrated pages; destination: one (empty) page.
    expect(entryListPages(h.sim)).toEqual({ source: Math.ceil(N / PAGE), destination: 1 });
    expect(stats.count(ENTRY_LIST)).toBe(Math.ceil(N / PAGE) + 1);
    expect(stats.count(ENTRY_CREATE)).toBe(N);
    expect(stats.count(PROJECT_LIST)).toBe(2);
    expect(stats.count(PROJECT_CREATE)).toBe(0);
    expect(first.requests).toBe(stats.count());

    stats.reset();
    const second = await h.run();
    expect(second.outcome).toBe("succeeded");
    expect(second.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, adopted: 0, unchanged: N, failed: 0 });
    expect(writes(h.sim)).toEqual([]);
    expect(entryListPages(h.sim)).toEqual({ source: Math.ceil(N / PAGE), destination: Math.ceil(N / PAGE) });
    expect(stats.count(PROJECT_LIST)).toBe(2);
    // No tags or tasks in use: the two sides' pages and the two project lists are the whole bill.
    expect(stats.count()).toBe(2 * Math.ceil(N / PAGE) + 2);
    expect(stats.count()).toBe(8);
    expect(second.requests).toBe(stats.count());
    expect(world.listTimeEntries(destinationWs)).toHaveLength(N);
    // 24,000 SQLite writes and 12,000 simulated creates: close to 30 s on a slow 2-core VM. A bound on
    // hanging, not a speed claim (npm run bench measures speed).
  }, 120_000);
});
