import type { RunCounts } from "../../db/runs.js";
import type { RunTrigger } from "../../db/schema.js";
import type { Progress } from "../../observability/progress.js";
import type { NameReport } from "../entries/lookup.js";
import type { WindowPlan } from "../entries/plan-window.js";
import { describeProjectConflict, type ProjectChange } from "../projects/plan.js";
import { describeLeftovers, type LeftoverReport } from "./leftovers.js";
import { formatMemberCounts, type MemberCounts } from "./member-counts.js";
import type { ProjectFailure } from "./projects.js";
import type { RunReads } from "./reads.js";

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
  /** Delete the original tool's leftovers after the run's writes (a dry run only lists them). */
  removeLeftovers?: boolean;
  /**
   * Asked before leftovers are deleted, under the run's lease; without it only `yes` allows the removal.
   * Not asked when `yes` is set.
   */
  confirmLeftovers?: (pairId: string, report: LeftoverReport) => Promise<boolean>;
  /** Where the run's listings come from: live (the default), or shared with the other pairs of a reconcileAll. */
  reads?: RunReads;
}

/** What a run did to entries: the recorded counts (runs table) plus the skipped ones, which are not stored. */
export type RunCountsSummary = Omit<RunCounts, "requests"> & {
  skipped: number;
  /**
   * Copies the destination refused for a locked period or an approved entry: recorded as blocked (see
   * `status`), not failed. In counts, not beside them, so the writers count them where they count the rest.
   */
  blocked?: number;
};

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
  /**
   * Tags and tasks ("project: task") the run created in the destination (a dry run: would create), and
   * those its entries carry that the copies went without (creation off, or refused). Absent when none.
   */
  tagsAndTasks?: NameReport;
  /** Project decisions that change something, conflicts included. */
  projects: ProjectChange[];
  /** Projects that could not be written or resolved: their entries wait, the others were reconciled. */
  projectFailures: ProjectFailure[];
  /** Clockify requests this run sent, retries included. */
  requests: number;
  durationMs: number;
  error?: string;
  /** The plan, for --dry-run output (a real run keeps its counts and its deletes, not every action). */
  plan?: WindowPlan;
  /** The plan per member of the pair (sync/reconcile/member-counts.ts); absent when the run stopped before planning. */
  members?: MemberCounts[];
  /** Entries that look like the original tool's leftovers (sync/reconcile/leftovers.ts). */
  leftovers?: LeftoverReport;
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
    ...(c.blocked ? [`blocked ${c.blocked} (locked period or approved entry: see status)`] : []),
    ...(c.skipped > 0 ? [`skipped ${c.skipped}${s.notCreatable ? ` (${s.notCreatable} time off/holiday: not creatable through the API)` : ""}`] : []),
  ];
  const changed = s.projects.filter((p) => p.kind !== "conflict").length;
  const projects = changed ? ` · ${changed} project change(s)` : "";
  const made = s.tagsAndTasks?.created;
  const names = made && made.tags.length + made.tasks.length > 0 ? ` · ${s.dryRun ? "would create" : "created"} ${made.tags.length} tag(s), ${made.tasks.length} task(s)` : "";
  const removed = s.leftovers?.removed === undefined ? "" : ` · leftovers removed ${s.leftovers.removed}`;
  const tail = ` · ${s.requests} API request(s) · ${(s.durationMs / 1000).toFixed(1)} s`;
  const notes = [
    // One member is the run itself; several get a line each.
    ...((s.members?.length ?? 0) > 1 ? (s.members ?? []).map((m) => `  ${formatMemberCounts(m)}`) : []),
    ...s.projects.flatMap((p) =>
      p.kind === "conflict" ? [`  project conflict: ${describeProjectConflict({ destinationName: p.destination.name, sourceName: p.sourceName })}`] : [],
    ),
    ...leftOffNotes(s.tagsAndTasks),
    ...s.projectFailures.map((f) => `  project "${f.project}" failed: ${f.error}`),
    ...describeLeftovers(s.leftovers, s.dryRun),
    ...(s.error ? [`  ${s.error}`] : []),
  ];
  return `${head} — ${parts.join(", ")}${projects}${names}${removed}${tail}${notes.map((n) => `\n${n}`).join("")}`;
}


function leftOffNotes(report: NameReport | undefined): string[] {
  const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(", ");
  const { tags = [], tasks = [] } = report?.leftOff ?? {};
  return [
    ...(tags.length > 0 ? [`  ${tags.length} tag(s) not in the destination, left off the copies: ${quoted(tags)}`] : []),
    ...(tasks.length > 0 ? [`  ${tasks.length} task(s) not in the destination, left off the copies: ${quoted(tasks)}`] : []),
  ];
}
