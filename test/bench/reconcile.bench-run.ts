/**
 * Benchmark 3: reconciliation of unchanged entries. Run as a child process (fresh heap, its own RSS):
 * `reconcile.bench-run.ts <count>`; sends its BenchRow-ready result over IPC.
 */
import { listEntryMappings } from "../../src/db/entry-map.js";
import type { RunSummary } from "../../src/sync/reconcile.js";
import { ENTRY_LIST, entryListPages, PROJECT_LIST, seedBase, seedEntries, startHarness, writes } from "../reconcile/support.js";
import { log, rssSampler } from "./common.js";

export interface ReconcileMeasure {
  label: string;
  requests: number;
  byRoute: Record<string, number>;
  sourcePages: number;
  destinationPages: number;
  projectLists: number;
  entryLists: number;
  writes: number;
  wallMs: number;
  baselineRss: number;
  peakRss: number;
  counts: RunSummary["counts"];
  outcome: string;
}

const count = Number(process.argv[2] ?? "10000");
const h = await startHarness();
const results: ReconcileMeasure[] = [];
try {
  const { world, stats } = h.sim;
  const project = world.addProject(h.source.workspaceId, { name: "Big", clientId: h.source.clientId });
  const destinationProject = world.addProject(h.destination.workspaceId, { name: "Big" });
  // 10 days of window; 100,000 entries need a start every 6 s to fit.
  const shape = count > 20_000 ? { stepMs: 6_000, durationMs: 5_000 } : { stepMs: 50_000, durationMs: 40_000 };
  const from = seedBase();
  log(`reconcile ${count}: seeding the source`);
  seedEntries(h, h.source.workspaceId, project.id, count, { ...shape, from, prefix: "bulk" });

  const measure = async (label: string): Promise<ReconcileMeasure> => {
    stats.reset();
    (globalThis as { gc?: () => void }).gc?.();
    const baselineRss = process.memoryUsage.rss();
    const sampler = rssSampler(50);
    const started = performance.now();
    const summary = await h.run();
    const wallMs = performance.now() - started;
    const peakRss = sampler.stop();
    const pages = entryListPages(h.sim);
    const m: ReconcileMeasure = {
      label,
      requests: summary.requests,
      byRoute: stats.byRoute(),
      sourcePages: pages.source,
      destinationPages: pages.destination,
      projectLists: stats.count(PROJECT_LIST),
      entryLists: stats.count(ENTRY_LIST),
      writes: writes(h.sim).length,
      wallMs,
      baselineRss,
      peakRss,
      counts: summary.counts,
      outcome: summary.outcome,
    };
    log(
      `  ${label}: ${summary.outcome}, ${m.requests} requests (${pages.source} source + ${pages.destination} destination pages, ` +
        `${m.projectLists} project lists, ${m.writes} writes), ${Math.round(wallMs)} ms, peak RSS ${Math.round(peakRss / 1048576)} MB ` +
        `(baseline ${Math.round(baselineRss / 1048576)} MB), counts ${JSON.stringify(summary.counts)}`,
    );
    return m;
  };

  if (count > 20_000) {
    // Both sides seeded identical: the first run adopts every copy (no entry write), the second finds all unchanged.
    log(`reconcile ${count}: seeding the destination with identical copies`);
    seedEntries(h, h.destination.workspaceId, destinationProject.id, count, { ...shape, from, prefix: "bulk" });
    results.push(await measure(`${count.toLocaleString("en-US")} adopted (first run)`));
  } else {
    log(`reconcile ${count}: first run mirrors every entry (not measured)`);
    const first = await h.run();
    log(`  first run: ${first.outcome}, created ${first.counts.created}, ${first.requests} requests, ${first.durationMs} ms`);
  }
  results.push(await measure(`${count.toLocaleString("en-US")} unchanged`));
  log(`  entry_map rows: ${listEntryMappings(h.database, "acme").length}`);
} finally {
  await h.close();
}
process.send?.(results);
process.disconnect?.();
