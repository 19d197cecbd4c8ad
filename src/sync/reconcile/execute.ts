import type { Progress } from "../../observability/progress.js";
import { massDeleteLimit, type WindowPlan } from "../entries/plan-window.js";
import type { PairRuntime } from "../pair-runtime.js";
import { applyActions, retryBlockedNotPlanned } from "./apply-all.js";
import { handleLeftovers } from "./leftover-removal.js";
import { reconcileProjects, type ProjectFailure } from "./projects.js";
import type { RunCountsSummary, RunOptions, RunSummary } from "./summary.js";
import { reconcileWindow } from "./window.js";

type Finish = (outcome: RunSummary["outcome"], extra?: Partial<RunSummary>) => RunSummary;

/** The steps of one run: projects, then the entries page by page, then deletes, blocked copies, leftovers. */
export async function execute(
  runtime: PairRuntime,
  options: RunOptions & { dryRun: boolean },
  counts: RunCountsSummary,
  progress: Progress,
  finish: Finish,
): Promise<RunSummary> {
  const { dryRun } = options;
  progress.phase("projects");
  const projects = await reconcileProjects(runtime, dryRun, options.reads);
  const step = await reconcileWindow(runtime, options, counts, progress);
  const { plan, built } = step;
  const projectFailures: ProjectFailure[] = [
    ...projects.failures,
    ...built.problems.map((p) => ({ project: p.project, error: p.error instanceof Error ? p.error.message : String(p.error) })),
  ];
  for (const p of built.problems) runtime.logger.error({ project: p.project, err: p.error }, "destination project could not be resolved; its entries wait");
  const { names } = built;
  const namesSeen = [names.created, names.leftOff].some((n) => n.tags.length + n.tasks.length > 0);
  const reported = {
    plan,
    members: step.members,
    projects: projects.changes,
    projectFailures,
    ...(step.notCreatable > 0 ? { notCreatable: step.notCreatable } : {}),
    ...(namesSeen ? { tagsAndTasks: names } : {}),
  };
  const limit = massDeleteLimit(plan.mappedInWindow);
  const guardTripped = plan.counts.delete > limit && !options.yes;
  const guardError =
    `stopped before deleting: the run would delete ${plan.counts.delete} entries, more than ${limit} ` +
    `(max of 10 and 20% of the ${plan.mappedInWindow} mapped entries in the window); run with --yes to allow it`;
  const leftoverState = { ...step, projectChanges: projects.changes, ...(dryRun ? { dryRunActions: plan.actions } : {}) };
  const leftovers = (keep: string | undefined) => handleLeftovers(runtime, leftoverState, options, progress, keep);
  if (dryRun) {
    countPlanned(plan, counts, guardTripped);
    const { report } = await leftovers("a dry run deletes nothing");
    return finish(guardTripped ? "aborted" : "succeeded", { ...reported, leftovers: report, ...(guardTripped ? { error: guardError } : {}) });
  }

  // Everything but deletes went as the pages came; deletes go last, unless the guard stops them.
  let firstFailure = step.firstFailure;
  if (guardTripped) return finish("aborted", { ...reported, leftovers: (await leftovers("the run stopped before its deletes")).report, error: guardError });
  progress.phase("applying deletes", step.deletes.length);
  // Each step runs whatever failed before it; only the first failure is kept for the error line.
  const deleteFailure = await applyActions(runtime, step.deletes, step.listedAt, options.concurrency ?? 4, counts, progress);
  firstFailure ??= deleteFailure;
  // Blocked copies the window no longer holds (a lock on last month): read again, applied once it lifts.
  const blockedFailure = await retryBlockedNotPlanned(runtime, step.planner.planned, counts);
  firstFailure ??= blockedFailure;
  // Leftovers are judged against where the copies are after the writes: only when every write went through.
  const writesFailed = counts.failed > 0 || (counts.blocked ?? 0) > 0;
  const removal = await leftovers(writesFailed ? "some changes did not go through, so the copies may not be where the listing puts them" : undefined);
  // The first of each kind in full: one refusal usually stands for all (a key without the right, a lock).
  const [firstProject] = projectFailures;
  const problemsSeen = [
    ...(counts.failed > 0 ? [`${counts.failed} change(s) failed (see the log), the first: ${firstFailure ?? "unknown"}`] : []),
    ...(firstProject ? [`${projectFailures.length} project(s) failed and their entries wait, the first ("${firstProject.project}"): ${firstProject.error}`] : []),
    ...(removal.failure ? [removal.failure] : []),
  ];
  return finish(problemsSeen.length > 0 ? "failed" : "succeeded", {
    ...reported,
    leftovers: removal.report,
    ...(problemsSeen.length > 0 ? { error: problemsSeen.join("; ") } : {}),
  });
}

/** What the real run with the same flags would do: with the guard tripped, everything but the deletes. */
function countPlanned(plan: WindowPlan, counts: RunCountsSummary, guardTripped: boolean): void {
  counts.created = plan.counts.create;
  counts.updated = plan.counts.update;
  counts.deleted = guardTripped ? 0 : plan.counts.delete;
  counts.adopted = plan.counts.adopt;
  counts.unchanged = plan.counts.unchanged;
  counts.skipped = plan.counts.skip;
}
