import type { ClockifyClient } from "../../clockify/client.js";
import { ClockifyError } from "../../clockify/errors.js";
import type { WebhookTriggerSourceType } from "../../clockify/schemas.js";
import type { AppDatabase } from "../../db/connection.js";
import { deleteWebhookByClockifyId, listWebhooksForWorkspace, replaceWebhookRegistration } from "../../db/webhooks.js";
import type { Logger } from "../../observability/logger.js";
import { deleteIfPresent, messageOf, WorkspaceAccess, type OpenWorkspace, type RegistrationOptions } from "./access.js";
import { webhookLimit } from "./limits.js";
import { neededWebhooks, type WebhookSpec } from "./needs.js";
import { planRegistrations, type ObservedWorkspace, type PlannedStep, type WorkspacePlan } from "./plan.js";
import { registrationReport, type RegistrationReport, type WorkspaceRegistration } from "./report.js";
import { checkWebhookUrl } from "./url.js";

/** Shown as the webhook's name in Clockify's UI (the API allows 2–30 characters). */
export const WEBHOOK_NAME = "clockify-sync";

export interface RegisterOptions extends RegistrationOptions {
  /** Where Clockify should POST: the service's public https://…/webhooks/clockify. */
  url: string;
}

/** A workspace as Clockify and our table showed it before any change, or why it could not be read. */
type Observation = { opened: OpenWorkspace; workspace: ObservedWorkspace } | { error: string };

/**
 * Makes sure every workspace of the config (or of one pair) has the webhooks it needs, pointing at `url`.
 * Everything is observed first and planRegistrations decides; this only carries the planned steps out
 * and records what happened. Idempotent: what exists is kept; a webhook at `url` that is missing from
 * our table gets a new token. Tokens are only ever held in memory between Clockify's answer and the
 * hash going into the table.
 */
export async function registerWebhooks(options: RegisterOptions): Promise<RegistrationReport> {
  const checked = checkWebhookUrl(options.url);
  if ("error" in checked) throw new RangeError(`webhook URL: ${checked.error}`);
  const url = checked.url;
  const { config, database, pairId } = options;
  const access = new WorkspaceAccess(options);
  const observations = new Map<string, Observation>();
  for (const need of neededWebhooks(config.pairs, pairId)) {
    observations.set(need.workspaceId, await observe(access, database, need.workspaceId));
  }
  const observed = new Map<string, ObservedWorkspace>();
  for (const [workspaceId, observation] of observations) {
    if ("workspace" in observation) observed.set(workspaceId, observation.workspace);
  }
  const workspaces: WorkspaceRegistration[] = [];
  for (const plan of planRegistrations({ pairs: config.pairs, pairId, url, observed })) {
    const observation = observations.get(plan.workspaceId) ?? { error: "the workspace was not observed" };
    workspaces.push(await carryOut(plan, observation, url, options));
  }
  return registrationReport(url, workspaces, config.reconcile);
}

async function observe(access: WorkspaceAccess, database: AppDatabase, workspaceId: string): Promise<Observation> {
  const opened = await access.open(workspaceId);
  if ("error" in opened) return opened;
  const { client, key, hooks } = opened;
  const plan = await access.planOf(key, client, workspaceId);
  // Only a per-user limit makes the key's user matter; otherwise it is not worth a request.
  const keyOwnerId = webhookLimit(plan).perUser === null ? null : await access.ownerOf(key, client);
  const registrations = await listWebhooksForWorkspace(database, workspaceId);
  return { opened, workspace: { plan, webhooks: hooks, registrations, keyOwnerId } };
}

/** What carrying out one workspace's steps works with, and the report it fills in. */
interface StepRun {
  client: ClockifyClient;
  workspaceId: string;
  url: string;
  database: AppDatabase;
  logger: Logger;
  report: WorkspaceRegistration;
  /**
   * Set once Clockify refuses a webhook for its limit (plan unknown, or changed meanwhile): later
   * creations would be refused too, so they are left out without spending a request each.
   */
  refused: string | null;
}

async function carryOut(
  plan: WorkspacePlan,
  observation: Observation,
  url: string,
  { database, logger }: RegistrationOptions,
): Promise<WorkspaceRegistration> {
  const { workspaceId } = plan;
  const report: WorkspaceRegistration = {
    workspaceId,
    sourceOf: plan.sourceOf,
    destinationOf: plan.destinationOf,
    plan: null,
    limit: null,
    inUse: null,
    registered: [],
    existing: [],
    leftOut: [],
    failed: [],
    notes: [],
    error: null,
  };
  if ("error" in observation) {
    report.error = observation.error;
    report.failed = plan.steps.map((step) => ({ event: step.spec.event, error: observation.error }));
    return report;
  }
  Object.assign(report, { plan: observation.workspace.plan, limit: plan.limit.perWorkspace, inUse: plan.inUse, notes: plan.notes });
  for (const id of plan.staleRegistrations) {
    await deleteWebhookByClockifyId(database, id);
    logger.info({ workspaceId, webhookId: id }, "dropped the registration of a webhook Clockify no longer has");
  }
  const run: StepRun = { client: observation.opened.client, workspaceId, url, database, logger, report, refused: null };
  for (const step of plan.steps) await carryOutStep(run, step);
  return report;
}

async function carryOutStep(run: StepRun, step: PlannedStep): Promise<void> {
  const { report } = run;
  const event = step.spec.event;
  switch (step.kind) {
    case "keep":
      report.existing.push({ event, webhookId: step.webhookId, tokenRegenerated: false, disabled: step.disabled });
      return;
    case "adopt":
      return adopt(run, step);
    case "left-out":
      report.leftOut.push({ event, reason: step.reason });
      return;
    case "create":
      return create(run, step.spec, null);
    case "replace":
      // Once Clockify refused one for its limit, the old webhook stays: its replacement would be refused too.
      if (run.refused === null && !(await deleteReplaced(run, step))) return;
      return create(run, step.spec, step.webhookId);
  }
}

async function adopt(run: StepRun, step: Extract<PlannedStep, { kind: "adopt" }>): Promise<void> {
  const { client, workspaceId, url, database, logger, report } = run;
  const event = step.spec.event;
  try {
    const hook = await client.regenerateWebhookToken(workspaceId, step.webhookId);
    if (!hook.authToken) throw new Error("Clockify answered without the new token");
    await replaceWebhookRegistration(database, { workspaceId, eventType: event, clockifyWebhookId: hook.id, url, token: hook.authToken });
    report.existing.push({ event, webhookId: hook.id, tokenRegenerated: true, disabled: step.disabled });
    logger.info({ workspaceId, event, webhookId: hook.id }, "adopted an existing webhook: token regenerated, hash stored");
  } catch (error) {
    report.failed.push({ event, error: messageOf(error) });
    logger.warn({ workspaceId, event, err: messageOf(error) }, "could not regenerate a webhook's token");
  }
}

/** Deletes the webhook a re-scoped one replaces; false (and the failure recorded) when that failed. */
async function deleteReplaced(run: StepRun, step: Extract<PlannedStep, { kind: "replace" }>): Promise<boolean> {
  const { client, workspaceId, database, logger, report } = run;
  const event = step.spec.event;
  try {
    await deleteIfPresent(client, workspaceId, step.webhookId);
    await deleteWebhookByClockifyId(database, step.webhookId);
    logger.info({ workspaceId, event, webhookId: step.webhookId, why: step.why }, "deleted a webhook to re-scope it");
    return true;
  } catch (error) {
    report.failed.push({ event, error: `could not delete ${step.webhookId} to re-scope it: ${messageOf(error)}` });
    return false;
  }
}

/** Creates the planned webhook (after `replaced` was deleted, when it replaces one) and stores its hash. */
async function create(run: StepRun, spec: WebhookSpec, replaced: string | null): Promise<void> {
  const { client, workspaceId, url, database, logger, report } = run;
  const event = spec.event;
  if (run.refused !== null) {
    report.leftOut.push({ event, reason: run.refused });
    return;
  }
  try {
    const hook = await createWithToken(client, workspaceId, url, spec);
    await replaceWebhookRegistration(database, { workspaceId, eventType: event, clockifyWebhookId: hook.id, url, token: hook.token });
    report.registered.push({ event, webhookId: hook.id, triggerSourceType: spec.triggerSourceType, triggerSource: spec.triggerSource, replaced });
    logger.info({ workspaceId, event, webhookId: hook.id }, "webhook registered");
  } catch (error) {
    const lost = replaced === null ? "" : ` (the webhook ${replaced} it was to replace is already deleted)`;
    if (isLimitRefusal(error)) {
      run.refused = `Clockify refused it (webhook limit of the workspace's plan): ${error.detail}`;
      report.leftOut.push({ event, reason: run.refused + lost });
    } else {
      report.failed.push({ event, error: messageOf(error) + lost });
      logger.warn({ workspaceId, event, err: messageOf(error) }, "could not register a webhook");
    }
  }
}

/** Creates the webhook and returns it with its token (regenerated when the create answer lacked one); repair re-creates with it too. */
export async function createWithToken(
  client: ClockifyClient,
  workspaceId: string,
  url: string,
  spec: { event: string; triggerSourceType: WebhookTriggerSourceType; triggerSource: string[] },
): Promise<{ id: string; token: string }> {
  const created = await client.createWebhook(workspaceId, {
    url,
    webhookEvent: spec.event,
    triggerSourceType: spec.triggerSourceType,
    triggerSource: spec.triggerSource,
    name: WEBHOOK_NAME,
  });
  let token = created.authToken ?? null;
  try {
    token ??= (await client.regenerateWebhookToken(workspaceId, created.id)).authToken ?? null;
  } catch {
    token = null;
  }
  if (!token) {
    // A webhook whose token we do not know could only deliver refused requests.
    await deleteIfPresent(client, workspaceId, created.id).catch(() => undefined);
    throw new Error("Clockify did not return the new webhook's token; the webhook was deleted again");
  }
  return { id: created.id, token };
}

function isLimitRefusal(error: unknown): error is ClockifyError {
  return error instanceof ClockifyError && error.kind === "invalid" && /limit/i.test(error.detail);
}
