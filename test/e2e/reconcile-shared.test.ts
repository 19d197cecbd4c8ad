import { afterEach, describe, expect, it } from "vitest";
import { RateLimiterRegistry } from "../../src/clockify/rate-limiter.js";
import { parseConfig } from "../../src/config/index.js";
import { KeyedMutex } from "../../src/sync/keyed-mutex.js";
import { createPairRuntimes } from "../../src/sync/pair-runtime.js";
import { reconcileAll } from "../../src/sync/reconcile/all.js";
import type { RunSummary } from "../../src/sync/reconcile/summary.js";
import { openStore, type TestStore } from "../helpers/harness.js";
import { startTwoWorkspaces, type TwoWorkspaces } from "../helpers/world.js";
import { contentsOf, entryListPages, PROJECT_LIST, recentWindow, seedEntries, writes } from "../reconcile/support.js";

interface World extends TwoWorkspaces {
  store: TestStore;
}

let world: World | undefined;

afterEach(async () => {
  await world?.sim.close();
  await world?.store.close();
  world = undefined;
});

async function start(): Promise<World> {
  world = { ...(await startTwoWorkspaces()), store: await openStore("clockify-sync-reconcile-shared-") };
  return world;
}

const pair = (w: World, id: string, source: { workspaceId: string; clientId: string }, destinationWorkspaceId: string, destinationClientId?: string) => ({
  id,
  source: { apiKey: w.user.apiKey, workspaceId: source.workspaceId, userId: w.user.id, clientId: source.clientId },
  destination: { workspaceId: destinationWorkspaceId, ...(destinationClientId ? { clientId: destinationClientId } : {}) },
});

/** reconcileAll over every pair of the config, on fresh runtimes, like `npm run reconcile`. */
function runAll(w: World, pairs: Record<string, unknown>[]): Promise<RunSummary[]> {
  const config = parseConfig({ pairs }, {});
  const runtimes = createPairRuntimes({
    config,
    apiUrl: w.sim.apiBaseUrl,
    database: w.store.database,
    logger: w.store.logger,
    limiters: new RateLimiterRegistry({ requestsPerSecond: 100_000 }),
    locks: new KeyedMutex(),
    backoff: { baseDelayMs: 5, maxDelayMs: 50 },
  });
  return reconcileAll([...runtimes.values()], { trigger: "cli", windowDays: 30, ...recentWindow(), concurrency: 4 });
}

const sourceProjectLists = (w: World) => w.sim.stats.requests.filter((r) => r.method === PROJECT_LIST.method && r.route === PROJECT_LIST.route && r.query?.clients !== undefined).length;
const destinationProjectLists = (w: World) => w.sim.stats.count(PROJECT_LIST) - sourceProjectLists(w);
const outcomes = (summaries: RunSummary[]) => summaries.map((s) => [s.pairId, s.outcome, s.error]);

describe("reconcileAll over pairs that share a source user", () => {
  it("lists the source user's entries once for a freelancer's two customers, and mirrors each customer's own", async () => {
    const w = await start();
    const second = w.sim.world.addWorkspace({ name: "Second customer", ownerId: w.user.id, plan: "PRO" });
    const site = w.sim.world.addProject(w.source.workspaceId, { name: "Site", clientId: w.source.clientId });
    const app = w.sim.world.addProject(w.source.workspaceId, { name: "App", clientId: w.source.otherClientId });
    const forFirst = seedEntries(w, w.source.workspaceId, site.id, 4, { prefix: "site" });
    const forSecond = seedEntries(w, w.source.workspaceId, app.id, 3, { prefix: "app", from: Date.now() - 7 * 86_400_000 });
    const pairs = [
      pair(w, "first", w.source, w.destination.workspaceId),
      pair(w, "second", { workspaceId: w.source.workspaceId, clientId: w.source.otherClientId }, second.id),
    ];

    const first = await runAll(w, pairs);
    expect(outcomes(first)).toEqual([["first", "succeeded", undefined], ["second", "succeeded", undefined]]);
    expect(first.map((s) => s.counts.created)).toEqual([4, 3]);
    expect(contentsOf(w.sim, w.destination.workspaceId)).toEqual(contentsOf(w.sim, w.source.workspaceId, forFirst));
    expect(contentsOf(w.sim, second.id)).toEqual(contentsOf(w.sim, w.source.workspaceId, forSecond));
    // One source listing and one source project list for both pairs; each destination its own.
    expect(entryListPages(w.sim)).toEqual({ source: 1, destination: 2 });
    expect(sourceProjectLists(w)).toBe(1);
    expect(destinationProjectLists(w)).toBe(2);

    w.sim.stats.reset();
    const again = await runAll(w, pairs);
    expect(again.map((s) => [s.counts.unchanged, s.counts.created])).toEqual([[4, 0], [3, 0]]);
    expect(writes(w.sim)).toEqual([]);
    expect(entryListPages(w.sim)).toEqual({ source: 1, destination: 2 });
    expect(w.sim.stats.count()).toBe(1 + 2 + 1 + 2);
  });

  it("lists a shared destination user again after another pair wrote there, and reuses the listing when nobody did", async () => {
    const w = await start();
    const other = w.sim.world.addWorkspace({ name: "Other agency", ownerId: w.user.id, plan: "PRO" });
    const otherClient = w.sim.world.addClient(other.id, { name: "Customer Co" });
    const site = w.sim.world.addProject(w.source.workspaceId, { name: "Site", clientId: w.source.clientId });
    const app = w.sim.world.addProject(other.id, { name: "App", clientId: otherClient.id });
    const fromAgency = seedEntries(w, w.source.workspaceId, site.id, 3, { prefix: "site" });
    const fromOther = seedEntries(w, other.id, app.id, 2, { prefix: "app", from: Date.now() - 7 * 86_400_000 });
    // Each pair under a client of its own in the shared destination, so neither takes the other's projects.
    const [mine, theirs] = ["From agency", "From other"].map((name) => w.sim.world.addClient(w.destination.workspaceId, { name }).id);
    const pairs = [
      pair(w, "agency", w.source, w.destination.workspaceId, mine),
      pair(w, "other", { workspaceId: other.id, clientId: otherClient.id }, w.destination.workspaceId, theirs),
    ];

    const first = await runAll(w, pairs);
    expect(outcomes(first)).toEqual([["agency", "succeeded", undefined], ["other", "succeeded", undefined]]);
    // The first pair's copies made its listing of the destination stale: the second listed it again.
    expect(entryListPages(w.sim)).toEqual({ source: 2, destination: 2 });
    expect(destinationProjectLists(w)).toBe(2);
    expect(contentsOf(w.sim, w.destination.workspaceId)).toEqual(contentsOf(w.sim, w.source.workspaceId, [...fromAgency]).concat(contentsOf(w.sim, other.id, fromOther)).sort());

    w.sim.stats.reset();
    const again = await runAll(w, pairs);
    expect(again.map((s) => s.counts.unchanged)).toEqual([3, 2]);
    expect(writes(w.sim)).toEqual([]);
    expect(entryListPages(w.sim)).toEqual({ source: 2, destination: 1 });
    expect(destinationProjectLists(w)).toBe(1);
  });

  it("reads the source workspace again after a pair created a project there, so the next pair maps it instead of making a twin", async () => {
    const w = await start();
    const backup = w.sim.world.addWorkspace({ name: "Backup", ownerId: w.user.id, plan: "PRO" });
    const site = w.sim.world.addProject(w.source.workspaceId, { name: "Site", clientId: w.source.clientId });
    const entries = seedEntries(w, w.source.workspaceId, site.id, 2, { prefix: "site" });
    // Both destinations have a project the source client lacks: the first pair creates it in the source.
    w.sim.world.addProject(w.destination.workspaceId, { name: "Extra" });
    w.sim.world.addProject(backup.id, { name: "Extra" });
    const pairs = [pair(w, "main", w.source, w.destination.workspaceId), pair(w, "backup", w.source, backup.id)];

    const runs = await runAll(w, pairs);
    expect(outcomes(runs)).toEqual([["main", "succeeded", undefined], ["backup", "succeeded", undefined]]);
    const extras = w.sim.world.listProjects(w.source.workspaceId).filter((p) => p.name === "Extra");
    expect(extras).toHaveLength(1);
    expect(runs.map((s) => s.projects.map((p) => p.kind))).toEqual([["create"], ["map"]]);
    // The write to the source workspace dropped the project list the first pair had read there; its
    // entries were listed after that write, so the second pair could still use them.
    expect(sourceProjectLists(w)).toBe(2);
    expect(entryListPages(w.sim).source).toBe(1);
    for (const workspaceId of [w.destination.workspaceId, backup.id]) {
      expect(contentsOf(w.sim, workspaceId)).toEqual(contentsOf(w.sim, w.source.workspaceId, entries));
    }
  });
});
