import type { WebhookLog } from "../../clockify/webhook-logs.js";
import type { PairConfig } from "../../config/schema.js";
import type { NewInboxEvent } from "../../db/inbox.js";
import { isEntryEvent } from "../events.js";
import { interpretBody } from "../intake.js";
import { pullEvents } from "../pull.js";

/** Which failed-delivery log lines become which inbox events (pure, table-tested). */

export interface RecoveryInput {
  /** The webhook's log lines, any order; lines that are not failures are skipped. */
  logs: readonly WebhookLog[];
  workspaceId: string;
  /** The event the webhook is registered for: log lines do not name it. */
  eventType: string;
  pairs: readonly PairConfig[];
  /** Whether the inbox holds this dedupe key: the delivery got through after all (a later retry). */
  stored: (dedupeKey: string) => boolean | Promise<boolean>;
  /** Whether an event of the entity reached the pair after `at` (epoch ms): a logged project body is then stale. */
  newerThan: (pairId: string, entityId: string, at: number) => boolean | Promise<boolean>;
}

export interface Recovery {
  events: NewInboxEvent[];
  /** Failed lines whose delivery got through later, or (projects) whose entity had newer news since. */
  alreadyStored: number;
  /** Failed lines no pair needs (another client's project, a user no pair mirrors, an unused event). */
  notNeeded: number;
  /** Failed lines whose body could not be read: nothing to recover from them (the nightly run still is). */
  unreadable: number;
}

export function failed(log: Pick<WebhookLog, "statusCode">): boolean {
  const code = log.statusCode;
  return code === null || code === undefined || code < 200 || code >= 300;
}

/**
 * Entry events become pulls: a body stored by Clockify minutes or hours ago is stale, so the worker reads
 * the entry as it is now (one request per entry, however many of its deliveries failed; deleted entries
 * are found gone). Project events carry what the mirror needs and become the delivery itself, with the
 * dedupe key the delivery would have had, so one that got through after all is not applied twice.
 */
export async function recoverFromLogs(input: RecoveryInput): Promise<Recovery> {
  const { workspaceId, eventType, pairs } = input;
  const scope = { workspaces: new Set([workspaceId]), events: null };
  const recovery: Recovery = { events: [], alreadyStored: 0, notNeeded: 0, unreadable: 0 };
  /** Per entry: the pairs that need it and the newest failed event's id (the pull's cause). */
  const pulls = new Map<string, { pairIds: Set<string>; cause: string }>();
  /** Per project: only its newest failed body, and only for pairs that heard nothing of it since. */
  const projects = new Map<string, { at: number; events: NewInboxEvent[] }>();
  const lines = input.logs.filter(failed).sort((a, b) => (a.respondedAt ?? "").localeCompare(b.respondedAt ?? ""));
  for (const log of lines) {
    const decision = interpretBody(eventType, log.requestBody ?? "", scope, pairs);
    if (decision.kind === "reject") {
      recovery.unreadable++;
      continue;
    }
    if (decision.kind === "ignore") {
      recovery.notNeeded++;
      continue;
    }
    if (await everyOf(decision.events, (e) => input.stored(e.dedupeKey))) {
      recovery.alreadyStored++;
      continue;
    }
    if (!isEntryEvent(eventType)) {
      projects.set(decision.events[0]?.entityId ?? "", { at: Date.parse(log.respondedAt ?? "") || 0, events: decision.events });
      continue;
    }
    const cause = `webhook-log:${log.webhookEventStatusId ?? log.id ?? log.respondedAt ?? ""}`;
    for (const event of decision.events) {
      const pull = pulls.get(event.entityId) ?? { pairIds: new Set<string>(), cause };
      pull.pairIds.add(event.pairId);
      pull.cause = cause;
      pulls.set(event.entityId, pull);
    }
  }
  for (const { at, events } of projects.values()) {
    const fresh: NewInboxEvent[] = [];
    for (const e of events) if (!(await input.newerThan(e.pairId, e.entityId, at))) fresh.push(e);
    if (fresh.length === 0) recovery.alreadyStored++;
    recovery.events.push(...fresh);
  }
  for (const [entryId, pull] of pulls) {
    const chosen = pairs.filter((p) => pull.pairIds.has(p.id));
    recovery.events.push(...pullEvents(chosen, { workspaceId, entryId, cause: pull.cause }));
  }
  return recovery;
}

/** Array.every for a predicate that may ask the store (in order, stopping at the first false). */
async function everyOf<T>(items: readonly T[], test: (item: T) => boolean | Promise<boolean>): Promise<boolean> {
  for (const item of items) if (!(await test(item))) return false;
  return true;
}
