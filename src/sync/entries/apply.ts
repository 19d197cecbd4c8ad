import { ClockifyError } from "../../clockify/errors.js";
import type { TimeEntry } from "../../clockify/schemas.js";
import {
  completeEntryMapping,
  deleteEntryMapping,
  findEntryMappingByDestinationId,
  recordEntryIntent,
  setIntendedHash,
  tombstoneEntryMapping,
} from "../../db/entry-map.js";
import { now as clockNow } from "../../clock.js";
import type { DestinationEntry } from "../model.js";
import type { Outcome } from "../outcome.js";
import type { PairRuntime } from "../pair-runtime.js";
import { createDestination, deleteDestination, findOrphanNear, updateDestination } from "./destination-writes.js";
import { contentHash, fromDestination, toRequest } from "./mirrored-content.js";
import type { EntryAction } from "./plan-entry.js";

/**
 * Carries out one planned entry action with the fewest writes. The only place that writes entries to
 * Clockify; the caller holds the entry's lock. Every destination create is preceded by a durable intent
 * and followed by the map row, so a crash anywhere leaves a state the next attempt finishes without a
 * duplicate (an intent sends it looking for the orphan first).
 */
export async function applyEntryAction(runtime: PairRuntime, action: EntryAction): Promise<Outcome> {
  const { database, pair } = runtime;
  switch (action.kind) {
    case "skip":
      if (action.waitingFor !== undefined) return { kind: "parked", waitingFor: action.waitingFor };
      return { kind: action.outOfScope ? "absent" : "skipped", reason: action.reason };
    case "unchanged":
      if (action.storedHash !== action.hash) {
        await completeEntryMapping(database, { pairId: pair.id, sourceEntryId: action.sourceId, destinationEntryId: action.destinationId, contentHash: action.hash });
      }
      return { kind: "unchanged", counterpartId: action.destinationId };
    case "create":
      if (action.entry === null) return { kind: "skipped", reason: `project "${action.projectToCreate}" is not created in a dry run` };
      if (action.liftTombstone) await deleteEntryMapping(database, pair.id, action.sourceId);
      return createCopy(runtime, action.sourceId, action.entry, action.recover ?? null);
    case "update": {
      const updated = await updateDestination(runtime, action.destinationId, toRequest(action.entry));
      if (updated) {
        await completeEntryMapping(database, { pairId: pair.id, sourceEntryId: action.sourceId, destinationEntryId: updated.id, contentHash: contentHash(action.entry) });
        return { kind: "updated", counterpartId: updated.id };
      }
      // Someone deleted the copy in the destination: the source still says it should exist.
      await deleteEntryMapping(database, pair.id, action.sourceId);
      return createCopy(runtime, action.sourceId, action.entry, null);
    }
    case "adopt": {
      if (await findEntryMappingByDestinationId(database, pair.id, action.destinationId)) {
        return { kind: "skipped", reason: "the match was adopted by another entry" };
      }
      let destinationId = action.destinationId;
      if (action.rewrite) {
        const updated = await updateDestination(runtime, destinationId, toRequest(action.entry));
        if (!updated) return { kind: "skipped", reason: "the match is gone from the destination" };
        destinationId = updated.id;
      }
      await deleteEntryMapping(database, pair.id, action.sourceId);
      await completeEntryMapping(database, { pairId: pair.id, sourceEntryId: action.sourceId, destinationEntryId: destinationId, contentHash: contentHash(action.entry), origin: "adopted" });
      return { kind: "adopted", counterpartId: destinationId };
    }
    case "delete": {
      // Only the owner's entries are searched: the content hash leaves the owner out, and another member's
      // entry of the same meeting must never be taken for the orphan. Owner unknown: the pair's only member.
      const owners = action.destinationId === null && action.orphan ? await orphanOwners(runtime, action.orphan.owner) : [];
      const orphan = action.orphan && owners.length > 0 ? await findOrphanNear(runtime, owners, action.orphan.near, [action.orphan.hash]) : undefined;
      const destinationId = action.destinationId ?? orphan?.id ?? null;
      if (destinationId) await deleteDestination(runtime, destinationId);
      if (action.tombstone) await tombstoneEntryMapping(database, pair.id, action.sourceId);
      else await deleteEntryMapping(database, pair.id, action.sourceId);
      if (destinationId) return { kind: "deleted", counterpartId: destinationId };
      return { kind: "absent", reason: action.tombstone ? "was not mirrored" : action.reason };
    }
  }
}

async function orphanOwners(runtime: PairRuntime, owner: string | undefined): Promise<string[]> {
  if (owner !== undefined) return [owner];
  const members = await runtime.members();
  return members.length === 1 && members[0] ? [members[0].destinationUserId] : [];
}

async function createCopy(
  runtime: PairRuntime,
  sourceEntryId: string,
  entry: DestinationEntry,
  recover: { intentHash: string | null } | null,
): Promise<Outcome> {
  const { database, pair } = runtime;
  const hash = contentHash(entry);
  if (recover) {
    // A create was started and its answer never recorded: it may have happened. Find it before creating.
    const orphan = await findOrphanNear(runtime, [entry.userId], entry.start, [recover.intentHash, hash]);
    if (orphan) {
      const current = fromDestination(orphan);
      let destinationId = orphan.id;
      if (!current || contentHash(current) !== hash) {
        destinationId = (await updateDestination(runtime, orphan.id, toRequest(entry)))?.id ?? orphan.id;
      }
      await completeEntryMapping(database, { pairId: pair.id, sourceEntryId, destinationEntryId: destinationId, contentHash: hash });
      runtime.logger.info({ sourceEntryId, destinationId }, "recovered the copy of an interrupted create");
      return { kind: "adopted", counterpartId: destinationId };
    }
    await setIntendedHash(database, pair.id, sourceEntryId, hash);
  } else {
    await recordEntryIntent(database, pair.id, sourceEntryId, clockNow(), hash);
  }

  let created: TimeEntry;
  try {
    created = await createDestination(runtime, entry.userId, toRequest(entry));
  } catch (error) {
    // Refused outright (4xx, 429 on every attempt): nothing was created, so the intent must not send the
    // next attempt looking for an orphan, which could only find (and adopt) an entry made by hand.
    if (error instanceof ClockifyError && !error.mayHaveExecuted) await deleteEntryMapping(database, pair.id, sourceEntryId);
    throw error;
  }
  await completeEntryMapping(database, { pairId: pair.id, sourceEntryId, destinationEntryId: created.id, contentHash: hash });
  return { kind: "created", counterpartId: created.id };
}
