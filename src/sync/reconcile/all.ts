import type { Alerter } from "../../observability/alerts.js";
import type { PairRuntime } from "../pair-runtime.js";
import { reconcilePair } from "./run.js";
import { SharedReads } from "./shared-reads.js";
import type { RunOptions, RunSummary } from "./summary.js";

export interface ReconcileAllOptions extends Omit<RunOptions, "since" | "until"> {
  windowDays: number;
  since?: Date;
  until?: Date;
  alerter?: Alerter;
  now?: Date;
}

/** The default window: the last `windowDays` days up to now. */
export function defaultWindow(windowDays: number, now: Date = new Date()): { since: Date; until: Date } {
  return { since: new Date(now.getTime() - windowDays * 86_400_000), until: now };
}

/**
 * Runs pairs one after another (they may share a rate-limited key) and alerts on each failure. Several
 * pairs share their reads (shared-reads.ts): each source user's entries, each destination user's entries
 * and each workspace's projects are listed once for all of them, unless a write made the listing stale.
 */
export async function reconcileAll(runtimes: PairRuntime[], options: ReconcileAllOptions): Promise<RunSummary[]> {
  const window = defaultWindow(options.windowDays, options.now);
  const since = options.since ?? window.since;
  const until = options.until ?? window.until;
  const shared = runtimes.length > 1 ? await SharedReads.forRuns(runtimes) : undefined;
  const summaries: RunSummary[] = [];
  for (const runtime of runtimes) {
    const run = shared ? shared.watch(runtime) : runtime;
    const summary = await reconcilePair(run, { ...options, since, until, ...(shared ? { reads: shared } : {}) });
    shared?.finished(runtime);
    summaries.push(summary);
    const { runId, outcome, counts, requests, durationMs, error, leftovers } = summary;
    // A stale copy of the original tool doubles hours silently: every run's log says how many it sees.
    const left = leftovers && leftovers.entries.length > 0 ? { leftovers: { count: leftovers.entries.length, hours: leftovers.totalHours, removed: leftovers.removed ?? 0 } } : {};
    const fields = { runId, outcome, counts, requests, durationMs, ...left, ...(error === undefined ? {} : { error }) };
    const level = outcome === "succeeded" ? "info" : outcome === "aborted" ? "warn" : "error";
    runtime.logger[level](fields, "reconciliation finished");
    if (summary.outcome !== "succeeded" && options.alerter) {
      await options.alerter.alert(
        `reconcile-${summary.outcome}:${runtime.pair.id}`,
        `reconciliation of pair "${runtime.pair.id}" ${summary.outcome}: ${summary.error ?? "see the log"}`,
      );
    }
  }
  return summaries;
}
