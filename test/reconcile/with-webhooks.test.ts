import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listEntryMappings } from "../db/stored-rows.js";
import type { TimeEntryDto } from "../../src/sandbox/index.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";
import { normalize } from "./support.js";

let m: MirrorEnv;
beforeEach(async () => {
  m = await startMirror();
});
afterEach(async () => {
  await m.close();
});

const key = (e: TimeEntryDto) => `${normalize(e.timeInterval.start)} ${e.description}`;

describe("a run while webhooks are being applied", () => {
  it("leaves exactly one copy per source entry", async () => {
    const { world } = m.sim;
    const sourceWs = m.source.workspaceId;
    const destinationWs = m.destination.workspaceId;
    const project = world.addProject(sourceWs, { name: "Live", clientId: m.source.clientId });
    const base = Date.now() - 2 * 86_400_000;

    for (let round = 0; round < 2; round++) {
      const sources: TimeEntryDto[] = [];
      for (let i = 0; i < 30; i++) {
        const start = base + (round * 30 + i) * 600_000;
        sources.push(
          world.createTimeEntry(
            sourceWs,
            m.user.id,
            {
              start: new Date(start).toISOString(),
              end: new Date(start + 300_000).toISOString(),
              description: `live ${round}-${i}`,
              projectId: project.id,
            },
            { emit: true },
          ),
        );
      }
      // Deliveries and the run race for the same 30 entries.
      const [summary] = await m.service.reconcileNow("cli");
      await m.settle();
      expect(summary?.outcome).toBe("succeeded");
      expect(summary?.counts.failed).toBe(0);
      // Every entry in the window is accounted for once: written by the run, or found (or stepped around)
      // because the webhook path got there first.
      const c = summary?.counts;
      expect((c?.created ?? 0) + (c?.updated ?? 0) + (c?.adopted ?? 0) + (c?.unchanged ?? 0) + (c?.skipped ?? 0)).toBe(30 * (round + 1));

      const copies = world.listTimeEntries(destinationWs);
      const perSource = new Map<string, number>();
      for (const c of copies) perSource.set(key(c), (perSource.get(key(c)) ?? 0) + 1);
      for (const s of sources) expect(perSource.get(key(s)), key(s)).toBe(1);
      expect(copies).toHaveLength(30 * (round + 1));
    }

    // One destination project, and one live mapping per copy.
    expect(world.listProjects(destinationWs).map((p) => p.name)).toEqual(["Live"]);
    const live = listEntryMappings(m.database, "acme").filter((r) => r.state === "live");
    expect(live).toHaveLength(60);
    expect(new Set(live.map((r) => r.destinationEntryId)).size).toBe(60);
    const ids = new Set(world.listTimeEntries(destinationWs).map((e) => e.id));
    for (const r of live) expect(ids.has(r.destinationEntryId ?? "")).toBe(true);

    // And a run afterwards finds nothing to do.
    m.sim.stats.reset();
    const [after] = await m.service.reconcileNow("cli");
    expect(after?.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, adopted: 0, unchanged: 60 });
    expect(m.sim.stats.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });
});
