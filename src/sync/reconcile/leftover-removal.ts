import { destinationIdsOfOtherPairs, findEntryMappingByDestinationId, listMappingStates } from "../../db/entry-map.js";
import { listProjectMappings } from "../../db/project-map.js";
import type { Progress } from "../../observability/progress.js";
import { deleteDestination } from "../entries/destination-writes.js";
import type { WindowPlan } from "../entries/plan-window.js";
import type { PairRuntime } from "../pair-runtime.js";
import type { ProjectChange } from "../projects/plan.js";
import { findLeftovers, leftoverReport, listingAfter, mappingsAfter, type Leftover, type LeftoverReport } from "./leftovers.js";
import type { WindowListing } from "./listing.js";
import type { RunOptions } from "./summary.js";

export interface LeftoverOutcome {
  report: LeftoverReport;
  /** For the run's error: some leftovers could not be deleted. */
  failure?: string;
}

/**
 * The original tool's leftovers as the run leaves the window (a real run reads the map again: its own
 * writes changed it) and, for a real run with --remove-leftovers that is confirmed, their deletion.
 * Runs under the run's lease, after its writes.
 */
export async function handleLeftovers(
  runtime: PairRuntime,
  state: { listing: WindowListing; plan: WindowPlan; mappedElsewhere: ReadonlySet<string>; projectChanges: readonly ProjectChange[] },
  options: RunOptions & { dryRun: boolean },
  progress: Progress,
  /** Why the leftovers must stay this time (the guard stopped the run, a write failed), if they must. */
  keep: string | undefined,
): Promise<LeftoverOutcome> {
  const { database, pair } = runtime;
  const { listing, plan, dryRun } = { ...state, dryRun: options.dryRun };
  // A dry run maps (or creates the source project of) a destination project only on paper.
  const planned = dryRun ? state.projectChanges.filter((c) => c.kind === "map" || c.kind === "create") : [];
  const projects = [
    ...listProjectMappings(database, pair.id).map((p) => ({ id: p.destinationProjectId, name: p.name })),
    ...planned.map((c) => ({ id: c.destination.id, name: c.destination.name })),
  ];
  const members = await runtime.members();
  const found = findLeftovers({
    destinations: listingAfter(listing.destinations, plan.actions),
    mappings: dryRun ? mappingsAfter(listing.mappings, plan.actions) : new Map(listMappingStates(database, pair.id).map((m) => [m.sourceEntryId, m])),
    mappedElsewhere: dryRun ? state.mappedElsewhere : destinationIdsOfOtherPairs(database, pair.id),
    mirroredProjectIds: new Set(projects.map((p) => p.id)),
    memberDestinationUserIds: new Set(members.map((m) => m.destinationUserId)),
    keep: new Set(plan.actions.flatMap((a) => (a.kind === "adopt" ? [a.destinationId] : []))),
  });
  const requested = options.removeLeftovers === true;
  const report = leftoverReport(found, new Map(projects.map((p) => [p.id, p.name])), requested);
  if (found.length > 0) {
    runtime.logger.warn({ leftovers: found.length, hours: report.totalHours }, "destination entries look like leftovers of the original tool");
  }
  if (dryRun || !requested) return { report };
  if (found.length === 0) return { report: { ...report, removed: 0 } };
  if (keep !== undefined) return { report: { ...report, removed: 0, notRemoved: keep } };

  // The bar would draw over the question.
  progress.done();
  const confirmed = options.yes === true || (options.confirmLeftovers ? await options.confirmLeftovers(pair.id, report) : false);
  if (!confirmed) return { report: { ...report, removed: 0, notRemoved: "not confirmed (answer yes, or add --yes)" } };
  return removeLeftovers(runtime, found, report, progress);
}

async function removeLeftovers(runtime: PairRuntime, found: readonly Leftover[], report: LeftoverReport, progress: Progress): Promise<LeftoverOutcome> {
  const { database, pair, logger } = runtime;
  progress.phase("removing leftovers", found.length);
  // A webhook may have mapped one since the listing (adopted it as a copy): then it is no leftover.
  const elsewhere = destinationIdsOfOtherPairs(database, pair.id);
  let removed = 0;
  let failed = 0;
  let first: string | undefined;
  for (const leftover of found) {
    const id = leftover.destinationId;
    if (elsewhere.has(id) || findEntryMappingByDestinationId(database, pair.id, id)) continue;
    try {
      await deleteDestination(runtime, id);
      removed++;
      logger.info({ destinationEntryId: id, hours: leftover.hours }, "removed a leftover of the original tool");
    } catch (error) {
      failed++;
      first ??= error instanceof Error ? error.message : String(error);
      logger.error({ destinationEntryId: id, err: error }, "a leftover of the original tool could not be removed");
    }
    progress.advance();
  }
  return {
    report: { ...report, removed },
    ...(failed > 0 ? { failure: `${failed} leftover(s) could not be removed, the first: ${first ?? "unknown"}` } : {}),
  };
}
