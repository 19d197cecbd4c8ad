import { destinationIdsOfOtherPairs, findEntryMappingByDestinationId, type MappingState } from "../../db/entry-map.js";
import { listProjectMappings } from "../../db/project-map.js";
import type { Progress } from "../../observability/progress.js";
import { deleteDestination } from "../entries/destination-writes.js";
import type { EntryAction } from "../entries/plan-entry.js";
import type { PairRuntime } from "../pair-runtime.js";
import type { ProjectChange } from "../projects/plan.js";
import { findLeftovers, leftoverNeighbourhood, leftoverReport, mappingsAfter, type Leftover, type LeftoverReport, type ListingAfter } from "./leftovers.js";
import type { RunOptions } from "./summary.js";

export interface LeftoverOutcome {
  report: LeftoverReport;
  /** For the run's error: some leftovers could not be deleted. */
  failure?: string;
}

/** What the leftovers are judged from: the run's listing, its map, and what its plan does to them. */
export interface LeftoverState {
  after: ListingAfter;
  /** The map as the run began. */
  mappings: ReadonlyMap<string, MappingState>;
  mappedElsewhere: ReadonlySet<string>;
  /** Destination entries the run adopts (or would): a failed adoption must not turn its target into a leftover. */
  adopted: ReadonlySet<string>;
  projectChanges: readonly ProjectChange[];
  /** A dry run's plan: what it would adopt becomes a copy on paper. */
  dryRunActions?: readonly EntryAction[];
}

/**
 * The original tool's leftovers as the run leaves the window (a real run reads the map again: its own
 * writes changed it) and, for a real run with --remove-leftovers that is confirmed, their deletion.
 * Runs under the run's lease, after its writes.
 */
export async function handleLeftovers(
  runtime: PairRuntime,
  state: LeftoverState,
  options: RunOptions & { dryRun: boolean },
  progress: Progress,
  /** Why the leftovers must stay this time (the guard stopped the run, a write failed), if they must. */
  keep: string | undefined,
): Promise<LeftoverOutcome> {
  const { pair } = runtime;
  const { dryRun } = options;
  // A dry run maps (or creates the source project of) a destination project only on paper.
  const planned = dryRun ? state.projectChanges.filter((c) => c.kind === "map" || c.kind === "create") : [];
  const projects = [
    ...(await listProjectMappings(runtime.database, pair.id)).map((p) => ({ id: p.destinationProjectId, name: p.name })),
    ...planned.map((c) => ({ id: c.destination.id, name: c.destination.name })),
  ];
  const found = await leftoversOf(runtime, state, dryRun, new Set(projects.map((p) => p.id)));
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

/**
 * findLeftovers over the entries that could be leftovers and their possible twins only, with the map of
 * just those (a real run reads each again: its writes and the webhook worker's changed it).
 */
async function leftoversOf(runtime: PairRuntime, state: LeftoverState, dryRun: boolean, mirroredProjectIds: ReadonlySet<string>): Promise<Leftover[]> {
  const { database, pair } = runtime;
  const members = await runtime.members();
  const memberDestinationUserIds = new Set(members.map((m) => m.destinationUserId));
  const mappedElsewhere = dryRun ? state.mappedElsewhere : await destinationIdsOfOtherPairs(database, pair.id);
  const mappedHere = new Set<string>();
  for (const m of state.mappings.values()) if (m.destinationEntryId) mappedHere.add(m.destinationEntryId);
  const known = (id: string) => mappedHere.has(id) || mappedElsewhere.has(id) || state.adopted.has(id);
  // Mapped since the listing (a webhook's copy): looked up for the few candidates the run does not know.
  const mappedSince = new Set<string>();
  if (!dryRun) {
    for (const id of leftoverNeighbourhood(state.after, { mapped: known, mirroredProjectIds, memberDestinationUserIds }).keys()) {
      if (!known(id) && (await findEntryMappingByDestinationId(database, pair.id, id)) !== undefined) mappedSince.add(id);
    }
  }
  const mapped = (id: string) => known(id) || mappedSince.has(id);
  const near = leftoverNeighbourhood(state.after, { mapped, mirroredProjectIds, memberDestinationUserIds });
  const mappings = new Map<string, MappingState>();
  for (const id of near.keys()) {
    const mapping = dryRun ? undefined : await findEntryMappingByDestinationId(database, pair.id, id);
    if (mapping) mappings.set(mapping.sourceEntryId, mapping);
  }
  if (dryRun) {
    for (const m of state.mappings.values()) if (m.destinationEntryId && near.has(m.destinationEntryId)) mappings.set(m.sourceEntryId, m);
  }
  const adoptions = (state.dryRunActions ?? []).filter((a) => a.kind === "adopt" && near.has(a.destinationId));
  return findLeftovers({
    destinations: near,
    mappings: dryRun ? mappingsAfter(mappings, adoptions) : mappings,
    mappedElsewhere,
    mirroredProjectIds,
    memberDestinationUserIds,
    keep: state.adopted,
  });
}

async function removeLeftovers(runtime: PairRuntime, found: readonly Leftover[], report: LeftoverReport, progress: Progress): Promise<LeftoverOutcome> {
  const { database, pair, logger } = runtime;
  progress.phase("removing leftovers", found.length);
  // A webhook may have mapped one since the listing (adopted it as a copy): then it is no leftover.
  const elsewhere = await destinationIdsOfOtherPairs(database, pair.id);
  let removed = 0;
  let failed = 0;
  let first: string | undefined;
  for (const leftover of found) {
    const id = leftover.destinationId;
    if (elsewhere.has(id) || await findEntryMappingByDestinationId(database, pair.id, id)) continue;
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
