import { HOUR_MINUTES, judgeBudget, minuteOf, usedInHour } from "../clockify/quota/hourly-budget.js";
import type { Config } from "../config/schema.js";
import { apiUsageSince } from "../db/api-usage.js";
import type { AppDatabase } from "../db/connection.js";

/** One workspace's requests against its limits, as every process of the database counted them. */
export interface WorkspaceUsage {
  workspaceId: string;
  /** Requests in the current minute and in the last 60 minutes. */
  lastMinute: number;
  lastHour: number;
  /** The most per second the service sends there (clockify.workspaces[] or workspaceRequestsPerSecond). */
  perSecond: number;
  /** The hourly budget, when the workspace has one. */
  perHour: number | null;
  /** While the budget is spent for bulk work (reconciliation, checks): when it may send again. */
  bulkWaitsUntil: number | null;
  /** While even webhook-driven writes must wait: when they may send again. */
  webhookWaitsUntil: number | null;
}

/** The configured workspaces' usage; from the database, so `status` in another process sees the service's. */
export function collectQuota(database: AppDatabase, config: Config, now: number): WorkspaceUsage[] {
  const ids = [...new Set(config.pairs.flatMap((p) => [p.source.workspaceId, p.destination.workspaceId]))];
  const byWorkspace = new Map<string, Map<number, number>>();
  for (const row of apiUsageSince(database, minuteOf(now) - HOUR_MINUTES + 1)) {
    let minutes = byWorkspace.get(row.workspaceId);
    if (!minutes) byWorkspace.set(row.workspaceId, (minutes = new Map()));
    minutes.set(row.minute, row.requests);
  }
  return ids.map((workspaceId) => {
    const minutes = byWorkspace.get(workspaceId) ?? new Map<number, number>();
    const quota = config.clockify.workspaces.find((w) => w.workspaceId === workspaceId);
    const perHour = quota?.requestsPerHour ?? null;
    const waits = (purpose: "bulk" | "webhook") => {
      if (perHour === null) return null;
      const verdict = judgeBudget(minutes, perHour, purpose, now);
      return verdict.ok ? null : verdict.until;
    };
    return {
      workspaceId,
      lastMinute: minutes.get(minuteOf(now)) ?? 0,
      lastHour: usedInHour(minutes, now),
      perSecond: quota?.requestsPerSecond ?? config.clockify.workspaceRequestsPerSecond,
      perHour,
      bulkWaitsUntil: waits("bulk"),
      webhookWaitsUntil: waits("webhook"),
    };
  });
}

/** "12 requests this minute (at most 50/s), 340 in the last hour of a budget of 30 — spent: …" */
export function describeUsage(u: WorkspaceUsage, at: (ms: number) => string): string {
  const base = `${u.lastMinute} request(s) this minute (at most ${u.perSecond}/s), ${u.lastHour} in the last hour`;
  if (u.perHour === null) return base;
  const budget = `${base} of a budget of ${u.perHour}`;
  if (u.webhookWaitsUntil !== null) return `${budget}: spent, everything waits until ${at(u.webhookWaitsUntil)}`;
  if (u.bulkWaitsUntil !== null) return `${budget}: reconciliation and checks wait until ${at(u.bulkWaitsUntil)}; webhook changes still go`;
  return budget;
}
