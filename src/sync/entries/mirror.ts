import { getEntryMapping } from "../../db/entry-map.js";
import type { SourceEntry } from "../model.js";
import type { Outcome } from "../outcome.js";
import { entryLockKey, type PairRuntime } from "../pair-runtime.js";
import { applyEntryAction } from "./apply.js";
import { desired } from "./desired.js";
import { buildLookup, scopeOf } from "./lookup.js";
import { planEntry, planSourceDeletion } from "./plan-entry.js";
import { destinationUserOf } from "../members.js";

const ownerField = (owner: string | undefined) => (owner === undefined ? {} : { owner });

/**
 * The webhook path for one source entry: under the entry's lock, desired → planEntry → apply, the same
 * decision and writer as a reconciliation. `confirmed` means the entry was just read from the source:
 * only then may a tombstone be lifted.
 */
export function mirrorSourceEntry(runtime: PairRuntime, entry: SourceEntry, options: { confirmed?: boolean } = {}): Promise<Outcome> {
  return runtime.locks.run(entryLockKey(runtime.pair.id, entry.id), async () => {
    const mapping = await getEntryMapping(runtime.database, runtime.pair.id, entry.id);
    // An unconfirmed event on a tombstoned entry is skipped by planEntry: no project or tag work for it.
    const skipped = mapping?.state === "tombstone" && !options.confirmed;
    const { lookup, problems } = await buildLookup(runtime, skipped ? [] : [entry], { projects: "ensure" });
    // One entry, one project: its problem is this event's failure (retried, then dead-lettered).
    if (problems[0]) throw problems[0].error;
    const scope = await scopeOf(runtime);
    const wanted = desired(entry, lookup, scope);
    if (wanted.kind === "mirror" && (wanted.missing.task || wanted.missing.tags.length > 0)) {
      runtime.logger.warn({ sourceEntryId: entry.id, missing: wanted.missing }, "task or tags not in the destination; left off");
    }
    const action = planEntry(entry.id, wanted, mapping, {
      confirmed: options.confirmed ?? false,
      start: entry.start,
      ...ownerField(destinationUserOf(scope.members, entry.userId)),
    });
    return applyEntryAction(runtime, action);
  });
}

/** The source deleted the entry: delete the copy and keep a tombstone so no late event brings it back. */
export function mirrorSourceDeletion(
  runtime: PairRuntime,
  sourceEntryId: string,
  hint: { start?: string | undefined; userId?: string | undefined } = {},
): Promise<Outcome> {
  return runtime.locks.run(entryLockKey(runtime.pair.id, sourceEntryId), async () => {
    const mapping = await getEntryMapping(runtime.database, runtime.pair.id, sourceEntryId);
    const owner = hint.userId === undefined ? undefined : destinationUserOf(await runtime.members(), hint.userId);
    // Another person's delete (webhooks cover the whole workspace when a member is given by email) is none
    // of the pair's business: no tombstone for an entry it never mirrors.
    if (hint.userId !== undefined && owner === undefined && !mapping) return { kind: "absent", reason: "other-user" };
    return applyEntryAction(runtime, planSourceDeletion(sourceEntryId, mapping, hint.start, owner));
  });
}
