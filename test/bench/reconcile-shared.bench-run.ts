/**
 * Benchmark 3, shared reads: `pairs` pairs of one source user (a freelancer with that many customers: one
 * source workspace and user, a client and a destination workspace per pair), reconciled together by
 * reconcileAll (what `npm run reconcile` and the nightly run do) and one by one (what `--pair` does for
 * each). In this process, with the simulator: it measures requests and wall time, not memory.
 */
import { RateLimiterRegistry } from "../../src/clockify/rate-limiter.js";
import { parseConfig } from "../../src/config/index.js";
import { KeyedMutex } from "../../src/sync/keyed-mutex.js";
import { createPairRuntimes } from "../../src/sync/pair-runtime.js";
import { reconcileAll } from "../../src/sync/reconcile/all.js";
import type { RunSummary } from "../../src/sync/reconcile/summary.js";
import { openStore } from "../helpers/harness.js";
import { startTwoWorkspaces } from "../helpers/world.js";
import { entryListPages, recentWindow, seedEntries, writes } from "../reconcile/support.js";
import { fmt, log, type BenchRow } from "./common.js";

const ENTRIES_PER_PAIR = 20;

export interface SharedMeasure {
  requests: number;
  sourcePages: number;
  destinationPages: number;
  writes: number;
  wallMs: number;
  outcomes: string;
}

export async function sharedReadsBenchmark(pairs: number): Promise<BenchRow[]> {
  const env = await startTwoWorkspaces();
  const store = await openStore("clockify-sync-bench-shared-");
  const { world } = env.sim;
  try {
    const configPairs = Array.from({ length: pairs }, (_, i) => {
      const clientId = i === 0 ? env.source.clientId : world.addClient(env.source.workspaceId, { name: `Customer ${i}` }).id;
      const project = world.addProject(env.source.workspaceId, { name: `Project ${i}`, clientId });
      seedEntries(env, env.source.workspaceId, project.id, ENTRIES_PER_PAIR, { prefix: `customer ${i}`, stepMs: 3 * 3_600_000 });
      const destination = i === 0 ? env.destination.workspaceId : world.addWorkspace({ name: `Customer ${i}`, ownerId: env.user.id, plan: "PRO" }).id;
      return {
        id: `customer-${i}`,
        source: { apiKey: env.user.apiKey, workspaceId: env.source.workspaceId, userId: env.user.id, clientId },
        destination: { workspaceId: destination },
      };
    });
    const config = parseConfig({ pairs: configPairs }, {});
    const runtimes = () =>
      [
        ...createPairRuntimes({
          config,
          apiUrl: env.sim.apiBaseUrl,
          database: store.database,
          logger: store.logger,
          limiters: new RateLimiterRegistry({ requestsPerSecond: 100_000 }),
          locks: new KeyedMutex(),
        }).values(),
      ];
    const options = { trigger: "cli" as const, windowDays: 30, ...recentWindow(), concurrency: 16 };
    const measure = async (run: () => Promise<RunSummary[]>): Promise<SharedMeasure> => {
      env.sim.stats.reset();
      const started = performance.now();
      const summaries = await run();
      const wallMs = performance.now() - started;
      const pages = entryListPages(env.sim);
      const outcomes = [...new Set(summaries.map((s) => s.outcome))].join(", ");
      return { requests: env.sim.stats.count(), sourcePages: pages.source, destinationPages: pages.destination, writes: writes(env.sim).length, wallMs, outcomes };
    };
    const first = await measure(() => reconcileAll(runtimes(), options));
    const together = await measure(() => reconcileAll(runtimes(), options));
    const alone = await measure(async () => {
      const summaries: RunSummary[] = [];
      for (const runtime of runtimes()) summaries.push(...(await reconcileAll([runtime], options)));
      return summaries;
    });
    const label = `${pairs} pairs sharing one source user (${fmt(pairs * ENTRIES_PER_PAIR)} entries)`;
    const line = (m: SharedMeasure) =>
      `${m.requests} requests (${m.sourcePages} source + ${m.destinationPages} destination pages), ${m.writes} writes, ${fmt(m.wallMs)} ms, ${m.outcomes}`;
    log(`  ${label}: first ${line(first)}; together ${line(together)}; one by one ${line(alone)}`);
    return [
      { metric: `${label}: first run, together (mirrors everything)`, measured: line(first) },
      {
        metric: `${label}: unchanged run, together (reconcileAll) / one by one (--pair each)`,
        measured: `${line(together)} / ${line(alone)}`,
        target: `1 source listing, not ${pairs}`,
        pass: together.sourcePages === 1 && alone.sourcePages === pairs && together.writes === 0 && together.outcomes === "succeeded",
      },
    ];
  } finally {
    await env.sim.close();
    await store.close();
  }
}
