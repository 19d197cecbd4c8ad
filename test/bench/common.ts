import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One benchmark table: a row per measured figure, with its target (if any) and PASS/MISS. */
export interface BenchRow {
  metric: string;
  measured: string;
  target?: string;
  pass?: boolean;
}

export interface BenchTable {
  title: string;
  rows: BenchRow[];
  notes: string[];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : String(n);

export const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024, 1)} MB`;

/** Samples RSS every `everyMs`; `stop()` returns the peak seen (one last sample included). */
export function rssSampler(everyMs = 50): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

/** True when the benchmarks run compiled (`npm run bench`), false under tsx (a quick run of one file). */
const compiled = import.meta.url.endsWith(".js");

/**
 * A benchmark file of this folder (named by its .ts name) in a child Node process, talking over IPC.
 * `npm run bench` runs the compiled JavaScript, like production's `npm start`: under the tsx loader a
 * process carries ~40 MB more RSS and transpiled code, which would distort the figures.
 */
export function forkBenchChild(file: string, args: string[] = [], execArgv: string[] = []) {
  const path = fileURLToPath(new URL(compiled ? file.replace(/\.ts$/, ".js") : file, import.meta.url));
  return fork(path, args, { execArgv: [...(compiled ? [] : ["--import", "tsx"]), ...execArgv], stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

/** The repository root (the folder with package.json), whether this runs from test/ or its compiled copy. */
export const REPO_ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("no package.json above the benchmarks");
    dir = parent;
  }
  return dir;
})();
