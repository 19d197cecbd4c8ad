import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listRecentReconcileRuns } from "../db/stored-rows.js";
import type { Service } from "../../src/service.js";
import { seedEntries, startHarness, type Harness } from "./support.js";

let h: Harness;
let service: Service;
beforeEach(async () => {
  // croner takes 6 fields, seconds first: every second.
  h = await startHarness({ config: { reconcile: { cron: "* * * * * *" }, clockify: { requestsPerSecond: 50 } } });
  service = h.service({ worker: { pollMs: 20 } });
});
afterEach(async () => {
  await service.stop();
  await waitUntil("no run is in progress", () => runs().every((r) => r.outcome !== "running"));
  await h.close();
});

const runs = () => listRecentReconcileRuns(h.database, { limit: 1000 });

async function waitUntil(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("the scheduled reconciliation", () => {
  it("runs on the cron once the service listens, and never after it stops", async () => {
    const { world } = h.sim;
    const project = world.addProject(h.source.workspaceId, { name: "Alpha", clientId: h.source.clientId });
    seedEntries(h, h.source.workspaceId, project.id, 3);
    expect(service.nextScheduledRun()).toBeUndefined();

    await service.listen(0, "127.0.0.1");
    const next = service.nextScheduledRun();
    expect(next).toBeInstanceOf(Date);
    expect(next?.getTime()).toBeGreaterThan(Date.now() - 1000);

    await waitUntil("a scheduled run finished", () => runs().some((r) => r.trigger === "schedule" && r.outcome !== "running"), 3500);
    const [scheduled] = runs().filter((r) => r.trigger === "schedule" && r.outcome !== "running").reverse();
    expect(scheduled).toMatchObject({ pairId: "acme", dryRun: false, outcome: "succeeded", failed: 0 });
    // The window is the last reconcile.windowDays (30) days up to the moment it ran.
    expect((scheduled?.windowEnd ?? 0) - (scheduled?.windowStart ?? 0)).toBe(30 * 86_400_000);
    await waitUntil("the copies exist", () => world.listTimeEntries(h.destination.workspaceId).length === 3);

    await service.stop();
    expect(service.nextScheduledRun()).toBeUndefined();
    await waitUntil("no run is in progress", () => runs().every((r) => r.outcome !== "running"));
    const recorded = runs().length;
    // Longer than two periods of the schedule.
    await new Promise((r) => setTimeout(r, 2200));
    expect(runs()).toHaveLength(recorded);
    // Never two scheduled runs of the pair at once (protect), and none aborted by its own predecessor.
    expect(runs().filter((r) => r.outcome === "aborted")).toEqual([]);
    expect(world.listTimeEntries(h.destination.workspaceId)).toHaveLength(3);
  });
});
