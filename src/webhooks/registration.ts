import { and, asc, eq, or } from "drizzle-orm";
import { ClockifyClient } from "../clockify/client.js";
import { ClockifyError, isNotFoundAnswer } from "../clockify/errors.js";
import { RateLimiterRegistry } from "../clockify/rate-limiter.js";
import type { Webhook } from "../clockify/schemas.js";
import type { Config, PairConfig } from "../config/schema.js";
import type { AppDatabase } from "../db/connection.js";
import { webhooks as webhookTable, type WebhookRegistration } from "../db/schema.js";
import { deleteWebhookByClockifyId, insertWebhookRegistration, listWebhooksForWorkspace } from "../db/webhooks.js";
import type { Logger } from "../observability/logger.js";
import { isEntryEvent, type HandledEvent } from "./events.js";

/**
 * Registering the service's webhooks in Clockify (`npm run webhooks`): which ones each workspace needs,
 * what the plan allows, and keeping Clockify and our `webhooks` table in step. One webhook per event per
 * WORKSPACE serves every pair on that workspace (API-NOTES §3): the URL is the same for all of them and
 * the intake fans a delivery out to the pairs it concerns.
 */

/** The path the service listens on (src/http/webhook-route.ts); a registered URL must end with it. */
export const WEBHOOK_URL_PATH = "/webhooks/clockify";

/** Shown as the webhook's name in Clockify's UI (the API allows 2–30 characters). */
export const WEBHOOK_NAME = "clockify-sync";

export type WorkspaceRole = "source" | "destination";

export interface EventValue {
  role: WorkspaceRole;
  event: HandledEvent;
  /** What a delivery of this event does for the mirror. */
  gives: string;
}

/**
 * Every webhook the mirror wants, most valuable first. On a FREE workspace (3 webhooks, counting other
 * integrations') only the head of this list fits; whatever is left out is still mirrored by the nightly
 * reconciliation, only late. So the order ranks what the customer would otherwise see wrong for a day:
 *
 * 1-2. NEW_TIME_ENTRY, TIMER_STOPPED: how entries come into being (added by hand, or a timer stopping; the
 *      stop body carries every edit made while it ran). Without them nothing appears until the night.
 * 3.   TIME_ENTRY_UPDATED before TIME_ENTRY_DELETED: edits are far more frequent than deletions (fixing the
 *      end of a forgotten timer, the description, the project, rounding), and UPDATED also covers the
 *      "logical" create and delete of the mirror: an entry moved onto one of the client's projects appears,
 *      one moved to another client's project (the usual fix for time booked on the wrong customer, which
 *      must not stay visible to this customer) disappears. DELETED covers only a real deletion, which is
 *      rarer; until the nightly run the copy stays, which is the same kind of error as a stale edit.
 *      With 3 slots: NEW_TIME_ENTRY, TIMER_STOPPED, TIME_ENTRY_UPDATED.
 * 4.   TIME_ENTRY_DELETED.
 * 5-6. Destination NEW_PROJECT, PROJECT_UPDATED: a customer's new project gets its twin under the client in
 *      the source right away (people can book time on it; entries parked for it wake up), then renames.
 *      Ranked after the entry events because they matter only when a workspace is both a source and a
 *      destination (otherwise they compete with nothing).
 * 7-8. TIME_ENTRY_RESTORED, TIME_ENTRY_SPLIT: rare (undo of a delete, the split action).
 * 9.   Source NEW_PROJECT: a project under the client gets its destination twin before its first entry; the
 *      first entry does that anyway, so this only saves a moment.
 * NEW_TIMER_STARTED is not wanted at all: running timers are not mirrored, the stop event brings them.
 */
export const EVENT_VALUE: readonly EventValue[] = [
  { role: "source", event: "NEW_TIME_ENTRY", gives: "entries added by hand appear" },
  { role: "source", event: "TIMER_STOPPED", gives: "timed entries appear when the timer stops" },
  { role: "source", event: "TIME_ENTRY_UPDATED", gives: "edits follow, incl. moves onto or off the client's projects" },
  { role: "source", event: "TIME_ENTRY_DELETED", gives: "deleted entries disappear" },
  { role: "destination", event: "NEW_PROJECT", gives: "new destination projects get their source twin" },
  { role: "destination", event: "PROJECT_UPDATED", gives: "renamed destination projects are renamed in the source" },
  { role: "source", event: "TIME_ENTRY_RESTORED", gives: "restored entries come back" },
  { role: "source", event: "TIME_ENTRY_SPLIT", gives: "split entries are mirrored as two" },
  { role: "source", event: "NEW_PROJECT", gives: "new client projects get their destination twin early" },
];

// ---------------------------------------------------------------------------------------------------
// What each workspace needs (pure)

export interface WebhookSpec {
  event: HandledEvent;
  /** Entry webhooks only fire for the pairs' users; project webhooks for the whole workspace. */
  triggerSourceType: "USER_ID" | "WORKSPACE_ID";
  triggerSource: string[];
}

export interface WorkspaceNeed {
  workspaceId: string;
  /** Pairs (of the whole config) mirroring out of / into this workspace. */
  sourceOf: string[];
  destinationOf: string[];
  /** Most valuable first (EVENT_VALUE). */
  webhooks: WebhookSpec[];
}

/**
 * One entry per workspace of the selected pairs (all pairs, or `pairId`'s), each needed event once.
 * The events are those the selected pairs need there; the user scope of an entry webhook always covers
 * every pair of the config with that source workspace, since the one webhook serves them all.
 */
export function neededWebhooks(pairs: readonly PairConfig[], pairId?: string): WorkspaceNeed[] {
  const selected = pairId === undefined ? pairs : pairs.filter((p) => p.id === pairId);
  if (pairId !== undefined && selected.length === 0) throw new RangeError(`no pair "${pairId}" in the config`);
  const order: string[] = [];
  const roles = new Map<string, Set<WorkspaceRole>>();
  const addRole = (workspaceId: string, role: WorkspaceRole) => {
    let set = roles.get(workspaceId);
    if (!set) {
      set = new Set();
      roles.set(workspaceId, set);
      order.push(workspaceId);
    }
    set.add(role);
  };
  for (const pair of selected) {
    addRole(pair.source.workspaceId, "source");
    addRole(pair.destination.workspaceId, "destination");
  }
  return order.map((workspaceId) => {
    const here = roles.get(workspaceId) ?? new Set<WorkspaceRole>();
    const sourceOf = pairs.filter((p) => p.source.workspaceId === workspaceId);
    const users = [...new Set(sourceOf.map((p) => p.source.userId))].sort();
    const events: WebhookSpec[] = [];
    for (const value of EVENT_VALUE) {
      if (!here.has(value.role) || events.some((e) => e.event === value.event)) continue;
      events.push(
        isEntryEvent(value.event)
          ? { event: value.event, triggerSourceType: "USER_ID", triggerSource: users }
          : { event: value.event, triggerSourceType: "WORKSPACE_ID", triggerSource: [workspaceId] },
      );
    }
    return {
      workspaceId,
      sourceOf: sourceOf.map((p) => p.id),
      destinationOf: pairs.filter((p) => p.destination.workspaceId === workspaceId).map((p) => p.id),
      webhooks: events,
    };
  });
}

/** API keys that may manage a workspace's webhooks: the selected pairs' first, each pair's key for that side. */
export function workspaceKeys(pairs: readonly PairConfig[], workspaceId: string, pairId?: string): string[] {
  const ordered = pairId === undefined ? pairs : [...pairs.filter((p) => p.id === pairId), ...pairs.filter((p) => p.id !== pairId)];
  const keys: string[] = [];
  for (const pair of ordered) {
    if (pair.source.workspaceId === workspaceId) keys.push(pair.source.apiKey);
    if (pair.destination.workspaceId === workspaceId) keys.push(pair.destination.apiKey);
  }
  return [...new Set(keys)];
}

// ---------------------------------------------------------------------------------------------------
// Plan limits (API-NOTES §5)

export interface WebhookLimit {
  /** `featureSubscriptionType` as Clockify sent it; null when it did not say. */
  plan: string | null;
  /** Webhooks per workspace; null when unknown (then Clockify's refusal is the limit). */
  perWorkspace: number | null;
  /** Webhooks one user may own in a workspace; null when there is no such limit or it is unknown. */
  perUser: number | null;
}

/**
 * FREE: 3 per workspace. BASIC/STANDARD/PRO (any other paid plan): 100 per workspace, 10 per user.
 * ENTERPRISE: 300 per workspace, 100 per user. Plan names come with suffixes (`STANDARD_2021`).
 */
export function webhookLimit(plan: string | null | undefined): WebhookLimit {
  const name = plan?.trim() ? plan.trim() : null;
  if (name === null) return { plan: null, perWorkspace: null, perUser: null };
  const upper = name.toUpperCase();
  if (upper.startsWith("FREE")) return { plan: name, perWorkspace: 3, perUser: null };
  if (upper.startsWith("ENTERPRISE")) return { plan: name, perWorkspace: 300, perUser: 100 };
  return { plan: name, perWorkspace: 100, perUser: 10 };
}

// ---------------------------------------------------------------------------------------------------
// Planning against what Clockify and our table hold (pure)

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
  /** In EVENT_VALUE order. */
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

export function planWorkspace(
  need: WorkspaceNeed,
  url: string,
  observed: ObservedWorkspace,
  /** Events any pair of the config needs in this workspace (for the "not needed" note). */
  neededByAnyPair: ReadonlySet<string> = new Set(need.webhooks.map((w) => w.event)),
): WorkspacePlan {
  const target = normalizeUrl(url);
  const limit = webhookLimit(observed.plan);
  const rows = new Map(observed.registrations.map((r) => [r.clockifyWebhookId, r]));
  const listed = new Set(observed.webhooks.map((w) => w.id));
  const atUrl = (w: ObservedWebhook) => normalizeUrl(w.url) === target;
  const others = observed.webhooks.filter((w) => !rows.has(w.id) && !atUrl(w)).length;
  const owner = observed.keyOwnerId;
  let used = observed.webhooks.length;
  let usedByOwner = owner === null ? null : observed.webhooks.filter((w) => w.userId === owner).length;
  const notes: string[] = [];
  const steps: PlannedStep[] = [];

  const noRoom = (): string | null => {
    const plan = limit.plan ?? "current";
    if (limit.perWorkspace !== null && used >= limit.perWorkspace) {
      const foreign = others > 0 ? `, ${others} of them from other integrations` : "";
      return `no room: the ${plan} plan allows ${limit.perWorkspace} webhooks per workspace and ${used} are in use${foreign}`;
    }
    if (limit.perUser !== null && usedByOwner !== null && usedByOwner >= limit.perUser) {
      return `no room: on the ${plan} plan a user may own ${limit.perUser} webhooks per workspace and the API key's user owns ${usedByOwner} here`;
    }
    return null;
  };

  for (const spec of need.webhooks) {
    const candidates = observed.webhooks.filter((w) => w.webhookEvent === spec.event && atUrl(w));
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
      const reason = noRoom();
      if (reason !== null) {
        steps.push({ kind: "left-out", spec, reason });
        continue;
      }
      steps.push({ kind: "create", spec });
      used++;
      if (usedByOwner !== null) usedByOwner++;
      continue;
    }
    const gap = scopeGap(pick, spec, need.workspaceId);
    if (gap !== null) {
      // The replacement belongs to the key's user: only possible when that user may own one more.
      const ownerGains = usedByOwner !== null && pick.userId !== owner;
      if (!ownerGains || limit.perUser === null || (usedByOwner ?? 0) < limit.perUser) {
        steps.push({ kind: "replace", spec, webhookId: pick.id, why: gap });
        if (ownerGains && usedByOwner !== null) usedByOwner++;
        continue;
      }
      notes.push(`${spec.event} (${pick.id}): ${gap}, and the API key's user may not own another webhook to replace it`);
    }
    steps.push({ kind: ours(pick) ? "keep" : "adopt", spec, webhookId: pick.id, disabled: disabledReason(pick) });
  }

  const otherUrls = observed.registrations.filter((r) => listed.has(r.clockifyWebhookId) && normalizeUrl(r.url) !== target);
  if (otherUrls.length > 0) {
    const urls = [...new Set(otherUrls.map((r) => r.url))];
    notes.push(
      `${otherUrls.length} webhook(s) this service registered here for another URL still exist (${urls.join(", ")}); ` +
        `if the service moved: npm run webhooks -- remove --url ${urls[0] ?? ""}`,
    );
  }
  const unneeded = observed.registrations.filter(
    (r) => listed.has(r.clockifyWebhookId) && normalizeUrl(r.url) === target && !neededByAnyPair.has(r.eventType),
  );
  if (unneeded.length > 0) {
    notes.push(
      `registered by this service but needed by no pair: ${unneeded.map((r) => r.eventType).join(", ")} ` +
        `(they take ${unneeded.length} slot(s); npm run webhooks -- remove, then register, drops them)`,
    );
  }

  return {
    workspaceId: need.workspaceId,
    sourceOf: need.sourceOf,
    destinationOf: need.destinationOf,
    limit,
    inUse: observed.webhooks.length,
    others,
    steps,
    staleRegistrations: observed.registrations.filter((r) => !listed.has(r.clockifyWebhookId)).map((r) => r.clockifyWebhookId),
    notes,
  };
}

/** Why an existing webhook does not deliver everything `spec` asks for; null when it does (or cannot tell). */
export function scopeGap(hook: ObservedWebhook, spec: WebhookSpec, workspaceId: string): string | null {
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

function disabledReason(hook: ObservedWebhook): string | null {
  if (hook.enabled === false) return "disabled in Clockify";
  if (hook.deliveryEnabled === false) return "Clockify stopped delivering it after too many failed attempts";
  if (hook.planEnabled === false) return "disabled by Clockify's plan (downgrade)";
  return null;
}

/** Canonical form for comparing URLs (host case, default port); the input unchanged when it is not a URL. */
export function normalizeUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

export type WebhookUrlCheck = { url: string; warning: string | null } | { error: string };

/** An absolute http(s) URL whose path ends with /webhooks/clockify; a warning when Clockify would send secrets in clear. */
export function checkWebhookUrl(raw: string): WebhookUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: `not an absolute URL: ${JSON.stringify(raw)}` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { error: `expected http or https, got ${url.protocol}` };
  if (url.username || url.password) return { error: "the URL must not carry a user name or password" };
  if (url.hash) return { error: "the URL must not have a #fragment" };
  if (!url.pathname.endsWith(WEBHOOK_URL_PATH)) {
    return { error: `the path must end with ${WEBHOOK_URL_PATH} (the service's webhook route), got ${url.pathname}` };
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const local = host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\./.test(host);
  const warning =
    url.protocol === "http:" && !local
      ? `${url.origin} is not https: Clockify would send each webhook's signing secret in clear text`
      : null;
  return { url: url.href, warning };
}

// ---------------------------------------------------------------------------------------------------
// Running it against Clockify

export interface RegistrationOptions {
  config: Config;
  database: AppDatabase;
  /** Clockify API base including /api/v1. */
  apiUrl: string;
  logger: Logger;
  /** Only this pair's workspaces. */
  pairId?: string;
  /** Tests inject clients; by default one per key with the config's rate and retry settings. */
  clientFor?: (apiKey: string) => ClockifyClient;
}

export interface RegisterOptions extends RegistrationOptions {
  /** Where Clockify should POST: the service's public https://…/webhooks/clockify. */
  url: string;
}

export interface RegisteredWebhook {
  event: string;
  webhookId: string;
  triggerSourceType: string;
  triggerSource: string[];
  /** The webhook it replaced (scope did not cover the pairs' users), or null. */
  replaced: string | null;
}

export interface ExistingWebhook {
  event: string;
  webhookId: string;
  /** It was in Clockify but not in our table: its token was regenerated and the new one's hash stored. */
  tokenRegenerated: boolean;
  /** Why it does not deliver now, or null. */
  disabled: string | null;
}

export interface LeftOutWebhook {
  event: string;
  reason: string;
}

export interface FailedWebhook {
  event: string;
  error: string;
}

export interface WorkspaceRegistration {
  workspaceId: string;
  sourceOf: string[];
  destinationOf: string[];
  /** `featureSubscriptionType`, null when Clockify did not say. */
  plan: string | null;
  /** Webhooks allowed in the workspace, null when unknown. */
  limit: number | null;
  /** Webhooks in the workspace before this run; null when it could not be listed. */
  inUse: number | null;
  registered: RegisteredWebhook[];
  existing: ExistingWebhook[];
  leftOut: LeftOutWebhook[];
  failed: FailedWebhook[];
  notes: string[];
  /** Set when the workspace could not be worked on at all. */
  error: string | null;
}

export interface RegistrationReport {
  url: string;
  workspaces: WorkspaceRegistration[];
  /** What was left out and that the nightly reconciliation covers it; null when nothing was. */
  leftOutSummary: string | null;
  /** No event failed (left out is not a failure). */
  ok: boolean;
}

/**
 * Makes sure every workspace of the config (or of one pair) has the webhooks it needs, pointing at `url`.
 * Idempotent: what exists is kept; a webhook at `url` that is missing from our table gets a new token.
 * Tokens are only ever held in memory between Clockify's answer and the hash going into the table.
 */
export async function registerWebhooks(options: RegisterOptions): Promise<RegistrationReport> {
  const checked = checkWebhookUrl(options.url);
  if ("error" in checked) throw new RangeError(`webhook URL: ${checked.error}`);
  const url = checked.url;
  const ctx = new Context(options);
  const allNeeds = new Map(neededWebhooks(options.config.pairs).map((n) => [n.workspaceId, n]));
  const workspaces: WorkspaceRegistration[] = [];
  for (const need of neededWebhooks(options.config.pairs, options.pairId)) {
    const neededHere = new Set((allNeeds.get(need.workspaceId)?.webhooks ?? []).map((w) => w.event));
    workspaces.push(await registerInWorkspace(ctx, need, url, neededHere));
  }
  const leftOut = workspaces.filter((w) => w.leftOut.length > 0);
  const count = leftOut.reduce((n, w) => n + w.leftOut.length, 0);
  const { cron, timezone, windowDays } = options.config.reconcile;
  return {
    url,
    workspaces,
    leftOutSummary:
      count === 0
        ? null
        : `${count} event(s) left out in ${leftOut.length} workspace(s). The nightly reconciliation ` +
          `(cron "${cron}" ${timezone}, last ${windowDays} days) covers the rest: what those events would have ` +
          "mirrored within seconds arrives at its next run instead.",
    ok: workspaces.every((w) => w.failed.length === 0 && w.error === null),
  };
}

async function registerInWorkspace(
  ctx: Context,
  need: WorkspaceNeed,
  url: string,
  neededHere: ReadonlySet<string>,
): Promise<WorkspaceRegistration> {
  const { database, logger } = ctx.options;
  const workspaceId = need.workspaceId;
  const report: WorkspaceRegistration = {
    workspaceId,
    sourceOf: need.sourceOf,
    destinationOf: need.destinationOf,
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
  const access = await ctx.open(workspaceId);
  if ("error" in access) {
    report.error = access.error;
    report.failed = need.webhooks.map((w) => ({ event: w.event, error: access.error }));
    return report;
  }
  const { client, key, hooks } = access;
  const plan = await ctx.planOf(key, client, workspaceId);
  const limit = webhookLimit(plan);
  const keyOwnerId = limit.perUser === null ? null : await ctx.ownerOf(key, client);
  const planned = planWorkspace(
    need,
    url,
    { plan, webhooks: hooks, registrations: listWebhooksForWorkspace(database, workspaceId), keyOwnerId },
    neededHere,
  );
  Object.assign(report, { plan, limit: limit.perWorkspace, inUse: planned.inUse, notes: planned.notes });

  for (const id of planned.staleRegistrations) {
    deleteWebhookByClockifyId(database, id);
    logger.info({ workspaceId, webhookId: id }, "dropped the registration of a webhook Clockify no longer has");
  }

  // Set once Clockify refuses a webhook for its limit (plan unknown, or changed meanwhile): later
  // creations would be refused too, so they are left out without spending a request each.
  let refused: string | null = null;
  for (const step of planned.steps) {
    const event = step.spec.event;
    switch (step.kind) {
      case "keep":
        report.existing.push({ event, webhookId: step.webhookId, tokenRegenerated: false, disabled: step.disabled });
        break;
      case "adopt":
        try {
          const hook = await client.regenerateWebhookToken(workspaceId, step.webhookId);
          if (!hook.authToken) throw new Error("Clockify answered without the new token");
          storeRegistration(database, { workspaceId, eventType: event, clockifyWebhookId: hook.id, url, token: hook.authToken });
          report.existing.push({ event, webhookId: hook.id, tokenRegenerated: true, disabled: step.disabled });
          logger.info({ workspaceId, event, webhookId: hook.id }, "adopted an existing webhook: token regenerated, hash stored");
        } catch (error) {
          report.failed.push({ event, error: describe(error) });
          logger.warn({ workspaceId, event, err: describe(error) }, "could not regenerate a webhook's token");
        }
        break;
      case "left-out":
        report.leftOut.push({ event, reason: step.reason });
        break;
      case "create":
      case "replace": {
        if (refused !== null) {
          report.leftOut.push({ event, reason: refused });
          break;
        }
        const replaced = step.kind === "replace" ? step.webhookId : null;
        if (replaced !== null) {
          try {
            await deleteIfPresent(client, workspaceId, replaced);
            deleteWebhookByClockifyId(database, replaced);
            logger.info({ workspaceId, event, webhookId: replaced, why: step.kind === "replace" ? step.why : "" }, "deleted a webhook to re-scope it");
          } catch (error) {
            report.failed.push({ event, error: `could not delete ${replaced} to re-scope it: ${describe(error)}` });
            break;
          }
        }
        try {
          const hook = await createWithToken(client, workspaceId, url, step.spec);
          storeRegistration(database, { workspaceId, eventType: event, clockifyWebhookId: hook.id, url, token: hook.token });
          report.registered.push({
            event,
            webhookId: hook.id,
            triggerSourceType: step.spec.triggerSourceType,
            triggerSource: step.spec.triggerSource,
            replaced,
          });
          logger.info({ workspaceId, event, webhookId: hook.id }, "webhook registered");
        } catch (error) {
          const lost = replaced === null ? "" : ` (the webhook ${replaced} it was to replace is already deleted)`;
          if (isLimitRefusal(error)) {
            refused = `Clockify refused it (webhook limit of the workspace's plan): ${error.detail}`;
            report.leftOut.push({ event, reason: refused + lost });
          } else {
            report.failed.push({ event, error: describe(error) + lost });
            logger.warn({ workspaceId, event, err: describe(error) }, "could not register a webhook");
          }
        }
        break;
      }
    }
  }
  return report;
}

/** Creates the webhook and returns it with its token (regenerated when the create answer lacked one). */
async function createWithToken(
  client: ClockifyClient,
  workspaceId: string,
  url: string,
  spec: WebhookSpec,
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

/** Replaces whatever row holds the same webhook or the same (workspace, event, url), in one transaction. */
function storeRegistration(
  database: AppDatabase,
  input: { workspaceId: string; eventType: string; clockifyWebhookId: string; url: string; token: string },
): void {
  database.sqlite.transaction(() => {
    database.db
      .delete(webhookTable)
      .where(
        or(
          eq(webhookTable.clockifyWebhookId, input.clockifyWebhookId),
          and(
            eq(webhookTable.workspaceId, input.workspaceId),
            eq(webhookTable.eventType, input.eventType),
            eq(webhookTable.url, input.url),
          ),
        ),
      )
      .run();
    insertWebhookRegistration(database, input);
  })();
}

/** True when Clockify still had it; false when it was already gone. */
async function deleteIfPresent(client: ClockifyClient, workspaceId: string, webhookId: string): Promise<boolean> {
  try {
    await client.deleteWebhook(workspaceId, webhookId);
    return true;
  } catch (error) {
    if (isNotFoundAnswer(error)) return false;
    throw error;
  }
}

function isLimitRefusal(error: unknown): error is ClockifyError {
  return error instanceof ClockifyError && error.kind === "invalid" && /limit/i.test(error.detail);
}

function isAccessDenied(error: unknown): boolean {
  return error instanceof ClockifyError && (error.kind === "unauthorized" || error.kind === "forbidden");
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Clients per key, and what each key has told us (plan per workspace, its user), for one command. */
class Context {
  private readonly clients = new Map<string, ClockifyClient>();
  private readonly plans = new Map<string, Promise<Map<string, string | null>>>();
  private readonly owners = new Map<string, Promise<string | null>>();
  private readonly makeClient: (apiKey: string) => ClockifyClient;

  constructor(readonly options: RegistrationOptions) {
    if (options.clientFor) {
      this.makeClient = options.clientFor;
    } else {
      const { clockify } = options.config;
      const limiters = new RateLimiterRegistry({ requestsPerSecond: clockify.requestsPerSecond });
      this.makeClient = (apiKey) =>
        new ClockifyClient({
          baseUrl: options.apiUrl,
          apiKey,
          limiter: limiters.forKey(apiKey),
          timeoutMs: clockify.timeoutMs,
          backoff: { maxRetries: clockify.maxRetries },
        });
    }
  }

  client(apiKey: string): ClockifyClient {
    let client = this.clients.get(apiKey);
    if (!client) {
      client = this.makeClient(apiKey);
      this.clients.set(apiKey, client);
    }
    return client;
  }

  /** The first key of the workspace's pairs that may list its webhooks (owners and admins only). */
  async open(
    workspaceId: string,
  ): Promise<{ client: ClockifyClient; key: string; hooks: Webhook[] } | { error: string }> {
    const keys = workspaceKeys(this.options.config.pairs, workspaceId, this.options.pairId);
    if (keys.length === 0) return { error: "no pair in the config has this workspace, so there is no API key for it" };
    let last: unknown;
    for (const key of keys) {
      const client = this.client(key);
      try {
        return { client, key, hooks: await client.listWebhooks(workspaceId) };
      } catch (error) {
        last = error;
        if (!isAccessDenied(error)) break;
      }
    }
    const denied = isAccessDenied(last) ? " (only workspace owners and admins can manage webhooks)" : "";
    return { error: `could not list the workspace's webhooks: ${describe(last)}${denied}` };
  }

  /** `featureSubscriptionType` of the workspace as the key sees it; null when unknown. */
  async planOf(key: string, client: ClockifyClient, workspaceId: string): Promise<string | null> {
    let plans = this.plans.get(key);
    if (!plans) {
      plans = client.listWorkspaces().then(
        (list) => new Map(list.map((w) => [w.id, w.featureSubscriptionType ?? null])),
        (error: unknown) => {
          this.options.logger.warn({ err: describe(error) }, "could not read the workspaces' plans; Clockify's refusal will be the limit");
          return new Map<string, string | null>();
        },
      );
      this.plans.set(key, plans);
    }
    return (await plans).get(workspaceId) ?? null;
  }

  async ownerOf(key: string, client: ClockifyClient): Promise<string | null> {
    let owner = this.owners.get(key);
    if (!owner) {
      owner = client.getCurrentUser().then(
        (u) => u.id,
        () => null,
      );
      this.owners.set(key, owner);
    }
    return owner;
  }
}

// ---------------------------------------------------------------------------------------------------
// list

export type RegistrationStatus = "active" | "disabled" | "gone" | "unchecked";

export interface ListedRegistration {
  event: string;
  webhookId: string;
  url: string;
  registeredAt: string;
  /** active/disabled: as Clockify lists it; gone: Clockify no longer has it; unchecked: could not ask. */
  status: RegistrationStatus;
  detail: string | null;
  /** Some pair of the config needs this event in this workspace. */
  needed: boolean;
}

export interface WorkspaceListing {
  workspaceId: string;
  sourceOf: string[];
  destinationOf: string[];
  plan: string | null;
  limit: number | null;
  /** Webhooks in the workspace (anyone's); null when not checked. */
  inUse: number | null;
  registrations: ListedRegistration[];
  /** Events the pairs need here that this service has no live registration for. */
  missing: string[];
  /** Webhooks in Clockify that are not this service's; null when not checked. */
  others: number | null;
  error: string | null;
}

export interface RegistrationListing {
  workspaces: WorkspaceListing[];
}

/** This service's registrations per workspace, checked against Clockify's list (one request per workspace). */
export async function listRegistrations(options: RegistrationOptions): Promise<RegistrationListing> {
  const { config, database, pairId } = options;
  const ctx = new Context(options);
  const needs = new Map(neededWebhooks(config.pairs).map((n) => [n.workspaceId, n]));
  const rows = allRegistrations(database);
  const ids =
    pairId === undefined
      ? [...new Set([...needs.keys(), ...rows.map((r) => r.workspaceId)])]
      : neededWebhooks(config.pairs, pairId).map((n) => n.workspaceId);
  const workspaces: WorkspaceListing[] = [];
  for (const workspaceId of ids) {
    const need = needs.get(workspaceId);
    const needed = new Set<string>((need?.webhooks ?? []).map((w) => w.event));
    const mine = rows.filter((r) => r.workspaceId === workspaceId);
    const listing: WorkspaceListing = {
      workspaceId,
      sourceOf: need?.sourceOf ?? [],
      destinationOf: need?.destinationOf ?? [],
      plan: null,
      limit: null,
      inUse: null,
      registrations: [],
      missing: [],
      others: null,
      error: null,
    };
    const access = await ctx.open(workspaceId);
    let hooks: Map<string, Webhook> | null = null;
    if ("error" in access) {
      listing.error = access.error;
    } else {
      hooks = new Map(access.hooks.map((h) => [h.id, h]));
      listing.plan = await ctx.planOf(access.key, access.client, workspaceId);
      listing.limit = webhookLimit(listing.plan).perWorkspace;
      listing.inUse = access.hooks.length;
      const ourIds = new Set(mine.map((r) => r.clockifyWebhookId));
      listing.others = access.hooks.filter((h) => !ourIds.has(h.id)).length;
    }
    for (const row of mine) {
      const hook = hooks?.get(row.clockifyWebhookId);
      const disabled = hook ? disabledReason(hook) : null;
      let status: RegistrationStatus;
      let detail: string | null = null;
      if (hooks === null) status = "unchecked";
      else if (!hook) {
        status = "gone";
        detail = "Clockify no longer has it";
      } else if (disabled !== null) {
        status = "disabled";
        detail = disabled;
      } else status = "active";
      if (hook && (hook.webhookEvent !== row.eventType || normalizeUrl(hook.url) !== normalizeUrl(row.url))) {
        detail = `changed in Clockify: now ${hook.webhookEvent} → ${hook.url}`;
      }
      listing.registrations.push({
        event: row.eventType,
        webhookId: row.clockifyWebhookId,
        url: row.url,
        registeredAt: new Date(row.createdAt).toISOString(),
        status,
        detail,
        needed: needed.has(row.eventType),
      });
    }
    const live = new Set(listing.registrations.filter((r) => r.status !== "gone").map((r) => r.event));
    listing.missing = [...needed].filter((e) => !live.has(e));
    listing.registrations.sort((a, b) => rank(a.event) - rank(b.event) || a.url.localeCompare(b.url));
    workspaces.push(listing);
  }
  return { workspaces };
}

function rank(event: string): number {
  const i = EVENT_VALUE.findIndex((v) => v.event === event);
  return i === -1 ? EVENT_VALUE.length : i;
}

function allRegistrations({ db }: AppDatabase): WebhookRegistration[] {
  return db.select().from(webhookTable).orderBy(asc(webhookTable.workspaceId), asc(webhookTable.id)).all();
}

// ---------------------------------------------------------------------------------------------------
// remove

export interface RemoveOptions extends RegistrationOptions {
  /** Only registrations for this URL (e.g. the old one after the service moved). */
  url?: string;
}

export interface RemovedWebhook {
  event: string;
  webhookId: string;
  url: string;
  /** Clockify no longer had it; only our row was dropped. */
  alreadyGone: boolean;
}

export interface KeptWebhook {
  event: string;
  webhookId: string;
  url: string;
  reason: string;
}

export interface FailedRemoval {
  event: string;
  webhookId: string;
  url: string;
  error: string;
}

export interface WorkspaceRemoval {
  workspaceId: string;
  removed: RemovedWebhook[];
  kept: KeptWebhook[];
  failed: FailedRemoval[];
}

export interface RemovalReport {
  workspaces: WorkspaceRemoval[];
  ok: boolean;
}

/**
 * Deletes, in Clockify and in our table, the webhooks this service registered (our table's ids; nobody
 * else's). With `pairId`, only in that pair's workspaces and only those no other pair still needs there.
 * A webhook Clockify already lost just has its row dropped.
 */
export async function removeWebhooks(options: RemoveOptions): Promise<RemovalReport> {
  const { config, database, pairId, logger } = options;
  const ctx = new Context(options);
  const target = options.url === undefined ? null : normalizeUrl(options.url);
  const scope = pairId === undefined ? null : new Set(neededWebhooks(config.pairs, pairId).map((n) => n.workspaceId));
  const stillNeeded = new Set<string>();
  if (pairId !== undefined) {
    for (const need of neededWebhooks(config.pairs.filter((p) => p.id !== pairId))) {
      for (const w of need.webhooks) stillNeeded.add(`${need.workspaceId}\u0000${w.event}`);
    }
  }
  const rows = allRegistrations(database).filter(
    (r) => (scope === null || scope.has(r.workspaceId)) && (target === null || normalizeUrl(r.url) === target),
  );
  const byWorkspace = new Map<string, WebhookRegistration[]>();
  for (const row of rows) byWorkspace.set(row.workspaceId, [...(byWorkspace.get(row.workspaceId) ?? []), row]);

  const workspaces: WorkspaceRemoval[] = [];
  for (const [workspaceId, mine] of byWorkspace) {
    const result: WorkspaceRemoval = { workspaceId, removed: [], kept: [], failed: [] };
    workspaces.push(result);
    const toDelete: WebhookRegistration[] = [];
    for (const row of mine) {
      const base = { event: row.eventType, webhookId: row.clockifyWebhookId, url: row.url };
      if (stillNeeded.has(`${workspaceId}\u0000${row.eventType}`)) {
        const others = config.pairs
          .filter((p) => p.id !== pairId && (p.source.workspaceId === workspaceId || p.destination.workspaceId === workspaceId))
          .map((p) => p.id);
        result.kept.push({ ...base, reason: `still needed by pair(s) ${others.join(", ")}` });
      } else toDelete.push(row);
    }
    if (toDelete.length === 0) continue;
    const keys = workspaceKeys(config.pairs, workspaceId, pairId);
    if (keys.length === 0) {
      for (const row of toDelete) {
        result.kept.push({
          event: row.eventType,
          webhookId: row.clockifyWebhookId,
          url: row.url,
          reason:
            "no pair in the config has this workspace, so there is no API key to delete it with; " +
            "delete it in Clockify (workspace settings → Webhooks)",
        });
      }
      continue;
    }
    for (const row of toDelete) {
      const base = { event: row.eventType, webhookId: row.clockifyWebhookId, url: row.url };
      let outcome: { gone: boolean } | { error: unknown } = { error: new Error("no key tried") };
      for (const key of keys) {
        try {
          outcome = { gone: !(await deleteIfPresent(ctx.client(key), workspaceId, row.clockifyWebhookId)) };
          break;
        } catch (error) {
          outcome = { error };
          if (!isAccessDenied(error)) break;
        }
      }
      if ("error" in outcome) {
        result.failed.push({ ...base, error: describe(outcome.error) });
        logger.warn({ workspaceId, webhookId: row.clockifyWebhookId, err: describe(outcome.error) }, "could not delete a webhook");
        continue;
      }
      deleteWebhookByClockifyId(database, row.clockifyWebhookId);
      result.removed.push({ ...base, alreadyGone: outcome.gone });
      logger.info({ workspaceId, webhookId: row.clockifyWebhookId, alreadyGone: outcome.gone }, "webhook removed");
    }
  }
  return { workspaces, ok: workspaces.every((w) => w.failed.length === 0) };
}
