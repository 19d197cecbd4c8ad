import { destinationIdsOfOtherPairs, mappingStatePages, type MappingState } from "../../db/entry-map.js";
import { now as clockNow } from "../../clock.js";
import { silentProgress, type Progress } from "../../observability/progress.js";
import { desired } from "../entries/desired.js";
import { createLookupBuilder, scopeOf, type LookupBuilder } from "../entries/lookup.js";
import { NOT_CREATABLE, type EntryAction } from "../entries/plan-entry.js";
import { countActions, createWindowPlanner, type WindowPlan, type WindowPlanner } from "../entries/plan-window.js";
import { destinationUserOf } from "../members.js";
import type { SourceEntry } from "../model.js";
import type { PairRuntime } from "../pair-runtime.js";
import { sourceEntryFromApi } from "../source-entry.js";
import { applyActions } from "./apply-all.js";
import { emptyChanges, noteAction, type ListingAfter } from "./leftovers.js";
import { listWindow } from "./listing.js";
import { MappingIndex } from "./mapping-index.js";
import { memberTally, type MemberCounts } from "./member-counts.js";
import { liveReads } from "./reads.js";
import type { RunCountsSummary, RunOptions } from "./summary.js";

/** What the entries step leaves for the rest of the run: the deletes, the counts, and what leftovers need. */
export interface WindowStep {
  /** Counts and the guard's base; its actions are the whole plan in a dry run, the deletes in a real one. */
  plan: WindowPlan;
  deletes: EntryAction[];
  members: MemberCounts[];
  notCreatable: number;
  built: LookupBuilder;
  planner: WindowPlanner;
  after: ListingAfter;
  mappings: ReadonlyMap<string, MappingState>;
  mappedElsewhere: ReadonlySet<string>;
  adopted: Set<string>;
  listedAt: number;
  /** The first write that failed, for the run's error line. */
  firstFailure?: string;
}

/**
 * The entries of the window, source → destination, a page at a time: the destination side is listed
 * first and kept as the compact index the plan needs, then each source page is resolved (its projects,
 * tasks, tags), planned and, in a real run, its writes applied before the next page is read. Deletes wait
 * for the end (the mass-delete guard needs them all); the source side is never held whole.
 */
export async function reconcileWindow(
  runtime: PairRuntime,
  options: RunOptions & { dryRun: boolean },
  counts: RunCountsSummary,
  progress: Progress,
): Promise<WindowStep> {
  const { dryRun } = options;
  const reads = options.reads ?? liveReads;
  const startedAt = clockNow();
  const window = await listWindow(runtime, reads, options, progress);
  const listedAt = Math.min(startedAt, ...window.listedAt);
  const mappings = await MappingIndex.fromPages(mappingStatePages(runtime.database, runtime.pair.id));
  const mappedElsewhere = await destinationIdsOfOtherPairs(runtime.database, runtime.pair.id);
  const scope = await scopeOf(runtime);
  const built = createLookupBuilder(runtime, { projects: dryRun ? "look" : "ensure" });
  const planner = createWindowPlanner({
    destinations: window.destinations,
    mappings,
    mappedElsewhere,
    listedAt,
    decide: (entry) => desired(entry, built.lookup, scope),
    ownerOf: (entry) => destinationUserOf(scope.members, entry.userId),
    ...(scope.defaults.descriptionPrefix === undefined ? {} : { descriptionPrefix: scope.defaults.descriptionPrefix }),
  });
  const step = startStep(built, planner, window.destinations, mappings, mappedElsewhere, listedAt, scope.members);
  const plan = planPage(runtime, step, { ...options, concurrency: options.concurrency ?? 4 }, counts);
  for (const [index, listing] of window.sources.entries()) {
    progress.phase(`reconciling source entries${window.of(index)}`);
    for await (const page of listing) await plan(page);
  }
  // Mapped copies whose source entry the listing did not show: gone, or moved out of the window.
  const gone = new Set<string>();
  for (const id of planner.unlisted()) {
    const current = await runtime.source.getHydratedTimeEntry(runtime.pair.source.workspaceId, id);
    if (current) await plan([sourceEntryFromApi(current)]);
    else gone.add(id);
  }
  for (const action of planner.gone(gone)) step.keep(action);
  return step.finish(dryRun);
}

type Step = ReturnType<typeof startStep>;

function startStep(
  built: LookupBuilder,
  planner: WindowPlanner,
  destinations: WindowStep["after"]["listed"],
  mappings: WindowStep["mappings"],
  mappedElsewhere: ReadonlySet<string>,
  listedAt: number,
  members: Parameters<typeof memberTally>[0],
) {
  const tally = memberTally(members);
  const after = emptyChanges(destinations);
  const adopted = new Set<string>();
  const kept: EntryAction[] = [];
  const kinds = countActions([]);
  let notCreatable = 0;
  let firstFailure: string | undefined;
  /** Notes one planned action: counts, the member's counts, what it does to the listing. */
  const note = (action: EntryAction, source?: SourceEntry): void => {
    kinds[action.kind]++;
    if (source) tally.add(source.userId, action);
    if (action.kind === "skip" && action.reason === NOT_CREATABLE) notCreatable++;
    if (action.kind === "adopt") adopted.add(action.destinationId);
    noteAction(after, action);
  };
  return {
    built,
    planner,
    listedAt,
    note,
    keep(action: EntryAction): void {
      note(action);
      kept.push(action);
    },
    kept,
    failed(message: string | undefined): void {
      firstFailure ??= message;
    },
    finish(dryRun: boolean): WindowStep {
      const deletes = kept.filter((a) => a.kind === "delete");
      return {
        plan: { actions: dryRun ? kept : deletes, counts: kinds, mappedInWindow: planner.mappedInWindow() },
        ...{ deletes, members: tally.rows(), notCreatable, built, planner, after, mappings, mappedElsewhere, adopted, listedAt },
        ...(firstFailure === undefined ? {} : { firstFailure }),
      };
    },
  };
}

/**
 * One page: resolve what it names, plan each entry, keep what later steps need (a dry run all of it, a
 * real run its deletes), count what needs no write, and apply the rest before the next page.
 */
function planPage(runtime: PairRuntime, step: Step, options: { dryRun: boolean; concurrency: number }, counts: RunCountsSummary) {
  // An unchanged copy whose map already holds its hash, and a skip, need no lock and no write: counted
  // here, they keep a 100,000-entry run from queueing 100,000 no-op tasks.
  const settled = (a: EntryAction) => a.kind === "skip" || (a.kind === "unchanged" && a.storedHash === a.hash);
  return async (page: readonly SourceEntry[]): Promise<void> => {
    await step.built.add(page);
    // A slice at a time: the planned copies of a 5,000-entry page, held while written, would outlive
    // the young generation and pile up in the old one.
    for (let from = 0; from < page.length; from += SLICE) {
      const writes: EntryAction[] = [];
      for (const source of page.slice(from, from + SLICE)) {
        const action = step.planner.plan(source);
        if (!action) continue;
        step.note(action, source);
        if (options.dryRun || action.kind === "delete") step.kept.push(action);
        else if (settled(action)) counts[action.kind === "skip" ? "skipped" : "unchanged"]++;
        else writes.push(action);
      }
      if (writes.length > 0) step.failed(await applyActions(runtime, writes, step.listedAt, options.concurrency, counts, silentProgress));
    }
  };
}

const SLICE = 500;
