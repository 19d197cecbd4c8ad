import type { RunCounts } from "../../db/runs.js";
import type { RunTrigger } from "../../db/schema.js";
import type { Progress } from "../../observability/progress.js";
import type { WindowPlan } from "../entries/plan-window.js";
import { describeProjectConflict, type ProjectChange } from "../projects/plan.js";
import type { ProjectFailure } from "./projects.js";

export interface RunOptions {
  since: Date;
  until: Date;
  dryRun?: boolean;
  /** Lets a run delete more than the mass-delete guard allows. */
  yes?: boolean;
  trigger: RunTrigger;
  /** Writes in flight at once; the rate limiter bounds the request rate anyway. */
  concurrency?: number;
  progress?: Progress;
}

/** What a run did to entries: the recorded counts (runs table) plus the skipped ones, which are not stored. */
export type RunCountsSummary = Omit<RunCounts, "requests"> & { skipped: number };

export interface RunSummary {
  pairId: string;
  runId: number | null;
  since: Date;
  until: Date;
  dryRun: boolean;
  outcome: "succeeded" | "failed" | "aborted";
  counts: RunCountsSummary;
  /** Of `counts.skipped`: the pair's entries of a type the API cannot create (time off, holidays). */
  notCreatable?: number;
  /** Project decisions that change something, conflicts included. */
  projects: ProjectChange[];
  /** Projects that could not be written or resolved: their entries wait, the others were reconciled. */
  projectFailures: ProjectFailure[];
  /** Clockify requests this run sent, retries included. */
  requests: number;
  durationMs: number;
  error?: string;
  /** The plan, for --dry-run output. */
  plan?: WindowPlan;
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
    ...(c.skipped > 0 ? [`skipped ${c.skipped}${s.notCreatable ? ` (${s.notCreatable} time off/holiday: not creatable through the API)` : ""}`] : []),
  ];
  const changed = s.projects.filter((p) => p.kind !== "conflict").length;
  const projects = changed ? ` · ${changed} project change(s)` : "";
  const tail = ` · ${s.requests} API request(s) · ${(s.durationMs / 1000).toFixed(1)} s`;
  const notes = [
    ...s.projects.flatMap((p) =>
      p.kind === "conflict" ? [`  project conflict: ${describeProjectConflict({ destinationName: p.destination.name, sourceName: p.sourceName })}`] : [],
    ),
    ...s.projectFailures.map((f) => `  project "${f.project}" failed: ${f.error}`),
    ...(s.error ? [`  ${s.error}`] : []),
  ];
  return `${head} — ${parts.join(", ")}${projects}${tail}${notes.map((n) => `\n${n}`).join("")}`;
}

