import type { ClockifyClient } from "../../clockify/client.js";
import { ClockifyError } from "../../clockify/errors.js";
import type { Webhook } from "../../clockify/schemas.js";
import type { Config } from "../../config/schema.js";
import type { AppDatabase } from "../../db/connection.js";
import type { WebhookRegistration } from "../../db/schema.js";
import { listAllWebhookRegistrations, replaceWebhookRegistration } from "../../db/webhooks.js";
import type { Logger } from "../../observability/logger.js";
import { deleteIfPresent, messageOf, WorkspaceAccess, type RegistrationOptions } from "../registration/access.js";
import { neededWebhooks, type WebhookSpec } from "../registration/needs.js";
import { createWithToken, WEBHOOK_NAME } from "../registration/register.js";
import { afterPut, afterPutRefused, findUnhealthy, firstRepairStep, repairFields, type Registration, type Unhealthy } from "./decide.js";

/** Finding the service's webhooks that do not deliver, and repairing them (`webhooks repair`, and the service's check). */

/** One workspace as the check saw it: its webhooks in Clockify (one listing) and the service's rows there. */
export interface InspectedWorkspace {
  workspaceId: string;
  client: ClockifyClient | null;
  /** Clockify's list; null when it could not be read (`error` says why). */
  hooks: Webhook[] | null;
  registrations: WebhookRegistration[];
  error: string | null;
}

/** One request per workspace: the webhook listing, with the first key of its pairs that may manage them. */
export async function inspectWorkspaces(access: WorkspaceAccess, config: Config, database: AppDatabase, pairId?: string): Promise<InspectedWorkspace[]> {
  const wanted = new Set(neededWebhooks(config.pairs, pairId).map((n) => n.workspaceId));
  const rows = (await listAllWebhookRegistrations(database)).filter((r) => wanted.has(r.workspaceId));
  const inspected: InspectedWorkspace[] = [];
  for (const workspaceId of [...new Set(rows.map((r) => r.workspaceId))]) {
    const registrations = rows.filter((r) => r.workspaceId === workspaceId);
    const opened = await access.open(workspaceId);
    if ("error" in opened) inspected.push({ workspaceId, client: null, hooks: null, registrations, error: opened.error });
    else inspected.push({ workspaceId, client: opened.client, hooks: opened.hooks, registrations, error: null });
  }
  return inspected;
}

export interface RepairResult {
  workspaceId: string;
  event: string;
  webhookId: string;
  reason: string;
  /** re-enabled: a PUT brought it back (same id and token); re-created: deleted and created anew. */
  outcome: "re-enabled" | "re-created" | "left" | "failed";
  /** The new webhook's id after a re-create. */
  newWebhookId: string | null;
  detail: string | null;
}

export interface RepairContext {
  database: AppDatabase;
  logger: Logger;
  config: Config;
  /** False: report only (webhooks.autoRepair false in the service). */
  mayRepair: boolean;
  /** The service is stopping: no webhook is deleted any more (its replacement could not be stored). */
  stopped?: () => boolean;
}

/** Every finding of one inspected workspace, repaired one after another (a PUT, and a re-create if that was not enough). */
export async function repairWorkspace(workspace: InspectedWorkspace, context: RepairContext): Promise<RepairResult[]> {
  if (workspace.hooks === null || workspace.client === null) return [];
  const client = workspace.client;
  const specs = new Map<string, WebhookSpec>();
  for (const need of neededWebhooks(context.config.pairs)) {
    if (need.workspaceId === workspace.workspaceId) for (const spec of need.webhooks) specs.set(spec.event, spec);
  }
  const results: RepairResult[] = [];
  for (const finding of findUnhealthy(workspace.hooks, workspace.registrations, new Set(specs.keys()))) {
    if (context.stopped?.()) break;
    results.push(await repairOne(client, finding, specs.get(finding.registration.eventType), context));
  }
  return results;
}

async function repairOne(client: ClockifyClient, finding: Unhealthy, spec: WebhookSpec | undefined, context: RepairContext): Promise<RepairResult> {
  const { registration, reason } = finding;
  const result: RepairResult = {
    workspaceId: registration.workspaceId,
    event: registration.eventType,
    webhookId: registration.clockifyWebhookId,
    reason,
    outcome: "left",
    newWebhookId: null,
    detail: null,
  };
  const step = firstRepairStep(finding, context.mayRepair);
  if (step.kind === "none") return { ...result, detail: step.why };
  const fields = repairFields(finding, spec);
  let putRefusal: string | null = null;
  if (step.kind === "put") {
    const put = await putEnabled(client, registration, fields, context, result);
    if ("outcome" in put) return put;
    putRefusal = put.refusal;
  }
  if (context.stopped?.()) return { ...result, detail: "the service stopped before it could re-create the webhook" };
  try {
    return await recreate(client, registration, fields, context, result);
  } catch (error) {
    return failed(context, result, putRefusal === null ? messageOf(error) : `${messageOf(error)} (after the PUT was refused: ${putRefusal})`);
  }
}

/** The repair's first try: the result when it settled the matter, else the refusal a re-create may mend (null: the PUT answered but delivery stays off). */
async function putEnabled(
  client: ClockifyClient,
  registration: Registration,
  fields: ReturnType<typeof repairFields>,
  context: RepairContext,
  result: RepairResult,
): Promise<RepairResult | { refusal: string | null }> {
  try {
    const answer = await client.updateWebhook(registration.workspaceId, registration.clockifyWebhookId, { ...fields, name: WEBHOOK_NAME, enabled: true });
    if (afterPut(answer) === "recreate") return { refusal: null };
    context.logger.info({ workspaceId: result.workspaceId, event: result.event, webhookId: result.webhookId }, "webhook re-enabled");
    return { ...result, outcome: "re-enabled" };
  } catch (error) {
    const status = error instanceof ClockifyError ? error.status : 0;
    if (afterPutRefused(status) === "fail") return failed(context, result, messageOf(error));
    return { refusal: messageOf(error) };
  }
}

function failed(context: RepairContext, result: RepairResult, detail: string): RepairResult {
  context.logger.warn({ workspaceId: result.workspaceId, event: result.event, err: detail }, "could not repair a webhook");
  return { ...result, outcome: "failed", detail };
}

/**
 * Still undeliverable after the PUT: delete it and create it anew (first the delete, so a plan's limit
 * has room for the new one), then the new token's hash replaces the registration row. A new webhook
 * whose row cannot be stored (the service stopping, the disk) is deleted again: a webhook the service
 * holds no token for would only have its deliveries refused.
 */
async function recreate(
  client: ClockifyClient,
  registration: Registration,
  fields: ReturnType<typeof repairFields>,
  context: RepairContext,
  result: RepairResult,
): Promise<RepairResult> {
  const { workspaceId, eventType, url } = registration;
  await deleteIfPresent(client, workspaceId, registration.clockifyWebhookId);
  let hook: Awaited<ReturnType<typeof createWithToken>>;
  try {
    hook = await createWithToken(client, workspaceId, url, { event: eventType, triggerSourceType: fields.triggerSourceType, triggerSource: fields.triggerSource });
  } catch (error) {
    return failed(context, result, `deleted it, but could not create it anew: ${messageOf(error)}; run \`clockify-sync webhooks register\``);
  }
  try {
    await replaceWebhookRegistration(context.database, { workspaceId, eventType, clockifyWebhookId: hook.id, url, token: hook.token });
  } catch (error) {
    const undone = await deleteIfPresent(client, workspaceId, hook.id).then(
      () => "deleted it again",
      (deleteError: unknown) => `could not delete it again (${messageOf(deleteError)}): delete webhook ${hook.id} in Clockify`,
    );
    return failed(context, result, `re-created it as ${hook.id} but could not store its token (${messageOf(error)}); ${undone}; run \`clockify-sync webhooks register\``);
  }
  context.logger.info({ workspaceId, event: eventType, webhookId: hook.id, replaced: registration.clockifyWebhookId }, "webhook re-created");
  return { ...result, outcome: "re-created", newWebhookId: hook.id };
}

export interface RepairReport {
  workspaces: { workspaceId: string; error: string | null; results: RepairResult[] }[];
  /** Every listing was read and nothing failed. */
  ok: boolean;
}

/** `webhooks repair`: every workspace with registrations of the service (or of one pair). */
export async function repairWebhooks(options: RegistrationOptions): Promise<RepairReport> {
  const access = new WorkspaceAccess(options);
  const context: RepairContext = { database: options.database, logger: options.logger, config: options.config, mayRepair: true };
  const workspaces: RepairReport["workspaces"] = [];
  for (const workspace of await inspectWorkspaces(access, options.config, options.database, options.pairId)) {
    workspaces.push({ workspaceId: workspace.workspaceId, error: workspace.error, results: await repairWorkspace(workspace, context) });
  }
  const ok = workspaces.every((w) => w.error === null && w.results.every((r) => r.outcome !== "failed" && r.outcome !== "left"));
  return { workspaces, ok };
}

/** The alert a repair (or a finding left alone) sends: what was wrong, what was done, what is left to do. */
export function repairAlert(result: RepairResult): { problem: string; text: string; level: "error" | "info" } {
  const what = `webhook ${result.webhookId} (${result.event}) of workspace ${result.workspaceId} was ${result.reason}`;
  const problem = `webhook-health:${result.workspaceId}:${result.event}:${result.outcome}`;
  switch (result.outcome) {
    case "re-enabled":
      return { problem, level: "info", text: `${what}; re-enabled it (same id and token)` };
    case "re-created":
      return { problem, level: "info", text: `${what}; re-created it as ${result.newWebhookId ?? "?"} with a new token (stored)` };
    case "left":
      return { problem, level: "error", text: `${what}; not repaired: ${result.detail ?? ""}. Until it delivers, changes wait for the nightly run` };
    case "failed":
      return { problem, level: "error", text: `${what}; the repair failed: ${result.detail ?? ""}` };
  }
}
