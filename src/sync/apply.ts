import { clockifyTime } from "../clockify/client.js";
import { ClockifyError, isNotFoundAnswer } from "../clockify/errors.js";
import type { TimeEntry, TimeEntryRequest } from "../clockify/schemas.js";
import {
  completeEntryMapping,
  deleteEntryMapping,
  findEntryMappingByDestinationId,
  getEntryMapping,
  recordEntryIntent,
  setIntendedHash,
  tombstoneEntryMapping,
} from "../db/entry-map.js";
import { findProjectMappingBySourceId } from "../db/project-map.js";
import type { EntryMapping } from "../db/schema.js";
import { contentHash, fromDestination, toRequest } from "./content.js";
import { desired, type Desired } from "./desired.js";
import type { PlannedAction } from "./plan.js";
import type { DestinationEntry, DestinationLookup, SourceEntry } from "./model.js";
import { entryLockKey, type PairRuntime } from "./pair-runtime.js";
import { ensureDestinationProject } from "./projects.js";
import { now as clockNow } from "../clock.js";

export type EntryOutcome =
  | { outcome: "created" | "updated" | "adopted"; destinationId: string }
  | { outcome: "unchanged"; destinationId: string }
  | { outcome: "deleted"; destinationId: string | null }
  | { outcome: "absent"; reason: string }
  /** In scope, but its project has no destination counterpart and the pair may not create one. */
  | { outcome: "parked"; waitingFor: string };

const DAY_MS = 86_400_000;

/**
 * Makes the destination hold what `desired` says for this source entry, with the fewest writes:
 * nothing when the stored hash matches, one PUT for a change, one POST for a new entry, one DELETE when
 * the entry left the pair's scope. The only place (with removeEntry) that writes entries to Clockify.
 * `confirmed` means the entry was just read from the source: only then may a tombstone be lifted.
 */
export function mirrorEntry(rt: PairRuntime, entry: SourceEntry, options: { confirmed?: boolean } = {}): Promise<EntryOutcome> {
  return rt.locks.run(entryLockKey(rt.pair.id, entry.id), async () => {
    let mapping = getEntryMapping(rt.database, rt.pair.id, entry.id);
    if (mapping?.state === "tombstone") {
      if (!options.confirmed) return { outcome: "absent", reason: "deleted in the source" };
      deleteEntryMapping(rt.database, rt.pair.id, entry.id);
      mapping = undefined;
    }

    const decision = await decide(rt, entry);
    if (decision.kind === "parked") return { outcome: "parked", waitingFor: decision.projectName };
    if (decision.kind === "absent") return removeCopy(rt, entry, mapping, decision.reason);
    if (decision.missing.task || decision.missing.tags.length > 0) {
      rt.logger.warn({ sourceEntryId: entry.id, missing: decision.missing }, "task or tags not in the destination; left off");
    }
    return writeCopy(rt, entry.id, decision.entry, mapping);
  });
}

/** Source entry deleted: delete the copy and keep a tombstone so no late event brings it back. */
export function removeEntry(
  rt: PairRuntime,
  sourceEntryId: string,
  hint: { start?: string | undefined } = {},
): Promise<EntryOutcome> {
  return rt.locks.run(entryLockKey(rt.pair.id, sourceEntryId), async () => {
    const mapping = getEntryMapping(rt.database, rt.pair.id, sourceEntryId);
    let destinationId: string | null = null;
    if (mapping?.state === "live" && mapping.destinationEntryId) {
      await deleteDestination(rt, mapping.destinationEntryId);
      destinationId = mapping.destinationEntryId;
    } else if (mapping?.state === "pending" && mapping.contentHash && hint.start) {
      // An interrupted create may have made a copy: find it by its content and delete it too.
      const orphan = await findOrphanNear(rt, hint.start, [mapping.contentHash]);
      if (orphan) {
        await deleteDestination(rt, orphan.id);
        destinationId = orphan.id;
      }
    }
    tombstoneEntryMapping(rt.database, rt.pair.id, sourceEntryId);
    return destinationId ? { outcome: "deleted", destinationId } : { outcome: "absent", reason: "was not mirrored" };
  });
}

export type ReconcileOutcome = "created" | "updated" | "adopted" | "deleted" | "unchanged" | "skipped";

/**
 * Carries out one planned reconciliation action. The plan was made from listings that may be seconds
 * old, so each action re-checks the map under the entry's lock: if the webhook worker got there first,
 * the action steps aside instead of writing twice.
 */
export function applyPlanned(rt: PairRuntime, action: PlannedAction, listedAt: number): Promise<ReconcileOutcome> {
  return rt.locks.run(entryLockKey(rt.pair.id, action.sourceId), async () => {
    const { database, pair } = rt;
    const mapping = getEntryMapping(database, pair.id, action.sourceId);
    const newerThanListing = mapping !== undefined && mapping.updatedAt >= listedAt;
    switch (action.kind) {
      case "create": {
        if (mapping?.state === "live" || (mapping?.state === "tombstone" && newerThanListing)) return "skipped";
        if (mapping?.state === "tombstone") deleteEntryMapping(database, pair.id, action.sourceId);
        const pending = mapping?.state === "pending" ? mapping : undefined;
        const outcome = await writeCopy(rt, action.sourceId, action.entry, pending);
        return outcome.outcome === "adopted" ? "adopted" : "created";
      }
      case "update": {
        if (mapping?.state !== "live" || mapping.destinationEntryId !== action.destinationId) return "skipped";
        // The destination differs from what the map says was written: write, whatever the stored hash.
        const outcome = await writeCopy(rt, action.sourceId, action.entry, { ...mapping, contentHash: null });
        return outcome.outcome === "created" ? "created" : "updated";
      }
      case "adopt": {
        if (mapping?.state === "live" || (mapping?.state === "tombstone" && newerThanListing)) return "skipped";
        if (findEntryMappingByDestinationId(database, pair.id, action.destinationId)) return "skipped";
        const hash = contentHash(action.entry);
        let destinationId = action.destinationId;
        if (action.rewrite) {
          const updated = await updateDestination(rt, destinationId, toRequest(action.entry));
          if (!updated) return "skipped";
          destinationId = updated.id;
        }
        if (mapping) deleteEntryMapping(database, pair.id, action.sourceId);
        completeEntryMapping(database, { pairId: pair.id, sourceEntryId: action.sourceId, destinationEntryId: destinationId, contentHash: hash, origin: "adopted" });
        return "adopted";
      }
      case "delete": {
        if (mapping?.state !== "live" || mapping.destinationEntryId !== action.destinationId) return "skipped";
        await deleteDestination(rt, action.destinationId);
        if (action.tombstone) tombstoneEntryMapping(database, pair.id, action.sourceId);
        else deleteEntryMapping(database, pair.id, action.sourceId);
        return "deleted";
      }
      case "unchanged": {
        if (mapping?.state === "live" && mapping.destinationEntryId === action.destinationId && mapping.contentHash !== action.hash) {
          completeEntryMapping(database, { pairId: pair.id, sourceEntryId: action.sourceId, destinationEntryId: action.destinationId, contentHash: action.hash });
        }
        return "unchanged";
      }
      case "skip":
        return "skipped";
    }
  });
}

type Decision =
  | Extract<Desired, { kind: "mirror" }>
  | Extract<Desired, { kind: "absent" }>
  | { kind: "parked"; projectName: string };

/** Asks `desired`, first resolving the destination project and the task and tag names it will need. */
async function decide(rt: PairRuntime, entry: SourceEntry): Promise<Decision> {
  const scope = { sourceUserId: rt.pair.source.userId, sourceClientId: rt.pair.source.clientId };
  const projectFor = (id: string) => findProjectMappingBySourceId(rt.database, rt.pair.id, id)?.destinationProjectId;
  const none: DestinationLookup = { projectFor, taskFor: () => undefined, tagFor: () => undefined };

  const first = desired(entry, none, scope);
  if (first.kind === "absent") return first;
  if (first.kind === "needs-project") {
    const project = await ensureDestinationProject(rt, { id: first.sourceProjectId, name: first.projectName });
    if (project.kind === "missing") return { kind: "parked", projectName: first.projectName };
  }
  const destinationProjectId = projectFor(entry.project?.id ?? "");
  const tags = new Map<string, string>();
  for (const name of entry.tagNames) {
    const id = await rt.destinationCatalog.tagId(name);
    if (id) tags.set(name, id);
  }
  const taskId =
    entry.taskName !== null && destinationProjectId
      ? await rt.destinationCatalog.taskId(destinationProjectId, entry.taskName)
      : undefined;
  const final = desired(
    entry,
    { projectFor, taskFor: () => taskId, tagFor: (name) => tags.get(name) },
    scope,
  );
  if (final.kind === "needs-project") throw new Error(`project ${final.projectName} still unmapped after mapping it`);
  return final;
}

async function writeCopy(
  rt: PairRuntime,
  sourceEntryId: string,
  entry: DestinationEntry,
  mapping: EntryMapping | undefined,
): Promise<EntryOutcome> {
  const hash = contentHash(entry);
  const { pair, database } = rt;
  if (mapping?.state === "live" && mapping.destinationEntryId) {
    if (mapping.contentHash === hash) return { outcome: "unchanged", destinationId: mapping.destinationEntryId };
    const updated = await updateDestination(rt, mapping.destinationEntryId, toRequest(entry));
    if (updated) {
      completeEntryMapping(database, { pairId: pair.id, sourceEntryId, destinationEntryId: updated.id, contentHash: hash });
      return { outcome: "updated", destinationId: updated.id };
    }
    // Someone deleted the copy in the destination: the source still says it should exist.
    deleteEntryMapping(database, pair.id, sourceEntryId);
    mapping = undefined;
  }

  if (mapping?.state === "pending") {
    // A create was started and its answer never recorded: it may have happened. Find it before creating.
    const orphan = await findOrphanNear(rt, entry.start, [mapping.contentHash, hash]);
    if (orphan) {
      const current = fromDestination(orphan);
      let destinationId = orphan.id;
      if (!current || contentHash(current) !== hash) {
        destinationId = (await updateDestination(rt, orphan.id, toRequest(entry)))?.id ?? orphan.id;
      }
      completeEntryMapping(database, { pairId: pair.id, sourceEntryId, destinationEntryId: destinationId, contentHash: hash });
      rt.logger.info({ sourceEntryId, destinationId }, "recovered the copy of an interrupted create");
      return { outcome: "adopted", destinationId };
    }
    setIntendedHash(database, pair.id, sourceEntryId, hash);
  } else {
    recordEntryIntent(database, pair.id, sourceEntryId, clockNow(), hash);
  }

  let created: TimeEntry;
  try {
    created = await createDestination(rt, toRequest(entry));
  } catch (error) {
    // Refused outright (4xx, 429 on every attempt): nothing was created, so the intent must not send the
    // next attempt looking for an orphan, which could only find (and adopt) an entry made by hand.
    if (error instanceof ClockifyError && !error.mayHaveExecuted) deleteEntryMapping(database, pair.id, sourceEntryId);
    throw error;
  }
  completeEntryMapping(database, { pairId: pair.id, sourceEntryId, destinationEntryId: created.id, contentHash: hash });
  return { outcome: "created", destinationId: created.id };
}

async function removeCopy(
  rt: PairRuntime,
  entry: SourceEntry,
  mapping: EntryMapping | undefined,
  reason: string,
): Promise<EntryOutcome> {
  if (!mapping) return { outcome: "absent", reason };
  let destinationId = mapping.state === "live" ? mapping.destinationEntryId : null;
  if (mapping.state === "pending" && mapping.contentHash) {
    // An interrupted create for an entry that has since left the scope: its copy must not linger.
    const orphan = await findOrphanNear(rt, entry.start, [mapping.contentHash]);
    destinationId = orphan?.id ?? null;
  }
  if (destinationId) await deleteDestination(rt, destinationId);
  deleteEntryMapping(rt.database, rt.pair.id, entry.id);
  return destinationId ? { outcome: "deleted", destinationId } : { outcome: "absent", reason };
}

/**
 * An unmapped destination entry of the pair's user whose content hashes to one of `hashes`, near `start`.
 * Content equality on project, start, end, description (and the rest of what is mirrored) is the only
 * link a lost create answer leaves behind. The window is generous because the entry may have been
 * edited between the interrupted create and now.
 */
async function findOrphanNear(rt: PairRuntime, start: string, hashes: Array<string | null>): Promise<TimeEntry | undefined> {
  const wanted = new Set(hashes.filter((h): h is string => h !== null));
  if (wanted.size === 0) return undefined;
  const at = Date.parse(start);
  const pages = rt.destination.timeEntryPages(rt.pair.destination.workspaceId, rt.pair.destination.userId, {
    start: clockifyTime(new Date(at - 2 * DAY_MS)),
    end: clockifyTime(new Date(at + 2 * DAY_MS)),
  });
  for await (const page of pages) {
    for (const candidate of page) {
      const content = fromDestination(candidate);
      if (!content || !wanted.has(contentHash(content))) continue;
      if (findEntryMappingByDestinationId(rt.database, rt.pair.id, candidate.id)) continue;
      return candidate;
    }
  }
  return undefined;
}

async function createDestination(rt: PairRuntime, body: TimeEntryRequest): Promise<TimeEntry> {
  const { workspaceId, userId } = rt.pair.destination;
  const owner = await rt.destinationKeyOwner();
  return owner === userId
    ? rt.destination.createTimeEntry(workspaceId, body)
    : rt.destination.createTimeEntryForUser(workspaceId, userId, body);
}

/** The updated entry, or undefined when the copy no longer exists in the destination. */
async function updateDestination(rt: PairRuntime, destinationId: string, body: TimeEntryRequest): Promise<TimeEntry | undefined> {
  const workspaceId = rt.pair.destination.workspaceId;
  try {
    return await rt.destination.updateTimeEntry(workspaceId, destinationId, body);
  } catch (error) {
    // 400/501 also means "invalid" (locked period, bad project): only a read tells a gone copy from a
    // refused change, and treating a refusal as "gone" would create a second copy.
    if (isNotFoundAnswer(error) && (await rt.destination.getTimeEntry(workspaceId, destinationId)) === null) {
      return undefined;
    }
    throw error;
  }
}

/** Already gone counts as deleted: the outcome the caller wanted. */
async function deleteDestination(rt: PairRuntime, destinationId: string): Promise<void> {
  try {
    await rt.destination.deleteTimeEntry(rt.pair.destination.workspaceId, destinationId);
  } catch (error) {
    if (!isNotFoundAnswer(error)) throw error;
  }
}
