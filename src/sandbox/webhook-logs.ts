import { randomBytes } from "node:crypto";
import { badRequest } from "./errors.js";
import { parseInstant } from "./time.js";
import type { WebhookEventStatus, WebhookEventStatusRecord, WebhookLogRecord, WebhookRecord } from "./model.js";

/**
 * Webhook delivery logs and event statuses (spec: getLogsForWebhook, getWebhookEventStatusesWithLatestLog).
 * Recording is done by deliveries.ts at every attempt; searching and the DTOs are here.
 */

/**
 * GUESS: Clockify does not say after how many failures it turns `deliveryEnabled` off ("if delivery failed
 * for too many times"). The simulator counts events whose every attempt failed, in a row (a success resets
 * the count), and disables the webhook at this many; `sim.deliveries.disableAfterFailedEvents` changes it.
 */
export const DEFAULT_DISABLE_AFTER_FAILED_EVENTS = 10;

/** GUESS: how many log lines Clockify keeps is undocumented (add-on logs: 7 days); the simulator keeps this many per webhook. */
export const MAX_LOGS_PER_WEBHOOK = 5000;

/** A response body is kept only this long in the log (GUESS; Clockify's limit is undocumented). */
const MAX_RESPONSE_BODY = 1000;

/** A fresh 24-hex id, like Clockify's object ids (log ids need not follow the seed). */
function logId(): string {
  return randomBytes(12).toString("hex");
}

export function openEventStatus(hook: WebhookRecord): WebhookEventStatusRecord {
  const status: WebhookEventStatusRecord = { id: logId(), webhookId: hook.id, status: "RETRYING", retryCount: 0, latestLogId: null };
  hook.eventStatuses.push(status);
  if (hook.eventStatuses.length > MAX_LOGS_PER_WEBHOOK) hook.eventStatuses.shift();
  return status;
}

export interface AttemptOutcome {
  statusCode: number | null;
  responseBody: string;
  /** No further attempt follows this one (it succeeded or it was the last). */
  final: boolean;
}

/** Logs one attempt, moves the event's status on, and disables delivery after too many failed events in a row. */
export function recordAttempt(
  hook: WebhookRecord,
  status: WebhookEventStatusRecord,
  requestBody: string,
  outcome: AttemptOutcome,
  disableAfterFailedEvents: number,
): void {
  const log: WebhookLogRecord = {
    id: logId(),
    webhookId: hook.id,
    webhookEventStatusId: status.id,
    requestBody,
    responseBody: outcome.responseBody.slice(0, MAX_RESPONSE_BODY),
    statusCode: outcome.statusCode,
    respondedAt: Date.now(),
  };
  hook.logs.push(log);
  if (hook.logs.length > MAX_LOGS_PER_WEBHOOK) hook.logs.shift();
  if (status.latestLogId !== null) status.retryCount++;
  status.latestLogId = log.id;
  if (succeeded(log)) {
    status.status = "SUCCEEDED";
    hook.failedInARow = 0;
  } else if (outcome.final) {
    status.status = "FAILED";
    hook.failedInARow++;
    if (hook.failedInARow >= disableAfterFailedEvents) hook.deliveryEnabled = false;
  }
}

function succeeded(log: WebhookLogRecord): boolean {
  return log.statusCode !== null && log.statusCode >= 200 && log.statusCode < 300;
}

export interface LogSearch {
  from?: number;
  to?: number;
  status: "ALL" | "SUCCEEDED" | "FAILED";
  sortByNewest: boolean;
}

export interface LogPaging {
  /** 0-based. */
  page: number;
  size: number;
}

/**
 * The logs of one webhook in the window, oldest first unless sortByNewest. GUESSES: `from`/`to` compare
 * with the log's respondedAt and both ends are included; `status` filters attempts (a failed attempt of
 * an event that later succeeded is FAILED); no status means ALL.
 */
export function searchLogs(hook: WebhookRecord, search: LogSearch, paging: LogPaging): WebhookLogRecord[] {
  const { from, to, status } = search;
  const found = hook.logs.filter(
    (log) =>
      (from === undefined || log.respondedAt >= from) &&
      (to === undefined || log.respondedAt <= to) &&
      (status === "ALL" || (status === "SUCCEEDED") === succeeded(log)),
  );
  if (search.sortByNewest) found.reverse();
  return found.slice(paging.page * paging.size, (paging.page + 1) * paging.size);
}

export function eventStatusesOf(hook: WebhookRecord, status: WebhookEventStatus | undefined, paging: LogPaging): WebhookEventStatusRecord[] {
  // GUESS: newest first, as the UI's "Webhook attempts" list shows them.
  const found = hook.eventStatuses.filter((s) => status === undefined || s.status === status).reverse();
  return found.slice(paging.page * paging.size, (paging.page + 1) * paging.size);
}

/** `page` and `size` of both endpoints. GUESS: like the other listings, a page below the first is the first. */
export function logPaging(query: URLSearchParams): LogPaging {
  const number = (name: string, fallback: number): number => {
    const raw = query.get(name);
    if (raw === null || raw === "") return fallback;
    if (!/^-?\d+$/.test(raw)) throw badRequest(`Failed to convert value of type 'java.lang.String' to required type 'int'; For input string: "${raw}"`);
    return Number(raw);
  };
  const size = number("size", 50);
  if (size < 1) throw badRequest("size: must be greater than or equal to 1");
  // The spec's default is 0 and its example 1; the simulator reads both as the first page (GUESS).
  return { page: Math.max(0, number("page", 0) - 1), size };
}

/** `from`/`to` of WebhookLogSearchRequestV1: yyyy-MM-ddThh:mm:ssZ. */
export function logInstant(name: string, value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  const ms = parseInstant(value);
  if (ms === undefined) throw badRequest(`${name} must be in yyyy-MM-ddThh:mm:ssZ format`);
  return ms;
}

/**
 * WebhookLogDtoV1. `statusCode` is an int in the spec; an attempt without an answer (connection refused,
 * timeout) has none, and the simulator's GUESS is that the field is then left out.
 */
export interface WebhookLogDto {
  id: string;
  webhookId: string;
  webhookEventStatusId: string;
  requestBody: string;
  responseBody: string;
  statusCode?: number;
  respondedAt: string;
}

function isoMillis(ms: number): string {
  // The spec's example: 2024-03-04T12:02:28.125+00:00.
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

export function webhookLogDto(log: WebhookLogRecord): WebhookLogDto {
  return {
    id: log.id,
    webhookId: log.webhookId,
    webhookEventStatusId: log.webhookEventStatusId,
    requestBody: log.requestBody,
    responseBody: log.responseBody,
    ...(log.statusCode === null ? {} : { statusCode: log.statusCode }),
    respondedAt: isoMillis(log.respondedAt),
  };
}

/** WebhookEventStatusWithLatestLogDtoV1: the event's status with its latest attempt's log fields. */
export function eventStatusDto(hook: WebhookRecord, status: WebhookEventStatusRecord): Record<string, unknown> {
  const log = status.latestLogId === null ? undefined : hook.logs.find((l) => l.id === status.latestLogId);
  // Fields without a value are left out (the spec's are all optional, none nullable).
  return {
    id: status.id,
    webhookId: status.webhookId,
    status: status.status,
    retryCount: status.retryCount,
    ...(log ? { webhookLogId: log.id, requestBody: log.requestBody, responseBody: log.responseBody, respondedAt: isoMillis(log.respondedAt) } : {}),
    ...(log?.statusCode == null ? {} : { statusCode: log.statusCode }),
  };
}
