import { and, asc, eq, gte, inArray, isNotNull, ne } from "drizzle-orm";
import type { AppDatabase } from "./connection.js";
import { entryMap, type EntryMapping, type EntryOrigin } from "./schema.js";
import { now as clockNow } from "../clock.js";

export async function getEntryMapping({ db }: AppDatabase, pairId: string, sourceEntryId: string): Promise<EntryMapping | undefined> {
  return db
    .select()
    .from(entryMap)
    .where(and(eq(entryMap.pairId, pairId), eq(entryMap.sourceEntryId, sourceEntryId)))
    .get();
}

export interface RecordedIntent {
  mapping: EntryMapping;
  /**
   * False when a row already existed. If that row is still pending, an earlier create may have reached
   * Clockify before the process died, so the caller should look for that entry before creating again.
   */
  inserted: boolean;
}

/**
 * Writes the durable intent (a pending row with no destination id) before a destination create, so a
 * crash between the create and `completeEntryMapping` leaves a trace instead of a duplicate next time.
 * An existing row, in any state, is left as it is.
 */
export async function recordEntryIntent(
  app: AppDatabase,
  pairId: string,
  sourceEntryId: string,
  now: number = clockNow(),
  /** Hash of the content about to be created: how recovery recognises the orphan of a lost answer. */
  intendedHash: string | null = null,
): Promise<RecordedIntent> {
  return app.db.transaction((tx) => {
    const result = tx
      .insert(entryMap)
      .values({
        pairId,
        sourceEntryId,
        destinationEntryId: null,
        contentHash: intendedHash,
        state: "pending",
        origin: "created",
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .run();
    const mapping = tx
      .select()
      .from(entryMap)
      .where(and(eq(entryMap.pairId, pairId), eq(entryMap.sourceEntryId, sourceEntryId)))
      .get();
    if (!mapping) throw new Error(`entry_map row for ${pairId}/${sourceEntryId} vanished inside a transaction`);
    return { mapping, inserted: result.changes > 0 };
  });
}

export interface CompletedEntry {
  pairId: string;
  sourceEntryId: string;
  destinationEntryId: string;
  contentHash: string;
  /**
   * Only used when no row exists yet (default "created"): "adopted" when an existing destination entry
   * was matched instead of created. An existing row keeps its origin, so later updates can't relabel it.
   */
  origin?: EntryOrigin;
}

/**
 * Marks the entry live with its destination id and the hash of what was written. Also the call after
 * each later update of the destination entry, to store the new hash.
 */
export async function completeEntryMapping(
  { db }: AppDatabase,
  entry: CompletedEntry,
  now: number = clockNow(),
): Promise<EntryMapping> {
  return db
    .insert(entryMap)
    .values({
      pairId: entry.pairId,
      sourceEntryId: entry.sourceEntryId,
      destinationEntryId: entry.destinationEntryId,
      contentHash: entry.contentHash,
      state: "live",
      origin: entry.origin ?? "created",
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [entryMap.pairId, entryMap.sourceEntryId],
      set: {
        destinationEntryId: entry.destinationEntryId,
        contentHash: entry.contentHash,
        state: "live",
        updatedAt: now,
      },
    })
    .returning()
    .get();
}

/** Re-aims a still-pending intent at new content before another create attempt. */
export async function setIntendedHash(
  { db }: AppDatabase,
  pairId: string,
  sourceEntryId: string,
  intendedHash: string,
  now: number = clockNow(),
): Promise<void> {
  db.update(entryMap)
    .set({ contentHash: intendedHash, updatedAt: now })
    .where(
      and(eq(entryMap.pairId, pairId), eq(entryMap.sourceEntryId, sourceEntryId), eq(entryMap.state, "pending")),
    )
    .run();
}

/**
 * Marks the source entry as deleted, creating the row when the entry was never mapped (a delete that
 * arrives before its create must still stop the create). The destination id stays, so a late or
 * redelivered event for either side still finds the row and is recognised as already handled.
 */
export async function tombstoneEntryMapping(
  { db }: AppDatabase,
  pairId: string,
  sourceEntryId: string,
  now: number = clockNow(),
): Promise<EntryMapping> {
  return db
    .insert(entryMap)
    .values({
      pairId,
      sourceEntryId,
      destinationEntryId: null,
      contentHash: null,
      state: "tombstone",
      origin: "created",
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [entryMap.pairId, entryMap.sourceEntryId],
      set: { state: "tombstone", updatedAt: now },
    })
    .returning()
    .get();
}

export async function findEntryMappingByDestinationId(
  { db }: AppDatabase,
  pairId: string,
  destinationEntryId: string,
): Promise<EntryMapping | undefined> {
  return db
    .select()
    .from(entryMap)
    .where(and(eq(entryMap.pairId, pairId), eq(entryMap.destinationEntryId, destinationEntryId)))
    .orderBy(asc(entryMap.sourceEntryId))
    .get();
}

/** What a reconciliation plan needs of a mapping. */
export type MappingState = Pick<EntryMapping, "sourceEntryId" | "destinationEntryId" | "contentHash" | "state" | "updatedAt">;

/**
 * The pair's mappings with only the columns a plan reads: a big run holds all of them at once, and the
 * other columns were a quarter of that memory.
 */
export async function listMappingStates({ db }: AppDatabase, pairId: string): Promise<MappingState[]> {
  return db
    .select({
      sourceEntryId: entryMap.sourceEntryId,
      destinationEntryId: entryMap.destinationEntryId,
      contentHash: entryMap.contentHash,
      state: entryMap.state,
      updatedAt: entryMap.updatedAt,
    })
    .from(entryMap)
    .where(eq(entryMap.pairId, pairId))
    .all();
}

/**
 * The pair's map row by row, for a run that keeps it in a compact form of its own: 100,000 rows read
 * at once are a passing 36 MB of objects (see BENCHMARKS.md, reconciliation).
 */
export function iterateMappingStates({ sqlite }: AppDatabase, pairId: string): IterableIterator<MappingState> {
  // drizzle's SQLite select has no iterate(): better-sqlite3's statement streams the rows.
  return sqlite
    .prepare<[string], MappingState>(
      "select source_entry_id as sourceEntryId, destination_entry_id as destinationEntryId, content_hash as contentHash, " +
        "state, updated_at as updatedAt from entry_map where pair_id = ?",
    )
    .iterate(pairId);
}

/** Returns whether a mapping was removed. */
export async function deleteEntryMapping({ db }: AppDatabase, pairId: string, sourceEntryId: string): Promise<boolean> {
  const result = db
    .delete(entryMap)
    .where(and(eq(entryMap.pairId, pairId), eq(entryMap.sourceEntryId, sourceEntryId)))
    .run();
  return result.changes > 0;
}

/** Destination entries other pairs mirror into a shared destination: never adopted by this pair. */
export async function destinationIdsOfOtherPairs({ db }: AppDatabase, pairId: string): Promise<Set<string>> {
  const rows = db
    .select({ id: entryMap.destinationEntryId })
    .from(entryMap)
    .where(and(ne(entryMap.pairId, pairId), isNotNull(entryMap.destinationEntryId)))
    .all();
  return new Set(rows.flatMap((r) => (r.id ? [r.id] : [])));
}

/** Source entries the pairs first mapped at or after `since` (epoch ms), and when (one scan per pair: a restart's question, asked once). */
export async function entriesMappedSince({ db }: AppDatabase, pairIds: readonly string[], since: number): Promise<{ sourceEntryId: string; createdAt: number }[]> {
  if (pairIds.length === 0) return [];
  return db
    .select({ sourceEntryId: entryMap.sourceEntryId, createdAt: entryMap.createdAt })
    .from(entryMap)
    .where(and(inArray(entryMap.pairId, [...pairIds]), gte(entryMap.createdAt, since)))
    .all();
}
