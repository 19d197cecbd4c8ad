import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { sql } from "drizzle-orm";
import type { Store } from "./sql/executor.js";
import { now as clockNow } from "../clock.js";

/** This process, as a lease holder. */
export const PROCESS_OWNER = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;

/**
 * Takes the lease if it is free, expired or already ours, in one statement: the upsert writes only when
 * its condition holds and returns the row only when it wrote, so of two takers at once only one wins.
 */
export async function acquireLease({ exec }: Store, key: string, ttlMs: number, owner: string = PROCESS_OWNER, now: number = clockNow()): Promise<boolean> {
  const taken = await exec.get<{ owner: string }>(sql`
    insert into leases (key, owner, expires_at) values (${key}, ${owner}, ${now + ttlMs})
    on conflict (key) do update set owner = excluded.owner, expires_at = excluded.expires_at
      where leases.owner = excluded.owner or leases.expires_at <= ${now}
    returning owner`);
  return taken?.owner === owner;
}

/** Releases the lease if `owner` holds it; true when it did (false: someone else holds it, or nobody). */
export async function releaseLease({ exec }: Store, key: string, owner: string = PROCESS_OWNER): Promise<boolean> {
  return (await exec.run(sql`delete from leases where key = ${key} and owner = ${owner}`)) > 0;
}

/** Pairs another process is reconciling right now. */
export async function pairsReconciledElsewhere({ exec }: Store, owner: string = PROCESS_OWNER, now: number = clockNow()): Promise<Set<string>> {
  const rows = await exec.all<{ key: string }>(sql`select key from leases where key like 'reconcile:%' and owner <> ${owner} and expires_at > ${now}`);
  return new Set(rows.map((r) => r.key.slice("reconcile:".length)));
}

export const reconcileLeaseKey = (pairId: string) => `reconcile:${pairId}`;

export function readLease({ exec }: Store, key: string): Promise<{ owner: string; expiresAt: number } | undefined> {
  return exec.get(sql`select owner, expires_at as "expiresAt" from leases where key = ${key}`);
}

/** Extends a lease this owner holds; false when it is no longer ours. */
export async function renewLease({ exec }: Store, key: string, ttlMs: number, owner: string, now: number = clockNow()): Promise<boolean> {
  return (await exec.run(sql`update leases set expires_at = ${now + ttlMs} where key = ${key} and owner = ${owner}`)) > 0;
}
