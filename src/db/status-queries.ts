import { and, asc, count, desc, eq, inArray, max, min, ne } from "drizzle-orm";
import type { AppDatabase } from "./connection.js";
import { entryMap, inbox, projectMap, reconcileRuns, webhooks, type EntryState, type ReconcileRun } from "./schema.js";

/** Read-only questions the status page and `npm run status` ask; every answer is plain data. */

export async function countProjectMappings({ db }: AppDatabase, pairId: string): Promise<number> {
  return db.select({ n: count() }).from(projectMap).where(eq(projectMap.pairId, pairId)).get()?.n ?? 0;
}

/** Mapped entries of the pair by state; states without rows count 0. */
export async function countEntryMappingsByState({ db }: AppDatabase, pairId: string): Promise<Record<EntryState, number>> {
  const rows = db
    .select({ state: entryMap.state, n: count() })
    .from(entryMap)
    .where(eq(entryMap.pairId, pairId))
    .groupBy(entryMap.state)
    .all();
  const counts: Record<EntryState, number> = { pending: 0, live: 0, tombstone: 0 };
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}

/**
 * The newest full run of the pair that changed (or tried to change) something: dry runs are left out,
 * and so are polling's short-window listings, which would hide the nightly run's result every few minutes.
 */
export async function latestRealReconcileRun({ db }: AppDatabase, pairId: string): Promise<ReconcileRun | undefined> {
  return db
    .select()
    .from(reconcileRuns)
    .where(and(eq(reconcileRuns.pairId, pairId), eq(reconcileRuns.dryRun, false), ne(reconcileRuns.trigger, "poll")))
    .orderBy(desc(reconcileRuns.startedAt), desc(reconcileRuns.id))
    .get();
}

/**
 * When each workspace's newest stored webhook event arrived (any pair, any status). Workspaces with no
 * event in the inbox are absent. Done events are pruned after a week, so "absent" means "none lately".
 */
export async function lastWebhookReceivedByWorkspace({ db }: AppDatabase, workspaceIds: string[]): Promise<Map<string, number>> {
  if (workspaceIds.length === 0) return new Map();
  const rows = db
    .select({ workspaceId: inbox.workspaceId, last: max(inbox.receivedAt) })
    .from(inbox)
    .where(inArray(inbox.workspaceId, workspaceIds))
    .groupBy(inbox.workspaceId)
    .all();
  const result = new Map<string, number>();
  for (const row of rows) if (row.last !== null) result.set(row.workspaceId, row.last);
  return result;
}

export interface WorkspaceRegistrations {
  count: number;
  /** created_at of the oldest registration: since when webhooks were expected. */
  oldestCreatedAt: number | null;
}

/** Registered webhooks per workspace; workspaces without any are absent. */
export async function webhookRegistrationsByWorkspace(
  { db }: AppDatabase,
  workspaceIds: string[],
): Promise<Map<string, WorkspaceRegistrations>> {
  if (workspaceIds.length === 0) return new Map();
  const rows = db
    .select({ workspaceId: webhooks.workspaceId, n: count(), oldest: min(webhooks.createdAt) })
    .from(webhooks)
    .where(inArray(webhooks.workspaceId, workspaceIds))
    .groupBy(webhooks.workspaceId)
    .orderBy(asc(webhooks.workspaceId))
    .all();
  return new Map(rows.map((r) => [r.workspaceId, { count: r.n, oldestCreatedAt: r.oldest }]));
}
