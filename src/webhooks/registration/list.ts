import type { Webhook } from "../../clockify/schemas.js";
import type { WebhookRegistration } from "../../db/schema.js";
import { listAllWebhookRegistrations } from "../../db/webhooks.js";
import { WorkspaceAccess, type RegistrationOptions } from "./access.js";
import { webhookLimit } from "./limits.js";
import { neededWebhooks, wantedRank, type WorkspaceNeed } from "./needs.js";
import { disabledReason } from "./plan.js";
import type { WorkspaceFacts } from "./report.js";
import { normalizeUrl } from "./url.js";

/** `npm run webhooks -- list`: this service's registrations, checked against what Clockify lists. */

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

export interface WorkspaceListing extends WorkspaceFacts {
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
  const access = new WorkspaceAccess(options);
  const needs = new Map(neededWebhooks(config.pairs).map((n) => [n.workspaceId, n]));
  const rows = await listAllWebhookRegistrations(database);
  const ids =
    pairId === undefined
      ? [...new Set([...needs.keys(), ...rows.map((r) => r.workspaceId)])]
      : neededWebhooks(config.pairs, pairId).map((n) => n.workspaceId);
  const workspaces: WorkspaceListing[] = [];
  for (const workspaceId of ids) {
    const mine = rows.filter((r) => r.workspaceId === workspaceId);
    workspaces.push(await listWorkspace(access, workspaceId, needs.get(workspaceId), mine));
  }
  return { workspaces };
}

async function listWorkspace(
  access: WorkspaceAccess,
  workspaceId: string,
  need: WorkspaceNeed | undefined,
  mine: readonly WebhookRegistration[],
): Promise<WorkspaceListing> {
  const needed = new Set<string>((need?.webhooks ?? []).map((w) => w.event));
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
  const opened = await access.open(workspaceId);
  let hooks: Map<string, Webhook> | null = null;
  if ("error" in opened) {
    listing.error = opened.error;
  } else {
    hooks = new Map(opened.hooks.map((h) => [h.id, h]));
    listing.plan = await access.planOf(opened.key, opened.client, workspaceId);
    listing.limit = webhookLimit(listing.plan).perWorkspace;
    listing.inUse = opened.hooks.length;
    const ourIds = new Set(mine.map((r) => r.clockifyWebhookId));
    listing.others = opened.hooks.filter((h) => !ourIds.has(h.id)).length;
  }
  for (const row of mine) {
    listing.registrations.push({
      event: row.eventType,
      webhookId: row.clockifyWebhookId,
      url: row.url,
      registeredAt: new Date(row.createdAt).toISOString(),
      ...statusOf(row, hooks),
      needed: needed.has(row.eventType),
    });
  }
  const live = new Set(listing.registrations.filter((r) => r.status !== "gone").map((r) => r.event));
  listing.missing = [...needed].filter((e) => !live.has(e));
  listing.registrations.sort((a, b) => wantedRank(a.event) - wantedRank(b.event) || a.url.localeCompare(b.url));
  return listing;
}

/** How one of our rows stands in Clockify's list; `hooks` null when the list could not be read. */
function statusOf(
  row: WebhookRegistration,
  hooks: ReadonlyMap<string, Webhook> | null,
): Pick<ListedRegistration, "status" | "detail"> {
  if (hooks === null) return { status: "unchecked", detail: null };
  const hook = hooks.get(row.clockifyWebhookId);
  if (!hook) return { status: "gone", detail: "Clockify no longer has it" };
  const disabled = disabledReason(hook);
  const status: RegistrationStatus = disabled === null ? "active" : "disabled";
  const changed = hook.webhookEvent !== row.eventType || normalizeUrl(hook.url) !== normalizeUrl(row.url);
  return { status, detail: changed ? `changed in Clockify: now ${hook.webhookEvent} → ${hook.url}` : disabled };
}
