import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { now as clockNow } from "../clock.js";
import type { AppDatabase } from "./connection.js";
import { blockedCopies, type BlockedAction, type BlockKind } from "./schema.js";

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
export async function recordBlocked({ db }: AppDatabase, input: BlockedCopyInput, now: number = clockNow()): Promise<void> {
  db.insert(blockedCopies)
    .values({ ...input, firstTriedAt: now, lastTriedAt: now, attempts: 1 })
    .onConflictDoUpdate({
      target: [blockedCopies.pairId, blockedCopies.sourceEntryId],
      set: {
        kind: input.kind,
        action: input.action,
        entryStartAt: input.entryStartAt ?? sql`${blockedCopies.entryStartAt}`,
        message: input.message,
        lastTriedAt: now,
        attempts: sql`${blockedCopies.attempts} + 1`,
      },
    })
    .run();
}

/** The copy went through (or is no longer wanted): forget it. Answers whether there was a record. */
export async function clearBlocked({ db }: AppDatabase, pairId: string, sourceEntryId: string): Promise<boolean> {
  const result = db
    .delete(blockedCopies)
    .where(and(eq(blockedCopies.pairId, pairId), eq(blockedCopies.sourceEntryId, sourceEntryId)))
    .run();
  return result.changes > 0;
}

/** Blocked copies, oldest entry first (unknown dates last), optionally of some pairs only. */
export async function listBlocked({ db }: AppDatabase, pairIds?: readonly string[]): Promise<BlockedCopy[]> {
  if (pairIds !== undefined && pairIds.length === 0) return [];
  const rows = db
    .select()
    .from(blockedCopies)
    .where(pairIds === undefined ? undefined : inArray(blockedCopies.pairId, [...pairIds]))
    .orderBy(sql`${blockedCopies.entryStartAt} is null`, asc(blockedCopies.entryStartAt), asc(blockedCopies.sourceEntryId))
    .all();
  return rows.map((row) => ({ ...row }));
}

/** The blocked source entry ids of one pair, for a run that re-reads them. */
export async function blockedEntryIds({ db }: AppDatabase, pairId: string): Promise<string[]> {
  return db
    .select({ id: blockedCopies.sourceEntryId })
    .from(blockedCopies)
    .where(eq(blockedCopies.pairId, pairId))
    .all()
    .map((r) => r.id);
}
