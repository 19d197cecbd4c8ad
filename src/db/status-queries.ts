import { sql } from "drizzle-orm";
import { RUN_COLUMNS, runOf, type RunRow } from "./runs.js";
import type { EntryState, ReconcileRun } from "./schema.js";
import { sqlList, type Store } from "./sql/executor.js";

/** Read-only questions the status page and `npm run status` ask; every answer is plain data. */

export async function countProjectMappings({ exec }: Store, pairId: string): Promise<number> {
  return (await exec.get<{ n: number }>(sql`select count(*) as n from project_map where pair_id = ${pairId}`))?.n ?? 0;
}

/** Mapped entries of the pair by state; states without rows count 0. */
export async function countEntryMappingsByState({ exec }: Store, pairId: string): Promise<Record<EntryState, number>> {
  const rows = await exec.all<{ state: EntryState; n: number }>(sql`select state, count(*) as n from entry_map where pair_id = ${pairId} group by state`);
  const counts: Record<EntryState, number> = { pending: 0, live: 0, tombstone: 0 };
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}

/**
 * The newest full run of the pair that changed (or tried to change) something: dry runs are left out,
 * and so are polling's short-window listings, which would hide the nightly run's result every few minutes.
 */
export async function latestRealReconcileRun({ exec }: Store, pairId: string): Promise<ReconcileRun | undefined> {
  const row = await exec.get<RunRow>(sql`
    select ${RUN_COLUMNS} from reconcile_runs where pair_id = ${pairId} and dry_run = 0 and "trigger" <> 'poll'
    order by started_at desc, id desc limit 1`);
  return row && runOf(row);
}

/**
 * When each workspace's newest stored webhook event arrived (any pair, any status). Workspaces with no
 * event in the inbox are absent. Done events are pruned after a week, so "absent" means "none lately".
 */
export async function lastWebhookReceivedByWorkspace({ exec }: Store, workspaceIds: string[]): Promise<Map<string, number>> {
  if (workspaceIds.length === 0) return new Map();
  const rows = await exec.all<{ workspaceId: string; last: number | null }>(
    sql`select workspace_id as "workspaceId", max(received_at) as last from inbox where workspace_id in (${sqlList(workspaceIds)}) group by workspace_id`,
  );
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
export async function webhookRegistrationsByWorkspace({ exec }: Store, workspaceIds: string[]): Promise<Map<string, WorkspaceRegistrations>> {
  if (workspaceIds.length === 0) return new Map();
  const rows = await exec.all<{ workspaceId: string; n: number; oldest: number | null }>(sql`
    select workspace_id as "workspaceId", count(*) as n, min(created_at) as oldest from webhooks
    where workspace_id in (${sqlList(workspaceIds)}) group by workspace_id order by workspace_id`);
  return new Map(rows.map((r) => [r.workspaceId, { count: r.n, oldestCreatedAt: r.oldest }]));
}
