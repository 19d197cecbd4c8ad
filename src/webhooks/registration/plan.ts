import type { Webhook } from "../../clockify/schemas.js";
import type { PairConfig } from "../../config/schema.js";
import type { WebhookRegistration } from "../../db/schema.js";
import { WebhookSlots, webhookLimit, type WebhookLimit } from "./limits.js";
import { neededWebhooks, type WebhookSpec, type WorkspaceNeed } from "./needs.js";
import { normalizeUrl } from "./url.js";

/** Deciding, against what Clockify and our table hold, what registering must do (pure). */

export type ObservedWebhook = Pick<Webhook, "id" | "url" | "webhookEvent"> &
  Partial<Pick<Webhook, "userId" | "triggerSourceType" | "triggerSource" | "enabled" | "deliveryEnabled" | "planEnabled">>;

export interface ObservedWorkspace {
  /** `featureSubscriptionType`; null when unknown. */
  plan: string | null;
  /** Every webhook Clockify lists for the workspace: any URL, any owner, other integrations' too. */
  webhooks: readonly ObservedWebhook[];
  /** This service's rows for the workspace. */
  registrations: readonly Pick<WebhookRegistration, "clockifyWebhookId" | "eventType" | "url">[];
  /** The API key's user (for per-user limits); null when unknown. */
  keyOwnerId: string | null;
}

export type PlannedStep =
  /** Registered by us, token known: nothing to do. */
  | { kind: "keep"; spec: WebhookSpec; webhookId: string; disabled: string | null }
  /** At our URL but its token is unknown to us: regenerate the token and store its hash. */
  | { kind: "adopt"; spec: WebhookSpec; webhookId: string; disabled: string | null }
  | { kind: "create"; spec: WebhookSpec }
  /** At our URL but its scope misses some of the pairs' users: delete it and create it anew. */
  | { kind: "replace"; spec: WebhookSpec; webhookId: string; why: string }
  | { kind: "left-out"; spec: WebhookSpec; reason: string };

export interface WorkspacePlan {
  workspaceId: string;
  sourceOf: string[];
  destinationOf: string[];
  limit: WebhookLimit;
  /** Webhooks in the workspace before this run. */
  inUse: number;
  /** Of those, neither this service's nor at this URL (other integrations). */
  others: number;
  /** In WANTED_WEBHOOKS order. */
  steps: PlannedStep[];
  /** Our rows whose webhook Clockify no longer lists: to drop. */
  staleRegistrations: string[];
  notes: string[];
}

export interface PlanInput {
  /** Every pair of the config (scopes and "still needed" look at all of them). */
  pairs: readonly PairConfig[];
  pairId?: string;
  url: string;
  /** Per workspace; a workspace not in the map is planned as empty with an unknown plan. */
  observed?: ReadonlyMap<string, ObservedWorkspace>;
}

const EMPTY_WORKSPACE: ObservedWorkspace = { plan: null, webhooks: [], registrations: [], keyOwnerId: null };

/**
 * Decides per workspace what to keep, adopt, create, replace or leave out. The most valuable events are
 * placed first; existing webhooks (anyone's) count against the plan's limit, and nothing that exists is
 * deleted to make room.
 */
export function planRegistrations(input: PlanInput): WorkspacePlan[] {
  const allNeeds = new Map(neededWebhooks(input.pairs).map((n) => [n.workspaceId, n]));
  return neededWebhooks(input.pairs, input.pairId).map((need) =>
    planWorkspace(
      need,
      input.url,
      input.observed?.get(need.workspaceId) ?? EMPTY_WORKSPACE,
      new Set((allNeeds.get(need.workspaceId)?.webhooks ?? []).map((w) => w.event)),
    ),
  );
}

/** One workspace as the planner sees it: the target URL, our rows, and the slots left. */
interface WorkspaceView {
  workspaceId: string;
  target: string;
  observed: ObservedWorkspace;
  rows: ReadonlyMap<string, ObservedWorkspace["registrations"][number]>;
  slots: WebhookSlots;
  notes: string[];
}

function planWorkspace(
  need: WorkspaceNeed,
  url: string,
  observed: ObservedWorkspace,
  /** Events any pair of the config needs in this workspace (for the "not needed" note). */
  neededByAnyPair: ReadonlySet<string>,
): WorkspacePlan {
  const target = normalizeUrl(url);
  const limit = webhookLimit(observed.plan);
  const rows = new Map(observed.registrations.map((r) => [r.clockifyWebhookId, r]));
  const listed = new Set(observed.webhooks.map((w) => w.id));
  const others = observed.webhooks.filter((w) => !rows.has(w.id) && normalizeUrl(w.url) !== target).length;
  const view: WorkspaceView = {
    workspaceId: need.workspaceId,
    target,
    observed,
    rows,
    slots: new WebhookSlots(limit, observed.webhooks, observed.keyOwnerId, others),
    notes: [],
  };
  const steps = need.webhooks.map((spec) => planWebhook(view, spec));
  return {
    workspaceId: need.workspaceId,
    sourceOf: need.sourceOf,
    destinationOf: need.destinationOf,
    limit,
    inUse: observed.webhooks.length,
    others,
    steps,
    staleRegistrations: observed.registrations.filter((r) => !listed.has(r.clockifyWebhookId)).map((r) => r.clockifyWebhookId),
    notes: [...view.notes, ...leftoverNotes(observed, target, listed, neededByAnyPair)],
  };
}

/** The step for one needed webhook; counts the slots it takes and adds notes on what it found. */
function planWebhook(view: WorkspaceView, spec: WebhookSpec): PlannedStep {
  const { target, rows, slots, notes } = view;
  const candidates = view.observed.webhooks.filter((w) => w.webhookEvent === spec.event && normalizeUrl(w.url) === target);
  const ours = (w: ObservedWebhook) => {
    const row = rows.get(w.id);
    return row !== undefined && row.eventType === spec.event && normalizeUrl(row.url) === target;
  };
  const pick = candidates.find(ours) ?? candidates[0];
  if (candidates.length > 1) {
    notes.push(
      `${candidates.length - 1} more ${spec.event} webhook(s) at this URL (${candidates
        .filter((c) => c !== pick)
        .map((c) => c.id)
        .join(", ")}): the service refuses their deliveries unless their secret is in webhookSecrets; delete them in Clockify`,
    );
  }
  if (!pick) {
    const reason = slots.noRoom();
    if (reason !== null) return { kind: "left-out", spec, reason };
    slots.takeOne();
    return { kind: "create", spec };
  }
  const gap = scopeGap(pick, spec, view.workspaceId);
  if (gap !== null) {
    // The replacement belongs to the key's user: only possible when that user may own one more.
    if (slots.takeOverFrom(pick.userId)) return { kind: "replace", spec, webhookId: pick.id, why: gap };
    notes.push(`${spec.event} (${pick.id}): ${gap}, and the API key's user may not own another webhook to replace it`);
  }
  return { kind: ours(pick) ? "keep" : "adopt", spec, webhookId: pick.id, disabled: disabledReason(pick) };
}

/** Notes on our registrations that still exist but serve no current need (another URL, no pair). */
function leftoverNotes(
  observed: ObservedWorkspace,
  target: string,
  listed: ReadonlySet<string>,
  neededByAnyPair: ReadonlySet<string>,
): string[] {
  const notes: string[] = [];
  const live = observed.registrations.filter((r) => listed.has(r.clockifyWebhookId));
  const otherUrls = live.filter((r) => normalizeUrl(r.url) !== target);
  if (otherUrls.length > 0) {
    const urls = [...new Set(otherUrls.map((r) => r.url))];
    notes.push(
      `${otherUrls.length} webhook(s) this service registered here for another URL still exist (${urls.join(", ")}); ` +
        `if the service moved: npm run webhooks -- remove --url ${urls[0] ?? ""}`,
    );
  }
  const unneeded = live.filter((r) => normalizeUrl(r.url) === target && !neededByAnyPair.has(r.eventType));
  if (unneeded.length > 0) {
    notes.push(
      `registered by this service but needed by no pair: ${unneeded.map((r) => r.eventType).join(", ")} ` +
        `(they take ${unneeded.length} slot(s); npm run webhooks -- remove, then register, drops them)`,
    );
  }
  return notes;
}

/** Why an existing webhook does not deliver everything `spec` asks for; null when it does (or cannot tell). */
function scopeGap(hook: ObservedWebhook, spec: WebhookSpec, workspaceId: string): string | null {
  const type = hook.triggerSourceType;
  const sources = hook.triggerSource ?? [];
  if (type === null || type === undefined) return null;
  if (type === "WORKSPACE_ID") {
    return sources.length === 0 || sources.includes(workspaceId) ? null : `it is scoped to other workspace(s)`;
  }
  if (type === "USER_ID" && spec.triggerSourceType === "USER_ID") {
    const missing = spec.triggerSource.filter((u) => !sources.includes(u));
    return missing.length === 0 ? null : `its user scope misses ${missing.join(", ")}`;
  }
  return `it is scoped by ${type}, which does not cover ${spec.triggerSourceType === "USER_ID" ? "every entry of the pairs' users" : "every project"}`;
}

/** Why a listed webhook delivers nothing now; null when it is live. */
export function disabledReason(hook: ObservedWebhook): string | null {
  if (hook.enabled === false) return "disabled in Clockify";
  if (hook.deliveryEnabled === false) return "Clockify stopped delivering it after too many failed attempts";
  if (hook.planEnabled === false) return "disabled by Clockify's plan (downgrade)";
  return null;
}
