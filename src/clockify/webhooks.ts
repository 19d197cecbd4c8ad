// A workspace's webhook registrations.
import { z } from "zod";
import { webhookListSchema, webhookSchema, type CreateWebhookRequest, type Webhook } from "./schemas.js";
import type { Transport } from "./transport.js";

export async function listWebhooks(http: Transport, workspaceId: string): Promise<Webhook[]> {
  // This endpoint ignores paging (API-NOTES §5, §7): one request returns them all.
  const answer = await http.call({
    method: "GET",
    route: "/workspaces/{workspaceId}/webhooks",
    params: { workspaceId },
    schema: webhookListSchema,
  });
  return answer.webhooks;
}

export function createWebhook(http: Transport, workspaceId: string, body: CreateWebhookRequest): Promise<Webhook> {
  return http.call({
    method: "POST",
    route: "/workspaces/{workspaceId}/webhooks",
    params: { workspaceId },
    body,
    schema: webhookSchema,
  });
}

/**
 * UpdateWebhookRequestV1 plus `enabled`, which the spec's request lacks but its DTO has: whether Clockify
 * honours it is undocumented (a GUESS the repair checks by reading the answer).
 */
export type UpdateWebhookRequest = CreateWebhookRequest & { enabled?: boolean };

export function updateWebhook(http: Transport, workspaceId: string, webhookId: string, body: UpdateWebhookRequest): Promise<Webhook> {
  return http.call({
    method: "PUT",
    route: "/workspaces/{workspaceId}/webhooks/{webhookId}",
    params: { workspaceId, webhookId },
    body,
    schema: webhookSchema,
  });
}

export async function deleteWebhook(http: Transport, workspaceId: string, webhookId: string): Promise<void> {
  await http.call({
    method: "DELETE",
    route: "/workspaces/{workspaceId}/webhooks/{webhookId}",
    params: { workspaceId, webhookId },
    schema: z.unknown(),
  });
}

export function regenerateWebhookToken(http: Transport, workspaceId: string, webhookId: string): Promise<Webhook> {
  return http.call({
    method: "PATCH",
    route: "/workspaces/{workspaceId}/webhooks/{webhookId}/token",
    params: { workspaceId, webhookId },
    schema: webhookSchema,
  });
}
