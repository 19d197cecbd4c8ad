/** `npm run bench`: runs every benchmark and writes BENCHMARKS.md at the repo root. */
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { fmt, forkBenchChild, log, mb, REPO_ROOT, type BenchTable } from "./common.js";
import { mirrorBenchmark } from "./mirror.bench-run.js";
import { pollingBenchmark } from "./polling.bench-run.js";
import { quotaBenchmark } from "./quota.bench-run.js";
import type { ReconcileJob, ReconcileMeasure } from "./reconcile.bench-run.js";
import { sharedReadsBenchmark } from "./reconcile-shared.bench-run.js";
import type { SimulatorReady } from "./reconcile-simulator.bench-run.js";
import { webhookBenchmark } from "./webhook.bench-run.js";

/** One reconcile run in a fresh process against the simulator process; relays its stats questions. */
async function reconcileProcess(simulator: ChildProcess, job: ReconcileJob): Promise<ReconcileMeasure> {
  const child = forkBenchChild("./reconcile.bench-run.ts");
  const relay = (m: { rpc?: string; id?: number }) => {
    if (!m.rpc) return;
    const answer = (reply: { id?: number }) => {
      if (reply.id !== m.id) return;
      simulator.off("message", answer);
      child.send(reply);
    };
    simulator.on("message", answer);
    simulator.send({ id: m.id, cmd: m.rpc });
  };
  return new Promise((resolve, reject) => {
    let got: ReconcileMeasure | undefined;
    child.on("message", (m: { rpc?: string; id?: number; measure?: ReconcileMeasure }) => {
      if (m.measure) got = m.measure;
      else relay(m);
    });
    child.on("exit", (code) => (got ? resolve(got) : reject(new Error(`reconcile "${job.label}" exited with ${code}`))));
    child.send({ start: job });
  });
}

/**
 * A workspace of `count` entries (the source only, or both sides identical), then each run in turn in its
 * own process on one database: the simulator keeps its state between them, like Clockify would.
 */
async function reconcileSeries(count: number, seedBoth: boolean, labels: string[]): Promise<ReconcileMeasure[]> {
  log(`reconcile ${count.toLocaleString("en-US")}: seeding the simulator (its own process)${seedBoth ? ", both sides identical" : ""}`);
  const simulator = forkBenchChild("./reconcile-simulator.bench-run.ts", [String(count), seedBoth ? "both" : "source"]);
  const ready = await new Promise<SimulatorReady>((resolve, reject) => {
    simulator.once("message", (m) => resolve(m as SimulatorReady));
    simulator.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  const dir = await mkdtemp(join(tmpdir(), "clockify-sync-bench-reconcile-"));
  try {
    const results: ReconcileMeasure[] = [];
    for (const label of labels) {
      results.push(await reconcileProcess(simulator, { label, simulator: ready, databasePath: join(dir, "sync.db") }));
    }
    return results;
  } finally {
    simulator.send({ id: 0, cmd: "exit" });
    await rm(dir, { recursive: true, force: true });
  }
}

async function reconcileBenchmark(): Promise<BenchTable> {
  const rows: BenchTable["rows"] = [];
  // BENCH_RECONCILE=big (or small, shared; comma-separated): only those series, while working on one.
  const parts = process.env.BENCH_RECONCILE?.split(",");
  const want = (part: string) => !parts || parts.includes(part);
  if (want("small")) rows.push(...(await smallSeries()));
  if (want("big")) rows.push(...(await bigSeries()));
  if (want("shared")) for (const pairs of [2, 50]) rows.push(...(await sharedReadsBenchmark(pairs)));
  return {
    title: "3. Reconciliation",
    rows,
    notes: RECONCILE_NOTES,
  };
}

async function smallSeries(): Promise<BenchTable["rows"]> {
  const rows: BenchTable["rows"] = [];
  const small = await reconcileSeries(10_000, false, ["10,000 first run (mirrors everything, not judged)", "10,000 unchanged"]);
  const s = small.at(-1)!;
  rows.push({
    metric: "10,000 unchanged: list requests (source pages + destination pages + project lists)",
    measured: `${s.sourcePages} + ${s.destinationPages} + ${s.projectLists} = ${s.requests} requests in all`,
    target: "2 + 2 + 2 = 6, nothing else",
    pass: s.sourcePages === 2 && s.destinationPages === 2 && s.projectLists === 2 && s.requests === 6,
  });
  rows.push({ metric: "10,000 unchanged: writes", measured: String(s.writes), target: "0", pass: s.writes === 0 });
  rows.push({ metric: "10,000 unchanged: wall time", measured: `${fmt(s.wallMs)} ms`, target: "< 3,000 ms", pass: s.wallMs < 3000 });
  rows.push({ metric: "10,000 unchanged: peak RSS (baseline)", measured: `${mb(s.peakRss)} (${mb(s.baselineRss)})` });
  rows.push({ metric: "10,000 unchanged: counts", measured: `unchanged ${s.counts.unchanged}, outcome ${s.outcome}` });
  return rows;
}

async function bigSeries(): Promise<BenchTable["rows"]> {
  const rows: BenchTable["rows"] = [];
  const big = await reconcileSeries(100_000, true, ["100,000 adopted (first run)", "100,000 unchanged"]);
  for (const m of big) {
    rows.push({
      metric: `${m.label}: requests (source pages + destination pages + project lists), writes`,
      measured: `${m.requests} (${m.sourcePages} + ${m.destinationPages} + ${m.projectLists}), ${m.writes} writes`,
    });
    rows.push({ metric: `${m.label}: wall time`, measured: `${fmt(m.wallMs)} ms` });
    rows.push({
      metric: `${m.label}: peak RSS of the process (baseline before the run)`,
      measured: `${mb(m.peakRss)} (${mb(m.baselineRss)})`,
      target: "< 250 MB",
      pass: m.peakRss < 250 * 1024 * 1024,
    });
    rows.push({ metric: `${m.label}: counts`, measured: `${JSON.stringify(m.counts)}, outcome ${m.outcome}` });
  }
  return rows;
}

const RECONCILE_NOTES = [
  "The simulator runs in a process of its own; every run is a fresh Node process of the compiled product code (like `npm start`) that opens the same database, runs reconcilePair once (100,000 req/s limiter, concurrency 16) and reports its own peak RSS (Linux VmHWM: the true high-water mark, start-up included).",
  "10,000: the source is seeded (no webhooks), the first run mirrors it, the second (judged) run finds everything unchanged.",
  "100,000: source and destination are seeded identical; the first run adopts every copy (no entry write), the second finds all unchanged.",
  "Request counts are the simulator's; each run lists 5,000 entries per page, the most Clockify allows.",
  "Shared reads: one source workspace and user, a client and a destination workspace per pair, 20 entries each; simulator and runs in one process (requests and wall time only). Together: one reconcileAll over every pair (`npm run reconcile`, the nightly run), which lists the source user's entries and the source projects once; one by one: reconcileAll per pair (`--pair` for each), which lists them once per pair.",
];

function render(tables: BenchTable[], started: Date, wallS: number): string {
  const cpus = os.cpus();
  const lines = [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (test/bench/run.ts). Re-run to refresh.",
    "",
    `- Date: ${started.toISOString()}`,
    `- Machine: ${cpus.length} cores (${cpus[0]?.model ?? "unknown"}), ${fmt(os.totalmem() / 1024 ** 3, 1)} GiB memory`,
    `- Node: ${process.version} on ${os.platform()} ${os.arch()}`,
    `- Whole run: ${fmt(wallS)} s`,
    "",
  ];
  for (const t of tables) {
    lines.push(`## ${t.title}`, "", "| metric | measured | target | result |", "| --- | --- | --- | --- |");
    for (const r of t.rows) {
      const result = r.pass === undefined ? "" : r.pass ? "PASS" : "**MISS**";
      lines.push(`| ${r.metric} | ${r.measured} | ${r.target ?? ""} | ${result} |`);
    }
    lines.push("");
    for (const n of t.notes) lines.push(`- ${n}`);
    lines.push("");
  }
  return lines.join("\n");
}

const started = new Date();
const t0 = performance.now();
log(`machine: ${os.cpus().length} cores, ${mb(os.totalmem())}, node ${process.version}`);
const tables: BenchTable[] = [];
// `npm run bench -- reconcile` or BENCH_ONLY=reconcile: one benchmark; its table is logged (or written to
// BENCH_OUT), so a partial run never replaces the other tables of BENCHMARKS.md.
const only = process.env.BENCH_ONLY ?? process.argv[2];
const steps: [string, () => Promise<BenchTable>][] = [
  ["webhook", webhookBenchmark],
  ["mirror", mirrorBenchmark],
  ["reconcile", reconcileBenchmark],
  ["quota", quotaBenchmark],
  ["polling", pollingBenchmark],
];
for (const [name, step] of steps) {
  if (only && only !== name) continue;
  log(`=== ${name} ===`);
  try {
    tables.push(await step());
  } catch (error) {
    log(`${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
    tables.push({ title: `${name} (FAILED)`, rows: [{ metric: "error", measured: String(error), pass: false }], notes: [] });
  }
}
const rendered = render(tables, started, (performance.now() - t0) / 1000);
const path = only ? process.env.BENCH_OUT : join(REPO_ROOT, "BENCHMARKS.md");
if (path) {
  writeFileSync(path, rendered);
  log(`wrote ${path}`);
} else console.log(rendered);
process.exit(0);
