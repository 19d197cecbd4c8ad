import { z } from "zod";
import { accessDenied, badRequest } from "../errors.js";
import { parseBody, webhookBody, webhookLogSearchBody } from "../request-schemas.js";
import { webhookDto } from "../serialize.js";
import { eventStatusDto, eventStatusesOf, logInstant, logPaging, searchLogs, webhookLogDto } from "../webhook-logs.js";
import { createWebhook, deleteWebhook, regenerateToken, updateWebhook } from "../webhook-registry.js";
import type { WebhookEventStatus } from "../model.js";
import { created, ok, workspaceRoute } from "./define.js";
import type { Route, RouteResult, WorkspaceContext } from "./define.js";

const WEBHOOKS = "/v1/workspaces/{workspaceId}/webhooks";
const WEBHOOK = `${WEBHOOKS}/{webhookId}`;

/** `enabled` is not in UpdateWebhookRequestV1; the simulator's GUESS is that a PUT may carry it (see WebhookInput). */
const enabledField = z.object({ enabled: z.boolean({ error: "enabled must be a boolean" }).optional() });

const EVENT_STATUSES: ReadonlySet<string> = new Set(["SUCCEEDED", "RETRYING", "FAILED"]);

function statusFilter(query: URLSearchParams): WebhookEventStatus | undefined {
  const raw = query.get("statuses");
  if (raw === null || raw === "") return undefined;
  if (!EVENT_STATUSES.has(raw)) throw badRequest(`statuses must be SUCCEEDED, RETRYING or FAILED`);
  return raw as WebhookEventStatus;
}

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
  managerRoute("PUT", WEBHOOK, ({ store, ws, params, body }) => {
    const input = { ...parseBody(webhookBody, body), ...parseBody(enabledField, body) };
    return ok(webhookDto(updateWebhook(store, ws, params.webhookId ?? "", input)));
  }),
  // The spec declares this 200 without a body.
  managerRoute("DELETE", WEBHOOK, ({ store, ws, params }) => {
    deleteWebhook(store, ws, params.webhookId ?? "");
    return { status: 200 };
  }),
  managerRoute("POST", `${WEBHOOK}/logs`, ({ store, ws, params, body, query }) => {
    const hook = store.webhook(ws, params.webhookId ?? "");
    const search = parseBody(webhookLogSearchBody, body);
    const found = searchLogs(
      hook,
      {
        from: logInstant("from", search.from),
        to: logInstant("to", search.to),
        status: search.status ?? "ALL",
        sortByNewest: search.sortByNewest ?? false,
      },
      logPaging(query),
    );
    return ok(found.map(webhookLogDto));
  }),
  managerRoute("GET", `${WEBHOOK}/statuses`, ({ store, ws, params, query }) => {
    const hook = store.webhook(ws, params.webhookId ?? "");
    return ok(eventStatusesOf(hook, statusFilter(query), logPaging(query)).map((s) => eventStatusDto(hook, s)));
  }),
  managerRoute("PATCH", `${WEBHOOK}/token`, ({ store, ws, params }) =>
    ok(webhookDto(regenerateToken(store, ws, params.webhookId ?? ""))),
  ),
];
