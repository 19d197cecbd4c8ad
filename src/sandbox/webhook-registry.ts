import { badRequest } from "./errors.js";
import { alphanumericSecret } from "./ids.js";
import { TRIGGER_SOURCE_TYPES, WEBHOOK_EVENTS, WEBHOOK_LIMIT } from "./webhook-events.js";
import type { Store } from "./store.js";
import type { TriggerScope, WebhookRecord, WorkspaceRecord, WorldEvent } from "./model.js";

/** Webhook registrations: validation, plan limits, tokens, and which ones an event reaches. */

export interface WebhookInput {
  url: string;
  webhookEvent: string;
  triggerSourceType?: string;
  triggerSource?: readonly string[];
  name?: string;
  /**
   * Not in UpdateWebhookRequestV1; the DTO has it and the UI switches it. The simulator's GUESS: a PUT
   * that carries it sets it, one without it leaves it as it was.
   */
  enabled?: boolean;
}

const EVENTS: ReadonlySet<string> = new Set(WEBHOOK_EVENTS);
const SOURCE_TYPES: ReadonlySet<string> = new Set(TRIGGER_SOURCE_TYPES);

/** Observed user-webhook tokens are 32-char alphanumeric strings (API-NOTES §2). */
export const TOKEN_LENGTH = 32;

function validated(store: Store, ws: WorkspaceRecord, input: WebhookInput): Omit<WebhookRecord, "id" | "workspaceId" | "userId" | "authToken" | "enabled" | "deliveryEnabled" | "logs" | "eventStatuses" | "failedInARow"> {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw badRequest("Webhook url is not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw badRequest("Webhook url must be http or https");
  if (!EVENTS.has(input.webhookEvent)) throw badRequest(`Unknown webhook event: ${input.webhookEvent}`);
  const triggerSourceType = input.triggerSourceType ?? "WORKSPACE_ID";
  if (!SOURCE_TYPES.has(triggerSourceType)) throw badRequest(`Unknown trigger source type: ${triggerSourceType}`);
  // Unnamed is allowed (name is optional); a given name must fit the spec's 2–30 characters.
  const name = input.name ?? "";
  if (name !== "" && (name.length < 2 || name.length > 30)) {
    throw badRequest("Webhook name must be between 2 and 30 characters");
  }
  const triggerSource = [...(input.triggerSource ?? [])];
  for (const id of triggerSource) assertSourceExists(store, ws, triggerSourceType, id);
  return { url: input.url, event: input.webhookEvent, triggerSourceType, triggerSource, name };
}

function assertSourceExists(store: Store, ws: WorkspaceRecord, type: string, id: string): void {
  switch (type) {
    case "USER_ID":
      store.member(ws, id);
      return;
    case "PROJECT_ID":
      store.project(ws, id);
      return;
    case "TAG_ID":
      store.tag(ws, id);
      return;
    case "TASK_ID":
      store.task(ws, id);
      return;
    case "WORKSPACE_ID":
      if (id !== ws.id) throw badRequest("Workspace doesn't belong to Workspace");
      return;
    default:
      return;
  }
}

export function createWebhook(store: Store, ws: WorkspaceRecord, userId: string, input: WebhookInput): WebhookRecord {
  const fields = validated(store, ws, input);
  const limit = WEBHOOK_LIMIT[ws.plan];
  if (ws.webhooks.size >= limit) {
    throw badRequest(`Webhook limit reached: a workspace on the ${ws.plan} plan can have at most ${limit} webhooks`);
  }
  const hook: WebhookRecord = {
    id: store.ids.objectId(),
    workspaceId: ws.id,
    userId,
    authToken: alphanumericSecret(TOKEN_LENGTH),
    enabled: true,
    deliveryEnabled: true,
    logs: [],
    eventStatuses: [],
    failedInARow: 0,
    ...fields,
  };
  ws.webhooks.set(hook.id, hook);
  return hook;
}

export function updateWebhook(store: Store, ws: WorkspaceRecord, webhookId: string, input: WebhookInput): WebhookRecord {
  const hook = store.webhook(ws, webhookId);
  const fields = validated(store, ws, { ...input, name: input.name ?? hook.name });
  // GUESS (undocumented): a PUT never turns deliveryEnabled back on. Clockify says only that it "can be
  // disabled if delivery failed for too many times"; how it comes back is not said anywhere we found, so
  // the simulator takes the strict reading and a repair has to re-create such a webhook.
  if (input.enabled !== undefined) hook.enabled = input.enabled;
  return Object.assign(hook, fields);
}

export function deleteWebhook(store: Store, ws: WorkspaceRecord, webhookId: string): WebhookRecord {
  const hook = store.webhook(ws, webhookId);
  ws.webhooks.delete(hook.id);
  return hook;
}

/** The old token stops being sent at once, including on retries already scheduled. */
export function regenerateToken(store: Store, ws: WorkspaceRecord, webhookId: string): WebhookRecord {
  const hook = store.webhook(ws, webhookId);
  hook.authToken = alphanumericSecret(TOKEN_LENGTH);
  return hook;
}

export function listeningWebhooks(ws: WorkspaceRecord, event: WorldEvent): WebhookRecord[] {
  const out: WebhookRecord[] = [];
  for (const hook of ws.webhooks.values()) {
    if (hook.enabled && hook.deliveryEnabled && hook.event === event.event && triggers(hook, ws.id, event.scope)) out.push(hook);
  }
  return out;
}

function triggers(hook: WebhookRecord, workspaceId: string, scope: TriggerScope): boolean {
  const sources = hook.triggerSource;
  const has = (id: string | null | undefined): boolean => !!id && sources.includes(id);
  switch (hook.triggerSourceType) {
    case "WORKSPACE_ID":
      return sources.length === 0 || sources.includes(workspaceId);
    case "USER_ID":
      return has(scope.userId);
    case "PROJECT_ID":
      return has(scope.projectId);
    case "TASK_ID":
      return has(scope.taskId);
    case "TAG_ID":
      return (scope.tagIds ?? []).some((id) => sources.includes(id));
    default:
      return false;
  }
}
