import { destinationIdsOfOtherPairs } from "../../db/entry-map.js";
import type { Progress } from "../../observability/progress.js";
import { now as clockNow } from "../../clock.js";
import { desired } from "../entries/desired.js";
import { buildLookup, scopeOf } from "../entries/lookup.js";
import { NOT_CREATABLE, type EntryAction } from "../entries/plan-entry.js";
import { massDeleteLimit, planWindow, type WindowPlan } from "../entries/plan-window.js";
import type { PairRuntime } from "../pair-runtime.js";
import { applyActions, retryBlockedNotPlanned } from "./apply-all.js";
import { handleLeftovers } from "./leftover-removal.js";
import { listWindow } from "./listing.js";
import { countByMember } from "./member-counts.js";
import { destinationUserOf } from "../members.js";
import { reconcileProjects, type ProjectFailure } from "./projects.js";
import type { RunCountsSummary, RunOptions, RunSummary } from "./summary.js";

type Finish = (outcome: RunSummary["outcome"], extra?: Partial<RunSummary>) => RunSummary;

/** The steps of one run: projects, both listings, one lookup, the plan, then the writes. */
export async function execute(
  runtime: PairRuntime,
  options: RunOptions & { dryRun: boolean },
  counts: RunCountsSummary,
  progress: Progress,
  finish: Finish,
): Promise<RunSummary> {
  const { dryRun } = options;
  progress.phase("projects");
  const projects = await reconcileProjects(runtime, dryRun);

  const listedAt = clockNow();
  const listing = await listWindow(runtime, options, progress);
  const { lookup, problems, names } = await buildLookup(runtime, listing.sources, { projects: dryRun ? "look" : "ensure" });
  const projectFailures: ProjectFailure[] = [
    ...projects.failures,
    ...problems.map((p) => ({ project: p.project, error: p.error instanceof Error ? p.error.message : String(p.error) })),
  ];
  for (const p of problems) runtime.logger.error({ project: p.project, err: p.error }, "destination project could not be resolved; its entries wait");

  const scope = await scopeOf(runtime);
  const mappedElsewhere = destinationIdsOfOtherPairs(runtime.database, runtime.pair.id);
  const plan = planWindow({
    ...listing,
    mappedElsewhere,
    listedAt,
    decide: (entry) => desired(entry, lookup, scope),
    ownerOf: (entry) => destinationUserOf(scope.members, entry.userId),
    ...(scope.defaults.descriptionPrefix === undefined ? {} : { descriptionPrefix: scope.defaults.descriptionPrefix }),
  });
  const notCreatable = plan.actions.filter((a) => a.kind === "skip" && a.reason === NOT_CREATABLE).length;
  const namesSeen = [names.created, names.leftOff].some((n) => n.tags.length + n.tasks.length > 0);
  const reported = {
    plan,
    members: countByMember(scope.members, listing.sources, plan.actions),
    projects: projects.changes,
    projectFailures,
    ...(notCreatable > 0 ? { notCreatable } : {}),
    ...(namesSeen ? { tagsAndTasks: names } : {}),
  };
  const limit = massDeleteLimit(plan.mappedInWindow);
  const guardTripped = plan.counts.delete > limit && !options.yes;
  const guardError =
    `stopped before deleting: the run would delete ${plan.counts.delete} entries, more than ${limit} ` +
    `(max of 10 and 20% of the ${plan.mappedInWindow} mapped entries in the window); run with --yes to allow it`;
  const leftovers = (keep: string | undefined) => handleLeftovers(runtime, { listing, plan, mappedElsewhere, projectChanges: projects.changes }, options, progress, keep);
  if (dryRun) {
    countPlanned(plan, counts, guardTripped);
    const { report } = await leftovers("a dry run deletes nothing");
    return finish(guardTripped ? "aborted" : "succeeded", { ...reported, leftovers: report, ...(guardTripped ? { error: guardError } : {}) });
  }

  // Everything but deletes, then deletes unless the guard stops them. An unchanged copy whose map already
  // holds its hash, and a skip, need no lock and no write: counted here, they keep a 100,000-entry run
  // from queueing 100,000 no-op tasks.
  const settled = (a: EntryAction) => a.kind === "skip" || (a.kind === "unchanged" && a.storedHash === a.hash);
  for (const a of plan.actions) if (settled(a)) counts[a.kind === "skip" ? "skipped" : "unchanged"]++;
  const writes = plan.actions.filter((a) => a.kind !== "delete" && !settled(a));
  const deletes = plan.actions.filter((a) => a.kind === "delete");
  const concurrency = options.concurrency ?? 4;
  progress.phase("applying", writes.length + (guardTripped ? 0 : deletes.length));
  let firstFailure = await applyActions(runtime, writes, listedAt, concurrency, counts, progress);
  if (guardTripped) return finish("aborted", { ...reported, leftovers: (await leftovers("the run stopped before its deletes")).report, error: guardError });
  // Each step runs whatever failed before it; only the first failure is kept for the error line.
  const deleteFailure = await applyActions(runtime, deletes, listedAt, concurrency, counts, progress);
  firstFailure ??= deleteFailure;
  // Blocked copies the window no longer holds (a lock on last month): read again, applied once it lifts.
  const blockedFailure = await retryBlockedNotPlanned(runtime, plan.actions, counts);
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
