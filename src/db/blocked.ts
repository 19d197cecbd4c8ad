import { sql } from "drizzle-orm";
import { now as clockNow } from "../clock.js";
import type { BlockedAction, BlockKind } from "./schema.js";
import { sqlList, type Store } from "./sql/executor.js";

export interface BlockedCopyInput {
  pairId: string;
  sourceEntryId: string;
  kind: BlockKind;
  action: BlockedAction;
  /** The entry's start in ms; null when unknown. */
  entryStartAt: number | null;
  message: string;
}

export interface BlockedCopy extends BlockedCopyInput {
  firstTriedAt: number;
  lastTriedAt: number;
  attempts: number;
}

/**
 * Records (or refreshes) a refused copy. The first try is kept across refusals, so the list says how
 * long the copy has waited; a known start is not overwritten by an unknown one.
 */
export async function recordBlocked({ exec }: Store, input: BlockedCopyInput, now: number = clockNow()): Promise<void> {
  const { pairId, sourceEntryId, kind, action, entryStartAt, message } = input;
  await exec.run(sql`
    insert into blocked_copies (pair_id, source_entry_id, kind, action, entry_start_at, message, first_tried_at, last_tried_at, attempts)
    values (${pairId}, ${sourceEntryId}, ${kind}, ${action}, ${entryStartAt}, ${message}, ${now}, ${now}, 1)
    on conflict (pair_id, source_entry_id) do update set
      kind = excluded.kind, action = excluded.action, entry_start_at = coalesce(excluded.entry_start_at, blocked_copies.entry_start_at),
      message = excluded.message, last_tried_at = excluded.last_tried_at, attempts = blocked_copies.attempts + 1`);
}

/** The copy went through (or is no longer wanted): forget it. Answers whether there was a record. */
export async function clearBlocked({ exec }: Store, pairId: string, sourceEntryId: string): Promise<boolean> {
  return (await exec.run(sql`delete from blocked_copies where pair_id = ${pairId} and source_entry_id = ${sourceEntryId}`)) > 0;
}

/** Blocked copies, oldest entry first (unknown dates last), optionally of some pairs only. */
export async function listBlocked({ exec }: Store, pairIds?: readonly string[]): Promise<BlockedCopy[]> {
  if (pairIds !== undefined && pairIds.length === 0) return [];
  const which = pairIds === undefined ? sql`` : sql`where pair_id in (${sqlList(pairIds)})`;
  return exec.all<BlockedCopy>(sql`
    select pair_id as "pairId", source_entry_id as "sourceEntryId", kind, action, entry_start_at as "entryStartAt", message,
      first_tried_at as "firstTriedAt", last_tried_at as "lastTriedAt", attempts
    from blocked_copies ${which}
    order by case when entry_start_at is null then 1 else 0 end, entry_start_at, source_entry_id`);
}

/** The blocked source entry ids of one pair, for a run that re-reads them. */
export async function blockedEntryIds({ exec }: Store, pairId: string): Promise<string[]> {
  const rows = await exec.all<{ id: string }>(sql`select source_entry_id as id from blocked_copies where pair_id = ${pairId}`);
  return rows.map((r) => r.id);
}
