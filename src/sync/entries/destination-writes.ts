import { clockifyTime } from "../../clockify/time-entries.js";
import { isNotFoundAnswer } from "../../clockify/errors.js";
import type { TimeEntry, TimeEntryRequest } from "../../clockify/schemas.js";
import { findEntryMappingByDestinationId } from "../../db/entry-map.js";
import type { PairRuntime } from "../pair-runtime.js";
import { contentHash, fromDestination } from "./mirrored-content.js";

const DAY_MS = 86_400_000;

/** The calls the entry writer makes to the destination: each knows what an answer means for the mirror. */
export async function createDestination(runtime: PairRuntime, userId: string, body: TimeEntryRequest): Promise<TimeEntry> {
  const { workspaceId } = runtime.pair.destination;
  const owner = await runtime.destinationKeyOwner();
  return owner === userId
    ? runtime.destination.createTimeEntry(workspaceId, body)
    : runtime.destination.createTimeEntryForUser(workspaceId, userId, body);
}

/** The updated entry, or undefined when the copy no longer exists in the destination. */
export async function updateDestination(runtime: PairRuntime, destinationId: string, body: TimeEntryRequest): Promise<TimeEntry | undefined> {
  const workspaceId = runtime.pair.destination.workspaceId;
  try {
    // A PUT resets what it omits (API-NOTES §8), but for `type` that is unverified live: a break edited back
    // into work says REGULAR, so it cannot stay a break.
    return await runtime.destination.updateTimeEntry(workspaceId, destinationId, { type: "REGULAR", ...body });
  } catch (error) {
    // 400/501 also means "invalid" (locked period, bad project): only a read tells a gone copy from a
    // refused change, and treating a refusal as "gone" would create a second copy.
    if (isNotFoundAnswer(error) && (await runtime.destination.getTimeEntry(workspaceId, destinationId)) === null) {
      return undefined;
    }
    throw error;
  }
}

/** Already gone counts as deleted: the outcome the caller wanted. */
export async function deleteDestination(runtime: PairRuntime, destinationId: string): Promise<void> {
  try {
    await runtime.destination.deleteTimeEntry(runtime.pair.destination.workspaceId, destinationId);
  } catch (error) {
    if (!isNotFoundAnswer(error)) throw error;
  }
}

/**
 * An unmapped destination entry of that destination user whose content hashes to one of `hashes`, near `start`.
 * Content equality on project, start, end, description (and the rest of what is mirrored) is the only
 * link a lost create answer leaves behind. The window is generous because the entry may have been
 * edited between the interrupted create and now.
 */
export async function findOrphanNear(
  runtime: PairRuntime,
  owners: readonly string[],
  start: string,
  hashes: Array<string | null>,
): Promise<TimeEntry | undefined> {
  const wanted = new Set(hashes.filter((h): h is string => h !== null));
  if (wanted.size === 0) return undefined;
  const at = Date.parse(start);
  for (const owner of new Set(owners)) {
    const pages = runtime.destination.timeEntryPages(runtime.pair.destination.workspaceId, owner, {
      start: clockifyTime(new Date(at - 2 * DAY_MS)),
      end: clockifyTime(new Date(at + 2 * DAY_MS)),
    });
    for await (const page of pages) {
      for (const candidate of page) {
        const content = fromDestination(candidate);
        if (!content || !wanted.has(contentHash(content))) continue;
        if (await findEntryMappingByDestinationId(runtime.database, runtime.pair.id, candidate.id)) continue;
        return candidate;
      }
    }
  }
  return undefined;
}
