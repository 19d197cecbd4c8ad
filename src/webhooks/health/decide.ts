import type { WebhookTriggerSourceType } from "../../clockify/schemas.js";
import type { WebhookRegistration } from "../../db/schema.js";
import type { ObservedWebhook } from "../registration/plan.js";
import type { WebhookSpec } from "../registration/needs.js";

/** Which of the service's webhooks do not deliver, and what repairing one does (pure, table-tested). */

export type Registration = Pick<WebhookRegistration, "workspaceId" | "eventType" | "clockifyWebhookId" | "url">;

/**
 * `disabled`: `enabled` false (someone switched it off, or Clockify did); `undelivered`: `deliveryEnabled`
 * false (Clockify gave up after failed deliveries); `plan`: `planEnabled` false (over the plan's limit),
 * which no request of ours can change; `missing`: Clockify no longer lists it (deleted there, by a person
 * or by a plan change), so nothing delivers.
 */
export type Problem = "disabled" | "undelivered" | "plan" | "missing";

export interface Unhealthy {
  registration: Registration;
  /** Null when Clockify no longer lists it. */
  hook: ObservedWebhook | null;
  problem: Problem;
  /** In words, for the report and the alert. */
  reason: string;
}

const REASONS: Record<Problem, string> = {
  disabled: "disabled in Clockify (enabled: false)",
  undelivered: "Clockify stopped delivering it after failed deliveries (deliveryEnabled: false)",
  plan: "disabled by the workspace's plan (planEnabled: false): over the plan's webhook limit",
  missing: "no longer in Clockify's list of the workspace's webhooks (deleted there)",
};

export function problemOf(hook: Pick<ObservedWebhook, "enabled" | "deliveryEnabled" | "planEnabled">): Problem | null {
  if (hook.planEnabled === false) return "plan";
  if (hook.enabled === false) return "disabled";
  if (hook.deliveryEnabled === false) return "undelivered";
  return null;
}

/**
 * The service's registrations whose webhook does not deliver: listed but switched off, or no longer listed.
 * A registration no pair needs any more is left out: `register` removes its row and creates nothing.
 */
export function findUnhealthy(
  hooks: readonly ObservedWebhook[],
  registrations: readonly Registration[],
  neededEvents: ReadonlySet<string>,
): Unhealthy[] {
  const byId = new Map(hooks.map((h) => [h.id, h]));
  const found: Unhealthy[] = [];
  for (const registration of registrations) {
    const hook = byId.get(registration.clockifyWebhookId) ?? null;
    const problem = hook ? problemOf(hook) : neededEvents.has(registration.eventType) ? "missing" : null;
    if (problem !== null) found.push({ registration, hook, problem, reason: REASONS[problem] });
  }
  return found;
}

export type RepairStep =
  /** PUT the webhook's fields with `enabled: true`: keeps its id and token when Clockify honours it. */
  | { kind: "put" }
  /** Delete it and create it anew (a new id and token): what is left when a PUT does not bring delivery back. */
  | { kind: "recreate" }
  | { kind: "none"; why: string };

/**
 * The first step for a finding. How Clockify turns `deliveryEnabled` back on is undocumented (no source
 * found says; see the README's "Webhook repair"): the GUESS is that a PUT may, so it is tried first and
 * its answer decides (afterPut). A plan's limit cannot be repaired by any request.
 */
export function firstRepairStep(finding: Pick<Unhealthy, "problem">, mayRepair: boolean): RepairStep {
  if (finding.problem === "plan") return { kind: "none", why: "upgrade the plan or delete other webhooks of the workspace" };
  if (!mayRepair) return { kind: "none", why: "webhooks.autoRepair is false: run `clockify-sync webhooks repair`" };
  return finding.problem === "missing" ? { kind: "recreate" } : { kind: "put" };
}

/** After the PUT: done when Clockify's answer says it delivers again; otherwise re-create it. */
export function afterPut(answer: Pick<ObservedWebhook, "enabled" | "deliveryEnabled" | "planEnabled">): "done" | "recreate" {
  return problemOf(answer) === null ? "done" : "recreate";
}

/**
 * The PUT was refused (status 0: no answer). A refusal of what was sent (400, 422: a field this host does
 * not take, such as `enabled`) or of a webhook that is gone (404) is for a re-create to mend; a key that
 * may not (401, 403), a rate limit, a server error or no answer goes away by itself or not at all, and a
 * re-create would only delete a webhook that might have come back.
 */
export function afterPutRefused(status: number): "recreate" | "fail" {
  if (status === 401 || status === 403 || status === 429) return "fail";
  return status >= 400 && status < 500 ? "recreate" : "fail";
}

/** What a PUT or a re-create sends: the scope the pairs need now, else the webhook's own. */
export function repairFields(
  finding: Pick<Unhealthy, "registration" | "hook">,
  needed: WebhookSpec | undefined,
): { url: string; webhookEvent: string; triggerSourceType: WebhookTriggerSourceType; triggerSource: string[] } {
  const { registration, hook } = finding;
  return {
    url: registration.url,
    webhookEvent: registration.eventType,
    triggerSourceType: needed?.triggerSourceType ?? ((hook?.triggerSourceType ?? "WORKSPACE_ID") as WebhookTriggerSourceType),
    triggerSource: needed?.triggerSource ?? [...(hook?.triggerSource ?? [])],
  };
}
