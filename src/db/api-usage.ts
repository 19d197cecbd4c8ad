import { and, eq, gte, lt, sql } from "drizzle-orm";
import type { UsageRow, UsageStore } from "../clockify/quota/usage.js";
import type { AppDatabase } from "./connection.js";
import { apiUsage } from "./schema.js";

/** Adds counts to their (workspace, minute) rows. */
export function addApiUsage({ db }: AppDatabase, rows: readonly UsageRow[]): void {
  if (rows.length === 0) return;
  db.transaction((tx) => {
    for (const row of rows) {
      tx.insert(apiUsage)
        .values(row)
        .onConflictDoUpdate({ target: [apiUsage.workspaceId, apiUsage.minute], set: { requests: sql`${apiUsage.requests} + ${row.requests}` } })
        .run();
    }
  });
}

/** One workspace's requests per minute from `sinceMinute` on. */
export function apiUsageMinutes({ db }: AppDatabase, workspaceId: string, sinceMinute: number): Map<number, number> {
  const rows = db
    .select({ minute: apiUsage.minute, requests: apiUsage.requests })
    .from(apiUsage)
    .where(and(eq(apiUsage.workspaceId, workspaceId), gte(apiUsage.minute, sinceMinute)))
    .all();
  return new Map(rows.map((r) => [r.minute, r.requests]));
}

/** Every workspace's requests per minute from `sinceMinute` on: what `status` shows. */
export function apiUsageSince({ db }: AppDatabase, sinceMinute: number): UsageRow[] {
  return db.select().from(apiUsage).where(gte(apiUsage.minute, sinceMinute)).all();
}

/** Rows older than the budget's hour (and a margin) are history nobody reads. */
export function pruneApiUsage({ db }: AppDatabase, beforeMinute: number): number {
  return db.delete(apiUsage).where(lt(apiUsage.minute, beforeMinute)).run().changes;
}

/** The database as the limiters' shared usage store. */
export function apiUsageStore(database: AppDatabase): UsageStore {
  return {
    add: (rows) => addApiUsage(database, rows),
    minutes: (workspaceId, sinceMinute) => apiUsageMinutes(database, workspaceId, sinceMinute),
  };
}
