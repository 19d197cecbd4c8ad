import { now as clockNow } from "../../clock.js";
import type { ClockifyClient } from "../../clockify/client.js";
import type { PairConfig } from "../../config/schema.js";
import type { AppDatabase } from "../../db/connection.js";
import { readCursor, writeCursor } from "../../db/cursors.js";
import { enqueueDeliveries } from "../../db/inbox.js";
import type { WebhookRegistration } from "../../db/schema.js";
import { isDeliveryStored, receivedSince } from "../../db/webhooks.js";
import type { Logger } from "../../observability/logger.js";
import { messageOf } from "../registration/access.js";
import type { InspectedWorkspace } from "./repair.js";
import { recoverFromLogs } from "./recover.js";

/**
 * The failed-delivery check: one logs request per webhook of the service, for the time since the last
 * check (a cursor per webhook), and the entities named in failed deliveries pulled at once.
 */

/** Failed attempts read per webhook and check; more wait for the next check (the cursor stops at the last one read). */
export const LOG_PAGE_SIZE = 200;

/** A webhook's first check looks back at most this far (its registration time when later). */
export const FIRST_LOOKBACK_MS = 24 * 3_600_000;

export const cursorName = (webhookId: string) => `webhook-logs:${webhookId}`;

/** WebhookLogSearchRequestV1's instants: yyyy-MM-ddThh:mm:ssZ (whole seconds). */
export function logInstant(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + "Z";
}

/** The API's default page (API-NOTES §7): a host that ignores the size asked cuts pages to this. */
const DEFAULT_PAGE = 50;

/**
 * Where the next check starts: the end of this window, or, when the page may have been cut (as long as
 * asked, or as long as the default a host may fall back to), the last line read (its second again: both
 * ends are inclusive, and a line read twice is deduplicated by its cause).
 */
export function nextCursor(to: number, lines: readonly { respondedAt?: string | null | undefined }[], pageSize: number): number {
  if (lines.length < pageSize && lines.length !== DEFAULT_PAGE) return to;
  const last = Date.parse(lines[lines.length - 1]?.respondedAt ?? "");
  return Number.isNaN(last) ? to : Math.min(to, Math.floor(last / 1000) * 1000);
}

export interface DeliveryCheckResult {
  webhooks: number;
  /** Failed attempts read. */
  failedLines: number;
  /** Inbox events stored (pulls and project deliveries). */
  stored: number;
  errors: string[];
}

export interface DeliveryCheckContext {
  database: AppDatabase;
  logger: Logger;
  pairs: readonly PairConfig[];
  /** Stops between webhooks when the service stops. */
  stopped?: () => boolean;
}

/** Reads the failed deliveries of every webhook of an inspected workspace and stores what they call for. */
export async function checkWorkspaceDeliveries(workspace: InspectedWorkspace, context: DeliveryCheckContext): Promise<DeliveryCheckResult> {
  const result: DeliveryCheckResult = { webhooks: 0, failedLines: 0, stored: 0, errors: [] };
  const client = workspace.client;
  if (workspace.hooks === null || client === null) return result;
  const listed = new Set(workspace.hooks.map((h) => h.id));
  for (const row of workspace.registrations) {
    if (!listed.has(row.clockifyWebhookId) || context.stopped?.()) continue;
    result.webhooks++;
    try {
      const { lines, stored } = await checkWebhook(client, row, context);
      result.failedLines += lines;
      result.stored += stored;
    } catch (error) {
      result.errors.push(`${row.eventType} (${row.clockifyWebhookId}): ${messageOf(error)}`);
    }
  }
  return result;
}

async function checkWebhook(client: ClockifyClient, row: WebhookRegistration, context: DeliveryCheckContext): Promise<{ lines: number; stored: number }> {
  const { database } = context;
  // Rounded up: the window's end names whole seconds, and a line of this very second belongs in it.
  const to = Math.ceil(clockNow() / 1000) * 1000;
  const from = await readCursor(database, cursorName(row.clockifyWebhookId)) ?? Math.max(row.createdAt, to - FIRST_LOOKBACK_MS);
  const lines = await client.searchWebhookLogs(
    row.workspaceId,
    row.clockifyWebhookId,
    { from: logInstant(from), to: logInstant(to), status: "FAILED", sortByNewest: false },
    { size: LOG_PAGE_SIZE },
  );
  if (context.stopped?.()) return { lines: lines.length, stored: 0 };
  const recovery = await recoverFromLogs({
    logs: lines,
    workspaceId: row.workspaceId,
    eventType: row.eventType,
    pairs: context.pairs,
    stored: (key) => isDeliveryStored(database, key),
    newerThan: (pairId, entityId, at) => receivedSince(database, pairId, entityId, at),
  });
  const [counts] = recovery.events.length > 0 ? await enqueueDeliveries(database, [recovery.events]) : [{ stored: 0 }];
  // After the events: a crash in between reads the lines again, and their events are duplicates then.
  await writeCursor(database, cursorName(row.clockifyWebhookId), nextCursor(to, lines, LOG_PAGE_SIZE));
  if (lines.length > 0) {
    context.logger.info(
      { workspaceId: row.workspaceId, event: row.eventType, failed: lines.length, stored: counts?.stored ?? 0, alreadyStored: recovery.alreadyStored, notNeeded: recovery.notNeeded, unreadable: recovery.unreadable },
      "failed webhook deliveries read; what they named is pulled",
    );
  }
  if (lines.length >= LOG_PAGE_SIZE || lines.length === DEFAULT_PAGE) context.logger.warn({ workspaceId: row.workspaceId, event: row.eventType }, "more failed deliveries than one page: the next check reads on");
  return { lines: lines.length, stored: counts?.stored ?? 0 };
}
