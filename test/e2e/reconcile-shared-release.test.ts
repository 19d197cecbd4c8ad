import { afterEach, describe, expect, it } from "vitest";
import { RateLimiterRegistry } from "../../src/clockify/rate-limiter.js";
import { parseConfig } from "../../src/config/index.js";
import { silentProgress } from "../../src/observability/progress.js";
import { KeyedMutex } from "../../src/sync/keyed-mutex.js";
import { createPairRuntimes, type PairRuntime } from "../../src/sync/pair-runtime.js";
import { SharedReads } from "../../src/sync/reconcile/shared-reads.js";
import { openStore, type TestStore } from "../helpers/harness.js";
import { startTwoWorkspaces, type TwoWorkspaces } from "../helpers/world.js";
import { recentWindow, seedEntries } from "../reconcile/support.js";

let world: (TwoWorkspaces & { store: TestStore }) | undefined;
afterEach(async () => {
  await world?.sim.close();
  await world?.store.close();
  world = undefined;
});

async function threePairsOfOneUser(): Promise<PairRuntime[]> {
  const w = (world = { ...(await startTwoWorkspaces()), store: await openStore("clockify-sync-shared-release-") });
  const site = w.sim.world.addProject(w.source.workspaceId, { name: "Site", clientId: w.source.clientId });
  seedEntries(w, w.source.workspaceId, site.id, 3, { prefix: "site" });
  const pairs = ["a", "b", "c"].map((id) => ({
    id,
    source: { apiKey: w.user.apiKey, workspaceId: w.source.workspaceId, userId: w.user.id, clientId: w.source.clientId },
    destination: { workspaceId: w.sim.world.addWorkspace({ name: `Customer ${id}`, ownerId: w.user.id, plan: "PRO" }).id },
  }));
  const runtimes = createPairRuntimes({
    config: parseConfig({ pairs }, {}),
    apiUrl: w.sim.apiBaseUrl,
    database: w.store.database,
    logger: w.store.logger,
    limiters: new RateLimiterRegistry({ requestsPerSecond: 100_000 }),
    locks: new KeyedMutex(),
  });
  return [...runtimes.values()];
}

async function listSource(reads: SharedReads, runtime: PairRuntime): Promise<number> {
  const { since, until } = recentWindow();
  const [member] = await runtime.members();
  let count = 0;
  for await (const page of reads.sourceEntries(runtime, member?.sourceUserId ?? "", { start: since, end: until, pageSize: 5000 }, silentProgress).value) count += page.length;
  return count;
}

describe("shared reads give back what a pair did not read", () => {
  it("a pair that ends before its listing (failed, aborted) does not keep the shared listing in memory for the rest of the run", async () => {
    const [a, b, c] = await threePairsOfOneUser();
    if (!a || !b || !c) throw new Error("three runtimes expected");
    const reads = await SharedReads.forRuns([a, b, c]);
    expect(await listSource(reads, a)).toBe(3);
    reads.finished(a);
    // b and c still want the source listing (and a's workspaces' project lists were never read).
    expect(reads.holding).toBe(1);
    reads.finished(b);
    expect(await listSource(reads, c)).toBe(3);
    reads.finished(c);
    expect(reads.holding).toBe(0);
    expect(world?.sim.stats.count({ route: "/v1/workspaces/{workspaceId}/user/{userId}/time-entries" })).toBe(1);
  });
});
