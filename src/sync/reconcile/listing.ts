import type { HydratedTimeEntry, TimeEntry } from "../../clockify/schemas.js";
import { listMappingStates, type MappingState } from "../../db/entry-map.js";
import type { Progress } from "../../observability/progress.js";
import { sourceEntryFromApi } from "../source-entry.js";
import { createCompactor } from "../entries/compact.js";
import { fromDestination } from "../entries/mirrored-content.js";
import { unlistedMappedSources } from "../entries/plan-window.js";
import type { DestinationEntry, SourceEntry } from "../model.js";
import type { PairRuntime } from "../pair-runtime.js";

export interface WindowListing {
  sources: SourceEntry[];
  destinations: Map<string, DestinationEntry | null>;
  mappings: Map<string, MappingState>;
  goneSources: Set<string>;
}

/**
 * Both sides of the window, page by page and kept compact (a big run holds 100,000 entries at once),
 * then a read of each mapped copy's source entry that the listing did not show, to tell "gone" from
 * "moved out of the window".
 */
export async function listWindow(runtime: PairRuntime, window: { since: Date; until: Date }, progress: Progress): Promise<WindowListing> {
  const { pair } = runtime;
  const members = await runtime.members();
  const range = { start: window.since, end: window.until, pageSize: 5000 };
  const compact = createCompactor();
  const sources: SourceEntry[] = [];
  const destinations = new Map<string, DestinationEntry | null>();
  const keepSource = (e: HydratedTimeEntry) => compact.source(sourceEntryFromApi(e));
  const keepDestination = (e: TimeEntry) => [e.id, compact.destination(fromDestination(e))] as const;
  // One listing per member and side: Clockify lists entries per user.
  for (const [index, member] of members.entries()) {
    const of = members.length > 1 ? ` of ${member.field} (${index + 1}/${members.length})` : "";
    progress.phase(`listing source entries${of}`);
    for await (const page of runtime.source.hydratedTimeEntryPages(pair.source.workspaceId, member.sourceUserId, range, keepSource)) {
      for (const s of page) sources.push(s);
      progress.advance(page.length);
    }
    progress.phase(`listing destination entries${of}`);
    for await (const page of runtime.destination.timeEntryPages(pair.destination.workspaceId, member.destinationUserId, range, keepDestination)) {
      for (const [id, content] of page) destinations.set(id, content);
      progress.advance(page.length);
    }
  }

  const mappings = new Map(listMappingStates(runtime.database, pair.id).map((m) => [m.sourceEntryId, m]));
  const goneSources = new Set<string>();
  for (const id of unlistedMappedSources(mappings, new Set(sources.map((s) => s.id)), destinations)) {
    const current = await runtime.source.getHydratedTimeEntry(pair.source.workspaceId, id);
    if (current) sources.push(sourceEntryFromApi(current));
    else goneSources.add(id);
  }
  return { sources, destinations, mappings, goneSources };
}
