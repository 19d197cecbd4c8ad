/**
 * Benchmark 3, one reconciliation run in a fresh process of its own, so its peak RSS is that run's alone:
 * the parent (run.ts) sends { start: ReconcileJob }, this process runs reconcilePair once on the compiled
 * product code against the simulator (another process), and sends back a ReconcileMeasure. Simulator
 * request accounting is asked for through the parent: { rpc: "reset" | "stats", id } → { id, stats }.
 */
import { readFileSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";
import { RateLimiterRegistry } from "../../src/clockify/rate-limiter.js";
import { parseConfig } from "../../src/config/index.js";
import { openAndMigrate } from "../../src/db/migrate.js";
import { KeyedMutex } from "../../src/sync/keyed-mutex.js";
import { createPairRuntimes } from "../../src/sync/pair-runtime.js";
import { reconcilePair } from "../../src/sync/reconcile/run.js";
import type { RunSummary } from "../../src/sync/reconcile/summary.js";
import { discardingLogger } from "../helpers/logs.js";
import { acmePair } from "../helpers/world.js";
import { PAIR_ID, recentWindow } from "../reconcile/support.js";
import type { Progress } from "../../src/observability/progress.js";
import { log, mb, rssSampler } from "./common.js";
import type { SimulatorReady, SimulatorStats } from "./reconcile-simulator.bench-run.js";

export interface ReconcileJob {
  label: string;
  simulator: SimulatorReady;
  databasePath: string;
}

export interface ReconcileMeasure extends SimulatorStats {
  label: string;
  /** Requests the run's clients counted (retries included); should equal the simulator's count. */
  clientRequests: number;
  wallMs: number;
  /** RSS of this process before the run (after start-up, imports and opening the database). */
  baselineRss: number;
  /** The process's high-water mark (VmHWM), or the highest 20 ms sample where /proc is missing. */
  peakRss: number;
  counts: RunSummary["counts"];
  outcome: string;
}

/** Linux keeps the true peak; sampling can miss a short spike. */
function highWaterMark(): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** BENCH_PHASES=1: the memory at each phase of the run, to see where a big run's memory goes. */
function phaseMemory(label: string): Progress {
  // With --expose-gc the heap is collected first, so "heap used" is what the run holds, not its garbage.
  const collect = (globalThis as { gc?: () => void }).gc;
  const show = (phase: string) => {
    const peak = highWaterMark() ?? 0;
    collect?.();
    const m = process.memoryUsage();
    const status = readFileSync("/proc/self/status", "utf8");
    const anon = /RssAnon:\s+(\d+) kB/.exec(status)?.[1] ?? "?";
    const spaces = getHeapSpaceStatistics().map((sp) => `${sp.space_name.replace("_space", "")} ${mb(sp.space_size)}`).join(", ");
    log(`  ${label} [${phase}]: peak so far ${mb(peak)}, rss ${mb(m.rss)} (anon ${anon} kB), heap used ${mb(m.heapUsed)} of ${mb(m.heapTotal)} (${spaces}), external ${mb(m.external)}`);
  };
  return { phase: show, advance() {}, done: () => show("done") };
}

let nextId = 0;
const ask = (rpc: "reset" | "stats") =>
  new Promise<SimulatorStats | undefined>((resolve) => {
    const id = ++nextId;
    const onMessage = (m: { id?: number; stats?: SimulatorStats }) => {
      if (m.id !== id) return;
      process.off("message", onMessage);
      resolve(m.stats);
    };
    process.on("message", onMessage);
    process.send?.({ rpc, id });
  });

async function runJob({ label, simulator, databasePath }: ReconcileJob): Promise<ReconcileMeasure> {
  const database = openAndMigrate(databasePath);
  const config = parseConfig(
    {
      pairs: [acmePair(simulator)],
    },
    {},
  );
  // Production's level, written to a discarding stream: the benchmark measures the run, not a log sink.
  const logger = discardingLogger("info");
  const rt = createPairRuntimes({
    config,
    apiUrl: simulator.apiBaseUrl,
    database,
    logger,
    limiters: new RateLimiterRegistry({ requestsPerSecond: 100_000 }),
    locks: new KeyedMutex(),
  }).get(PAIR_ID);
  if (!rt) throw new Error("no runtime");
  try {
    await ask("reset");
    const baselineRss = process.memoryUsage.rss();
    const sampler = rssSampler(20);
    const started = performance.now();
    const progress = process.env.BENCH_PHASES ? phaseMemory(label) : undefined;
    const summary = await reconcilePair(rt, { ...recentWindow(), trigger: "cli", concurrency: 16, ...(progress ? { progress } : {}) });
    const wallMs = performance.now() - started;
    const sampled = sampler.stop();
    const stats = await ask("stats");
    if (!stats) throw new Error("the simulator sent no stats");
    const m: ReconcileMeasure = {
      label,
      ...stats,
      clientRequests: summary.requests,
      wallMs,
      baselineRss,
      peakRss: highWaterMark() ?? sampled,
      counts: summary.counts,
      outcome: summary.outcome,
    };
    log(
      `  ${label}: ${summary.outcome}, ${m.requests} requests (${m.sourcePages} source + ${m.destinationPages} destination pages, ` +
        `${m.projectLists} project lists, ${m.writes} writes), ${Math.round(wallMs)} ms, peak RSS ${Math.round(m.peakRss / 1048576)} MB ` +
        `(baseline ${Math.round(baselineRss / 1048576)} MB), counts ${JSON.stringify(summary.counts)}`,
    );
    return m;
  } finally {
    database.close();
  }
}

process.on("message", (m: { start?: ReconcileJob }) => {
  if (!m.start) return;
  runJob(m.start).then(
    (measure) => {
      process.send?.({ measure });
      process.disconnect?.();
    },
    (error: unknown) => {
      log(`reconcile run failed: ${error instanceof Error ? error.stack : String(error)}`);
      process.exit(1);
    },
  );
});
