import { fork } from "node:child_process";
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

/** A TypeScript file of this folder in a child Node process (tsx loader), talking over IPC. */
export function forkTs(file: string, args: string[] = [], execArgv: string[] = []) {
  const path = fileURLToPath(new URL(file, import.meta.url));
  return fork(path, args, { execArgv: ["--import", "tsx", ...execArgv], stdio: ["ignore", "inherit", "inherit", "ipc"] });
}
