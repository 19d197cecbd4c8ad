import { sql } from "drizzle-orm";
import type { EntryMapping, EntryOrigin } from "./schema.js";
import { sqlList, type Store } from "./sql/executor.js";
import { now as clockNow } from "../clock.js";

const COLUMNS = sql.raw(
  `pair_id as "pairId", source_entry_id as "sourceEntryId", destination_entry_id as "destinationEntryId", content_hash as "contentHash", ` +
    `state, origin, created_at as "createdAt", updated_at as "updatedAt"`,
);

export function getEntryMapping({ exec }: Store, pairId: string, sourceEntryId: string): Promise<EntryMapping | undefined> {
  return exec.get(sql`select ${COLUMNS} from entry_map where pair_id = ${pairId} and source_entry_id = ${sourceEntryId}`);
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
 * An existing row, in any state, is left as it is. Two statements: the insert says whether it wrote,
 * the read returns the row either way (a mapping row is never deleted while its entry is being written:
 * the writer holds the entry's lock).
 */
export async function recordEntryIntent(
  store: Store,
  pairId: string,
  sourceEntryId: string,
  now: number = clockNow(),
  /** Hash of the content about to be created: how recovery recognises the orphan of a lost answer. */
  intendedHash: string | null = null,
): Promise<RecordedIntent> {
  const inserted = await store.exec.run(sql`
    insert into entry_map (pair_id, source_entry_id, destination_entry_id, content_hash, state, origin, created_at, updated_at)
    values (${pairId}, ${sourceEntryId}, null, ${intendedHash}, 'pending', 'created', ${now}, ${now})
    on conflict (pair_id, source_entry_id) do nothing`);
  const mapping = await getEntryMapping(store, pairId, sourceEntryId);
  if (!mapping) throw new Error(`entry_map row for ${pairId}/${sourceEntryId} vanished after its intent was written`);
  return { mapping, inserted: inserted > 0 };
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
export async function completeEntryMapping({ exec }: Store, entry: CompletedEntry, now: number = clockNow()): Promise<EntryMapping> {
  const row = await exec.get<EntryMapping>(sql`
    insert into entry_map (pair_id, source_entry_id, destination_entry_id, content_hash, state, origin, created_at, updated_at)
    values (${entry.pairId}, ${entry.sourceEntryId}, ${entry.destinationEntryId}, ${entry.contentHash}, 'live', ${entry.origin ?? "created"}, ${now}, ${now})
    on conflict (pair_id, source_entry_id) do update set destination_entry_id = excluded.destination_entry_id,
      content_hash = excluded.content_hash, state = 'live', updated_at = excluded.updated_at
    returning ${COLUMNS}`);
  if (!row) throw new Error("completing an entry mapping returned no row");
  return row;
}

/** Re-aims a still-pending intent at new content before another create attempt. */
export async function setIntendedHash({ exec }: Store, pairId: string, sourceEntryId: string, intendedHash: string, now: number = clockNow()): Promise<void> {
  await exec.run(sql`
    update entry_map set content_hash = ${intendedHash}, updated_at = ${now}
    where pair_id = ${pairId} and source_entry_id = ${sourceEntryId} and state = 'pending'`);
}

/**
 * Marks the source entry as deleted, creating the row when the entry was never mapped (a delete that
 * arrives before its create must still stop the create). The destination id stays, so a late or
 * redelivered event for either side still finds the row and is recognised as already handled.
 */
export async function tombstoneEntryMapping({ exec }: Store, pairId: string, sourceEntryId: string, now: number = clockNow()): Promise<EntryMapping> {
  const row = await exec.get<EntryMapping>(sql`
    insert into entry_map (pair_id, source_entry_id, destination_entry_id, content_hash, state, origin, created_at, updated_at)
    values (${pairId}, ${sourceEntryId}, null, null, 'tombstone', 'created', ${now}, ${now})
    on conflict (pair_id, source_entry_id) do update set state = 'tombstone', updated_at = excluded.updated_at
    returning ${COLUMNS}`);
  if (!row) throw new Error("tombstoning an entry mapping returned no row");
  return row;
}

export function findEntryMappingByDestinationId({ exec }: Store, pairId: string, destinationEntryId: string): Promise<EntryMapping | undefined> {
  return exec.get(sql`
    select ${COLUMNS} from entry_map where pair_id = ${pairId} and destination_entry_id = ${destinationEntryId}
    order by source_entry_id limit 1`);
}

/** What a reconciliation plan needs of a mapping. */
export type MappingState = Pick<EntryMapping, "sourceEntryId" | "destinationEntryId" | "contentHash" | "state" | "updatedAt">;

const STATE_COLUMNS = sql.raw(
  `source_entry_id as "sourceEntryId", destination_entry_id as "destinationEntryId", content_hash as "contentHash", state, updated_at as "updatedAt"`,
);

/**
 * The pair's mappings with only the columns a plan reads: a big run holds all of them at once, and the
 * other columns were a quarter of that memory.
 */
export function listMappingStates({ exec }: Store, pairId: string): Promise<MappingState[]> {
  return exec.all(sql`select ${STATE_COLUMNS} from entry_map where pair_id = ${pairId}`);
}

/**
 * The pair's map a page at a time, for a run that keeps it in a compact form of its own: 100,000 rows
 * read at once are a passing 36 MB of objects (see BENCHMARKS.md, reconciliation). Pages follow the
 * primary key (keyset, not offset), so each is one index range on either engine.
 */
export async function* mappingStatePages({ exec }: Store, pairId: string, pageSize = 5000): AsyncGenerator<MappingState[]> {
  let after: string | undefined;
  for (;;) {
    const from = after === undefined ? sql`` : sql`and source_entry_id > ${after}`;
    const page = await exec.all<MappingState>(sql`
      select ${STATE_COLUMNS} from entry_map where pair_id = ${pairId} ${from} order by source_entry_id limit ${pageSize}`);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]?.sourceEntryId;
  }
}

/** Returns whether a mapping was removed. */
export async function deleteEntryMapping({ exec }: Store, pairId: string, sourceEntryId: string): Promise<boolean> {
  return (await exec.run(sql`delete from entry_map where pair_id = ${pairId} and source_entry_id = ${sourceEntryId}`)) > 0;
}

/** Destination entries other pairs mirror into a shared destination: never adopted by this pair. */
export async function destinationIdsOfOtherPairs({ exec }: Store, pairId: string): Promise<Set<string>> {
  const rows = await exec.all<{ id: string }>(sql`select destination_entry_id as id from entry_map where pair_id <> ${pairId} and destination_entry_id is not null`);
  return new Set(rows.map((r) => r.id));
}

/** Source entries the pairs first mapped at or after `since` (epoch ms), and when (one scan per pair: a restart's question, asked once). */
export async function entriesMappedSince({ exec }: Store, pairIds: readonly string[], since: number): Promise<{ sourceEntryId: string; createdAt: number }[]> {
  if (pairIds.length === 0) return [];
  return exec.all(sql`
    select source_entry_id as "sourceEntryId", created_at as "createdAt" from entry_map
    where pair_id in (${sqlList(pairIds)}) and created_at >= ${since}`);
}
