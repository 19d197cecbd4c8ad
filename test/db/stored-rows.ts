import { asc, desc, eq } from "drizzle-orm";
import type { AppDatabase } from "../../src/db/connection.js";
import { entryMap, inbox, reconcileRuns, type EntryMapping, type InboxRow, type ReconcileRun } from "../../src/db/schema.js";

/*
 * Whole rows as the service stored them, for tests that check what was written. The service only asks
 * src/db/ the narrower questions it needs, so these reads live with the tests that need them.
 */

/** Every mapping of the pair, by source entry id. */
export function listEntryMappings({ db }: AppDatabase, pairId: string): EntryMapping[] {
  return db.select().from(entryMap).where(eq(entryMap.pairId, pairId)).orderBy(asc(entryMap.sourceEntryId)).all();
}

export function getInboxEvent({ db }: AppDatabase, id: number): InboxRow | undefined {
  return db.select().from(inbox).where(eq(inbox.id, id)).get();
}

/** Newest first, across all pairs unless one is given. */
export function listRecentReconcileRuns(
  { db }: AppDatabase,
  options: { pairId?: string; limit?: number } = {},
): ReconcileRun[] {
  return db
    .select()
    .from(reconcileRuns)
    .where(options.pairId === undefined ? undefined : eq(reconcileRuns.pairId, options.pairId))
    .orderBy(desc(reconcileRuns.startedAt), desc(reconcileRuns.id))
    .limit(options.limit ?? 20)
    .all();
}
