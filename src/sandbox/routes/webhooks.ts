import { accessDenied } from "../errors.js";
import { parseBody, webhookBody } from "../request-schemas.js";
import { webhookDto } from "../serialize.js";
import { createWebhook, deleteWebhook, regenerateToken, updateWebhook } from "../webhook-registry.js";
import { created, ok, workspaceRoute } from "./define.js";
import type { Route, RouteResult, WorkspaceContext } from "./define.js";

const WEBHOOKS = "/v1/workspaces/{workspaceId}/webhooks";
const WEBHOOK = `${WEBHOOKS}/{webhookId}`;

/** Only owners and admins can manage webhooks (HELP-LIM). */
function managerRoute(
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  template: string,
  handle: (ctx: WorkspaceContext) => RouteResult,
): Route {
  return workspaceRoute(method, template, (ctx) => {
    if (ctx.role !== "OWNER" && ctx.role !== "ADMIN") {
      throw accessDenied("only workspace owners and admins can manage webhooks");
    }
    return handle(ctx);
  });
}

export const webhookRoutes: Route[] = [
  managerRoute("GET", WEBHOOKS, ({ ws }) => {
    const webhooks = [...ws.webhooks.values()].map(webhookDto);
    return ok({ webhooks, workspaceWebhookCount: webhooks.length });
  }),
  managerRoute("POST", WEBHOOKS, ({ store, ws, user, body }) =>
    created(webhookDto(createWebhook(store, ws, user.id, parseBody(webhookBody, body)))),
  ),
  managerRoute("GET", WEBHOOK, ({ store, ws, params }) => ok(webhookDto(store.webhook(ws, params.webhookId ?? "")))),
  managerRoute("PUT", WEBHOOK, ({ store, ws, params, body }) =>
    ok(webhookDto(updateWebhook(store, ws, params.webhookId ?? "", parseBody(webhookBody, body)))),
  ),
  // The spec declares this 200 without a body.
  managerRoute("DELETE", WEBHOOK, ({ store, ws, params }) => {
    deleteWebhook(store, ws, params.webhookId ?? "");
    return { status: 200 };
  }),
  managerRoute("PATCH", `${WEBHOOK}/token`, ({ store, ws, params }) =>
    ok(webhookDto(regenerateToken(store, ws, params.webhookId ?? ""))),
  ),
];
