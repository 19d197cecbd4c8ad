// A webhook's delivery logs and event statuses (spec: getLogsForWebhook, getWebhookEventStatusesWithLatestLog).
import { z } from "zod";
import type { Transport } from "./transport.js";

/*
 * Known from the spec only (API-NOTES §11), no live sample found: every field is optional and nullable,
 * unknown fields are kept out of the way (z.object strips them) rather than refused.
 */
const text = z.string().nullish();

/** WebhookLogDtoV1: one delivery attempt. `requestBody` is the delivered JSON as a string. */
export const webhookLogSchema = z.object({
  id: text,
  webhookId: text,
  webhookEventStatusId: text,
  requestBody: text,
  responseBody: text,
  statusCode: z.number().nullish(),
  respondedAt: text,
});
export type WebhookLog = z.infer<typeof webhookLogSchema>;

/** WebhookEventStatusWithLatestLogDtoV1: one event's delivery as a whole, with its latest attempt. */
export const webhookEventStatusSchema = z.object({
  id: text,
  webhookId: text,
  webhookLogId: text,
  status: text,
  retryCount: z.number().nullish(),
  requestBody: text,
  responseBody: text,
  statusCode: z.number().nullish(),
  respondedAt: text,
});
export type WebhookEventStatus = z.infer<typeof webhookEventStatusSchema>;

/** WebhookLogSearchRequestV1; instants in yyyy-MM-ddThh:mm:ssZ. */
export interface WebhookLogSearch {
  from?: string;
  to?: string;
  status?: "ALL" | "SUCCEEDED" | "FAILED";
  sortByNewest?: boolean;
}

/** One page (the first unless `page` is given: the spec's default page is 0, its example 1). */
export function searchWebhookLogs(
  http: Transport,
  workspaceId: string,
  webhookId: string,
  search: WebhookLogSearch,
  paging: { size: number; page?: number },
): Promise<WebhookLog[]> {
  return http.call({
    method: "POST",
    route: "/workspaces/{workspaceId}/webhooks/{webhookId}/logs",
    params: { workspaceId, webhookId },
    query: { size: paging.size, ...(paging.page === undefined ? {} : { page: paging.page }) },
    body: search,
    schema: z.array(webhookLogSchema),
  });
}

export function listWebhookEventStatuses(
  http: Transport,
  workspaceId: string,
  webhookId: string,
  filter: { status?: "SUCCEEDED" | "RETRYING" | "FAILED"; size?: number } = {},
): Promise<WebhookEventStatus[]> {
  return http.call({
    method: "GET",
    route: "/workspaces/{workspaceId}/webhooks/{webhookId}/statuses",
    params: { workspaceId, webhookId },
    query: { statuses: filter.status, size: filter.size },
    schema: z.array(webhookEventStatusSchema),
  });
}
