import { memberCountsOf, type MemberCounts } from "../db/runs.js";
import { collectQuota, type WorkspaceUsage } from "./quota.js";
import { collectPolling, type PollingStatus } from "./polling.js";
import { now as clockNow } from "../clock.js";
import type { Config, PairConfig } from "../config/schema.js";
import type { AppDatabase } from "../db/connection.js";
import { inboxStats, listDeadLetters, recentlyApplied } from "../db/inbox.js";
import { listProjectConflicts } from "../db/project-map.js";
import type { ReconcileRun, RunOutcome, RunTrigger, WebhookSide } from "../db/schema.js";
import { listCheckProblems } from "../db/checks.js";
import { listBlocked } from "../db/blocked.js";
import type { BlockedAction, BlockKind } from "../db/schema.js";
import type { CheckProblem } from "../doctor/model.js";
import { activityDetails, type ActivityDetails } from "./activity.js";
import { describeProjectConflict } from "../sync/projects/plan.js";
import {
  countEntryMappingsByState,
  countProjectMappings,
  lastWebhookReceivedByWorkspace,
  latestRealReconcileRun,
  webhookRegistrationsByWorkspace,
  type WorkspaceRegistrations,
} from "../db/status-queries.js";

/** Every timestamp here is milliseconds since the epoch, in a field named *At, like the database. */

export interface WorkspaceStatus {
  side: WebhookSide;
  workspaceId: string;
  /** Newest webhook event stored for this workspace (any pair); null when none is in the inbox. */
  lastWebhookAt: number | null;
  /** Whole hours since then; null when there was none. */
  silentHours: number | null;
  registeredWebhooks: number;
  /** Registrations in this workspace, or signing secrets in the pair's config: webhooks should come. */
  expectsWebhooks: boolean;
}

export interface ReconcileStatus {
  id: number;
  trigger: RunTrigger;
  startedAt: number;
  finishedAt: number | null;
  windowStartAt: number;
  windowEndAt: number;
  outcome: RunOutcome;
  counts: { created: number; updated: number; deleted: number; adopted: number; unchanged: number; failed: number };
  requests: number;
  error: string | null;
  /** The run's plan per member of the pair (empty for runs stored before members were counted). */
  members: MemberCounts[];
}

export interface PairStatus {
  id: string;
  mappedProjects: number;
  mappedEntries: {
    live: number;
    tombstones: number;
    /** Intents of creates in flight (or interrupted); normally 0. */
    pending: number;
  };
  inbox: {
    /** Events waiting to be applied (pending + leased). */
    depth: number;
    oldestPendingAt: number | null;
    oldestPendingAgeSeconds: number | null;
    deadLetters: number;
  };
  /** Copies the destination refuses for now (a locked period, an approved entry); listed in `blocked`. */
  blockedCopies: number;
  /** Destination projects whose name could not be given to their source project: a person decides. */
  projectConflicts: Array<{ sourceProjectId: string; destinationProjectId: string; sourceName: string; destinationName: string }>;
  /** The newest run that was not a dry run; null when there never was one. */
  lastReconcile: ReconcileStatus | null;
  workspaces: WorkspaceStatus[];
  warnings: string[];
}

/** One applied event: its ids and raw outcome, and (ActivityDetails) the same in words. */
export interface ActivityItem extends ActivityDetails {
  id: number;
  pairId: string;
  eventType: string;
  entityId: string;
  destinationId: string | null;
  outcome: string | null;
  receivedAt: number;
  appliedAt: number | null;
  /** appliedAt − receivedAt */
  latencyMs: number | null;
}

export interface DeadLetterItem {
  id: number;
  pairId: string;
  eventType: string;
  entityId: string;
  attempts: number;
  receivedAt: number;
  lastError: string | null;
}

/** A copy the destination refused for a locked period or an approved entry; the next reconcile over its date tries again. */
export interface BlockedItem {
  pairId: string;
  sourceEntryId: string;
  kind: BlockKind;
  action: BlockedAction;
  /** The entry's start; null when the refused call did not carry it. */
  entryStartAt: number | null;
  firstTriedAt: number;
  lastTriedAt: number;
  attempts: number;
  message: string;
}

export interface StatusReport {
  generatedAt: number;
  silenceHours: number;
  /** config.reconcile.timezone: the zone people read entry times in. */
  timeZone: string;
  /** What the doctor checks found wrong, last time they ran, for the configured pairs; errors first. */
  problems: CheckProblem[];
  pairs: PairStatus[];
  /** The last applied inbox events, newest first. */
  recentActivity: ActivityItem[];
  /** Oldest first, at most DEAD_LETTERS_SHOWN of them; `deadLettersTotal` counts all. */
  deadLetters: DeadLetterItem[];
  deadLettersTotal: number;
  /** Oldest entry first, at most BLOCKED_SHOWN; `blockedTotal` counts all of the configured pairs. */
  blocked: BlockedItem[];
  blockedTotal: number;
  /** Requests per configured workspace against its limits (every process's). */
  quota: WorkspaceUsage[];
  /** When polling is on: how often, and each source workspace's last polls. */
  polling?: PollingStatus;
}

export const RECENT_ACTIVITY_SHOWN = 50;
export const DEAD_LETTERS_SHOWN = 200;
export const BLOCKED_SHOWN = 200;

const HOUR_MS = 3_600_000;

const WEBHOOK_ADVICE = "Clockify disables failing webhooks quietly; check them with npm run webhooks -- list";

/** Everything a person needs to see whether the mirror is healthy, read from the database only. */
export async function collectStatus(database: AppDatabase, config: Config, now: number = clockNow()): Promise<StatusReport> {
  const workspaceIds = [...new Set(config.pairs.flatMap((p) => [p.source.workspaceId, p.destination.workspaceId]))];
  const lastWebhooks = await lastWebhookReceivedByWorkspace(database, workspaceIds);
  const registrations = await webhookRegistrationsByWorkspace(database, workspaceIds);
  const silenceHours = config.alerts.silenceHours;

  const pairs = await Promise.all(config.pairs.map((pair) => collectPair(database, pair, { now, silenceHours, lastWebhooks, registrations })));

  const dead = await listDeadLetters(database);
  const blocked = await listBlocked(database, config.pairs.map((p) => p.id));
  return {
    generatedAt: now,
    silenceHours,
    timeZone: config.reconcile.timezone,
    problems: await listCheckProblems(database, config.pairs.map((p) => p.id)),
    pairs,
    recentActivity: (await recentlyApplied(database, RECENT_ACTIVITY_SHOWN)).map((row) => ({
      ...activityDetails(row),
      id: row.id,
      pairId: row.pairId,
      eventType: row.eventType,
      entityId: row.entityId,
      destinationId: row.destinationId,
      outcome: row.outcome,
      receivedAt: row.receivedAt,
      appliedAt: row.appliedAt,
      latencyMs: row.appliedAt === null ? null : row.appliedAt - row.receivedAt,
    })),
    deadLetters: dead.slice(0, DEAD_LETTERS_SHOWN).map((row) => ({
      id: row.id,
      pairId: row.pairId,
      eventType: row.eventType,
      entityId: row.entityId,
      attempts: row.attempts,
      receivedAt: row.receivedAt,
      lastError: row.lastError,
    })),
    deadLettersTotal: dead.length,
    // Not warnings: a lock or an approval is the destination's deliberate state, and the copy follows by itself when it lifts.
    blocked: blocked.slice(0, BLOCKED_SHOWN),
    blockedTotal: blocked.length,
    quota: collectQuota(database, config, now),
    ...optional("polling", await collectPolling(database, config)),
  };
}

/** Read once for the whole report and shared by every pair; the webhook facts are per workspace. */
interface ReportWideFacts {
  now: number;
  silenceHours: number;
  lastWebhooks: Map<string, number>;
  registrations: Map<string, WorkspaceRegistrations>;
}

async function collectPair(database: AppDatabase, pair: PairConfig, reportWide: ReportWideFacts): Promise<PairStatus> {
  const entries = await countEntryMappingsByState(database, pair.id);
  const stats = await inboxStats(database, pair.id);
  const run = await latestRealReconcileRun(database, pair.id);
  const warnings: string[] = [];

  const workspaces = (
    [
      ["source", pair.source.workspaceId],
      ["destination", pair.destination.workspaceId],
    ] as const
  ).map(([side, workspaceId]): WorkspaceStatus => {
    const last = reportWide.lastWebhooks.get(workspaceId) ?? null;
    const registered = reportWide.registrations.get(workspaceId);
    const expectsWebhooks = (registered?.count ?? 0) > 0 || pair.webhookSecrets.length > 0;
    const silentHours = last === null ? null : Math.floor(Math.max(0, reportWide.now - last) / HOUR_MS);
    const warning = silenceWarning(workspaceId, side, { last, registered, expectsWebhooks, ...reportWide });
    if (warning) warnings.push(warning);
    return { side, workspaceId, lastWebhookAt: last, silentHours, registeredWebhooks: registered?.count ?? 0, expectsWebhooks };
  });

  if (stats.dead > 0) {
    warnings.push(
      `${stats.dead} dead letter(s): events that failed for good wait for a person; replay with npm run deadletter -- list`,
    );
  }
  const projectConflicts = (await listProjectConflicts(database, pair.id)).map((m) => ({
    sourceProjectId: m.sourceProjectId,
    destinationProjectId: m.destinationProjectId,
    sourceName: m.name,
    destinationName: m.conflictName ?? m.name,
  }));
  for (const c of projectConflicts) warnings.push(`project conflict: ${describeProjectConflict(c)}`);
  if (run && (run.outcome === "failed" || run.outcome === "aborted")) {
    warnings.push(
      `the last reconciliation (${new Date(run.startedAt).toISOString()}) ${run.outcome}: ${run.error ?? "see the log"}`,
    );
  }

  return {
    id: pair.id,
    mappedProjects: await countProjectMappings(database, pair.id),
    mappedEntries: { live: entries.live, tombstones: entries.tombstone, pending: entries.pending },
    inbox: {
      depth: stats.depth,
      oldestPendingAt: stats.oldestPendingReceivedAt,
      oldestPendingAgeSeconds:
        stats.oldestPendingReceivedAt === null
          ? null
          : Math.max(0, Math.round((reportWide.now - stats.oldestPendingReceivedAt) / 1000)),
      deadLetters: stats.dead,
    },
    blockedCopies: (await listBlocked(database, [pair.id])).length,
    projectConflicts,
    lastReconcile: run ? reconcileStatus(run) : null,
    workspaces,
    warnings,
  };
}

function silenceWarning(
  workspaceId: string,
  side: WebhookSide,
  facts: {
    now: number;
    silenceHours: number;
    last: number | null;
    registered: WorkspaceRegistrations | undefined;
    expectsWebhooks: boolean;
  },
): string | undefined {
  // A destination only sends project events, which can rightly be silent for weeks; entry events from
  // the source flow every working day, so their silence is the signal that Clockify disabled a webhook.
  if (!facts.expectsWebhooks || side !== "source") return undefined;
  const limit = `more than alerts.silenceHours = ${facts.silenceHours}`;
  const name = `workspace ${workspaceId} (${side})`;
  if (facts.last !== null) {
    const hours = (facts.now - facts.last) / HOUR_MS;
    if (hours <= facts.silenceHours) return undefined;
    return `${name} has been silent for ${Math.floor(hours)} hours (${limit}): ${WEBHOOK_ADVICE}`;
  }
  // Nothing ever arrived. Freshly registered webhooks get the same grace period as a silence.
  const since = facts.registered?.oldestCreatedAt ?? null;
  if (since === null) {
    return `${name} has never sent a webhook, though the pair has webhookSecrets: ${WEBHOOK_ADVICE}`;
  }
  const hours = (facts.now - since) / HOUR_MS;
  if (hours <= facts.silenceHours) return undefined;
  return `${name} has sent no webhook in the ${Math.floor(hours)} hours since its webhooks were registered (${limit}): ${WEBHOOK_ADVICE}`;
}

function reconcileStatus(run: ReconcileRun): ReconcileStatus {
  return {
    id: run.id,
    trigger: run.trigger,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    windowStartAt: run.windowStart,
    windowEndAt: run.windowEnd,
    outcome: run.outcome,
    counts: {
      created: run.created,
      updated: run.updated,
      deleted: run.deleted,
      adopted: run.adopted,
      unchanged: run.unchanged,
      failed: run.failed,
    },
    requests: run.requests,
    error: run.error,
    members: memberCountsOf(run),
  };
}

/** Every pair's warnings, each once (a workspace shared by two pairs would repeat its silence). */
export function pairWarnings(report: StatusReport): string[] {
  return [...new Set(report.pairs.flatMap((p) => p.warnings))];
}

/** "error · pair acme · source.key: ..." */
export function problemText(problem: CheckProblem): string {
  return `${problem.level} · pair ${problem.pairId} · ${problem.check}: ${problem.message}`;
}

/**
 * The checks' problems, then the pairs' warnings: anything here makes `npm run status` exit 1. (The page
 * shows the two apart, problems first.)
 */
export function allWarnings(report: StatusReport): string[] {
  return [...report.problems.map(problemText), ...pairWarnings(report)];
}

const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
