import type { Alerter } from "../observability/alerts.js";
import type { PairRuntime } from "./pair-runtime.js";
import { reconcilePair, type RunOptions, type RunSummary } from "./reconcile.js";

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

/** Runs pairs one after another (they may share a rate-limited key) and alerts on each failure. */
export async function reconcileAll(runtimes: PairRuntime[], options: ReconcileAllOptions): Promise<RunSummary[]> {
  const window = defaultWindow(options.windowDays, options.now);
  const since = options.since ?? window.since;
  const until = options.until ?? window.until;
  const summaries: RunSummary[] = [];
  for (const rt of runtimes) {
    const summary = await reconcilePair(rt, { ...options, since, until });
    summaries.push(summary);
    rt.logger.info(
      { runId: summary.runId, outcome: summary.outcome, counts: summary.counts, requests: summary.requests, durationMs: summary.durationMs },
      "reconciliation finished",
    );
    if (summary.outcome !== "succeeded" && options.alerter) {
      await options.alerter.alert(
        `reconcile-${summary.outcome}:${rt.pair.id}`,
        `reconciliation of pair "${rt.pair.id}" ${summary.outcome}: ${summary.error ?? "see the log"}`,
      );
    }
  }
  return summaries;
}

export function formatSummary(s: RunSummary): string {
  const c = s.counts;
  const head = `${s.pairId}${s.dryRun ? " (dry run)" : ""}: ${s.outcome}`;
  const parts = [
    `created ${c.created}`,
    `updated ${c.updated}`,
    `deleted ${c.deleted}`,
    `adopted ${c.adopted}`,
    `unchanged ${c.unchanged}`,
    `failed ${c.failed}`,
  ];
  const projects = s.projects.length ? ` · ${s.projects.length} project change(s)` : "";
  const tail = ` · ${s.requests} API request(s) · ${(s.durationMs / 1000).toFixed(1)} s`;
  return `${head} — ${parts.join(", ")}${projects}${tail}${s.error ? `\n  ${s.error}` : ""}`;
}
