import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { and, eq, gt, like, lte, ne, or } from "drizzle-orm";
import type { AppDatabase } from "./connection.js";
import { leases } from "./schema.js";
import { now as clockNow } from "../clock.js";

/** This process, as a lease holder. */
export const PROCESS_OWNER = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;

/** Takes the lease if it is free, expired or already ours. Atomic: one statement in one transaction. */
export async function acquireLease(
  { db }: AppDatabase,
  key: string,
  ttlMs: number,
  owner: string = PROCESS_OWNER,
  now: number = clockNow(),
): Promise<boolean> {
  return db.transaction((tx) => {
    tx.insert(leases)
      .values({ key, owner, expiresAt: now + ttlMs })
      .onConflictDoUpdate({
        target: leases.key,
        set: { owner, expiresAt: now + ttlMs },
        setWhere: or(eq(leases.owner, owner), lte(leases.expiresAt, now)),
      })
      .run();
    return tx.select().from(leases).where(eq(leases.key, key)).get()?.owner === owner;
  });
}

/** Releases the lease if `owner` holds it; true when it did (false: someone else holds it, or nobody). */
export async function releaseLease({ db }: AppDatabase, key: string, owner: string = PROCESS_OWNER): Promise<boolean> {
  return db.delete(leases).where(and(eq(leases.key, key), eq(leases.owner, owner))).run().changes > 0;
}

/** Pairs another process is reconciling right now. */
export async function pairsReconciledElsewhere({ db }: AppDatabase, owner: string = PROCESS_OWNER, now: number = clockNow()): Promise<Set<string>> {
  const rows = db
    .select({ key: leases.key })
    .from(leases)
    .where(and(like(leases.key, "reconcile:%"), ne(leases.owner, owner), gt(leases.expiresAt, now)))
    .all();
  return new Set(rows.map((r) => r.key.slice("reconcile:".length)));
}

export const reconcileLeaseKey = (pairId: string) => `reconcile:${pairId}`;

export async function readLease({ db }: AppDatabase, key: string): Promise<{ owner: string; expiresAt: number } | undefined> {
  return db.select({ owner: leases.owner, expiresAt: leases.expiresAt }).from(leases).where(eq(leases.key, key)).get();
}

/** Extends a lease this owner holds; false when it is no longer ours. */
export async function renewLease({ db }: AppDatabase, key: string, ttlMs: number, owner: string, now: number = clockNow()): Promise<boolean> {
  return (
    db
      .update(leases)
      .set({ expiresAt: now + ttlMs })
      .where(and(eq(leases.key, key), eq(leases.owner, owner)))
      .run().changes > 0
  );
}
