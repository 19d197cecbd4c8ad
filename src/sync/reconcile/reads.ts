import type { ClockifyClient } from "../../clockify/client.js";
import type { HydratedTimeEntry, Project, TimeEntry } from "../../clockify/schemas.js";
import type { Progress } from "../../observability/progress.js";
import { createCompactor } from "../entries/compact.js";
import { fromDestination } from "../entries/mirrored-content.js";
import type { DestinationEntry, SourceEntry } from "../model.js";
import { DestinationIndex } from "./destination-index.js";
import type { PairRuntime } from "../pair-runtime.js";
import { sourceEntryFromApi } from "../source-entry.js";

export interface ListRange {
  start: Date;
  end: Date;
  pageSize: number;
}

/** A listing another pair's run made earlier says when it began: the plan must not take it for newer. */
export interface Listed<T> {
  value: T;
  listedAt?: number;
}

export type DestinationListing = ReadonlyMap<string, DestinationEntry | null>;

/**
 * What a run reads of Clockify before it plans. One pair's run reads it live (`liveReads`); `reconcileAll`
 * over several pairs reads each workspace's and user's share once (`shared-reads.ts`).
 */
export interface RunReads {
  /** The source workspace's projects; the pair keeps those of its client. */
  sourceProjects(runtime: PairRuntime): Promise<Project[]>;
  destinationProjects(runtime: PairRuntime): Promise<Project[]>;
  /** One source user's entries in the window, page by page as they arrive. */
  sourceEntries(runtime: PairRuntime, userId: string, range: ListRange, progress: Progress): Listed<AsyncIterable<SourceEntry[]>>;
  /** One destination user's entries in the window, as id → mirrored content. */
  destinationEntries(runtime: PairRuntime, userId: string, range: ListRange, progress: Progress): Promise<Listed<DestinationListing>>;
}

export const liveReads: RunReads = {
  sourceProjects: (runtime) => runtime.source.listProjects(runtime.pair.source.workspaceId, { clientIds: [runtime.pair.source.clientId] }),
  destinationProjects: (runtime) => runtime.destination.listProjects(runtime.pair.destination.workspaceId),
  sourceEntries: (runtime, userId, range, progress) => ({ value: listSourceEntries(runtime.source, runtime.pair.source.workspaceId, userId, range, progress) }),
  destinationEntries: async (runtime, userId, range, progress) => ({
    value: await listDestinationEntries(runtime.destination, runtime.pair.destination.workspaceId, userId, range, progress),
  }),
};

/** The source pages kept compact (shared strings), each handed on as it arrives. */
export async function* listSourceEntries(
  client: ClockifyClient,
  workspaceId: string,
  userId: string,
  range: ListRange,
  progress: Progress,
): AsyncGenerator<SourceEntry[]> {
  const compact = createCompactor();
  const keep = (e: HydratedTimeEntry) => compact.source(sourceEntryFromApi(e));
  for await (const page of client.hydratedTimeEntryPages(workspaceId, userId, range, keep)) {
    progress.advance(page.length);
    yield page;
  }
}

/** The destination side as the plan needs it: each entry's mirrored content (compact), by id. */
export async function listDestinationEntries(
  client: ClockifyClient,
  workspaceId: string,
  userId: string,
  range: ListRange,
  progress: Progress,
): Promise<DestinationIndex> {
  const entries = new DestinationIndex();
  // Straight into the index as each entry streams in: a page holds nothing but a count.
  const keep = (e: TimeEntry) => entries.set(e.id, fromDestination(e)) && 1;
  for await (const page of client.timeEntryPages(workspaceId, userId, range, keep)) progress.advance(page.length);
  return entries;
}
