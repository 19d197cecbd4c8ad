import { appliedHistory, type ClaimedEntity } from "../db/inbox.js";
import { getEntryMapping } from "../db/entry-map.js";
import { now as clockNow } from "../clock.js";
import { mirrorSourceDeletion, mirrorSourceEntry } from "../sync/entries/mirror.js";
import { mirrorSplitParts } from "../sync/entries/split.js";
import type { Outcome } from "../sync/outcome.js";
import type { PairRuntime } from "../sync/pair-runtime.js";
import { applyProjectEvent } from "../sync/projects/events.js";
import { sourceEntryFromApi } from "../sync/source-entry.js";
import { planEntryEvents } from "./coalesce.js";
import { decodeEntryRow, decodeProjectRow } from "./decode-row.js";

/** What the worker does with one claimed entity's events: the entry's walk (coalesced with its recent history) or the project's. */

/** An entry's pending events, with its events applied within `historyWindowMs`, planned as one change. */
export async function applyEntryEvents(runtime: PairRuntime, entity: ClaimedEntity, historyWindowMs: number): Promise<Outcome> {
  const { database } = runtime;
  const batch = entity.rows.map(decodeEntryRow);
  const since = clockNow() - historyWindowMs;
  const history = (await appliedHistory(database, entity.pairId, entity.entityId, since, entity.rows.map((r) => r.id))).map(decodeEntryRow);
  const tombstoned = (await getEntryMapping(database, entity.pairId, entity.entityId))?.state === "tombstone";
  const plan = planEntryEvents(batch, history, tombstoned);
  const hint = { start: batch.map((e) => e.entry?.start).find((s) => s !== undefined), userId: batch.map((e) => e.entry?.userId).find((u) => u !== undefined) };
  switch (plan.kind) {
    case "apply":
      return mirrorSourceEntry(runtime, plan.entry);
    case "delete":
      return mirrorSourceDeletion(runtime, entity.entityId, hint);
    case "skip":
      return { kind: "skipped", reason: plan.why };
    case "read": {
      const current = await runtime.source.getHydratedTimeEntry(runtime.pair.source.workspaceId, entity.entityId);
      if (!current) return mirrorSourceDeletion(runtime, entity.entityId, hint);
      const outcome = await mirrorSourceEntry(runtime, sourceEntryFromApi(current), { confirmed: true });
      // A parked entry comes back with the same events, and the search for its new parts with it.
      if (plan.split && outcome.kind !== "parked") await mirrorSplitParts(runtime, sourceEntryFromApi(current));
      return outcome;
    }
  }
}

/** Project events carry the whole project; the newest one says all. */
export function applyProjectEvents(runtime: PairRuntime, entity: ClaimedEntity): Promise<Outcome> {
  const last = entity.rows[entity.rows.length - 1];
  if (!last) return Promise.resolve({ kind: "skipped", reason: "nothing to apply" });
  return applyProjectEvent(runtime, last.side, decodeProjectRow(last));
}
