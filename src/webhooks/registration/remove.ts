import type { PairConfig } from "../../config/schema.js";
import type { WebhookRegistration } from "../../db/schema.js";
import { deleteWebhookByClockifyId, listAllWebhookRegistrations } from "../../db/webhooks.js";
import { deleteIfPresent, isAccessDenied, messageOf, workspaceKeys, WorkspaceAccess, type RegistrationOptions } from "./access.js";
import { neededWebhooks } from "./needs.js";
import { normalizeUrl } from "./url.js";

/** `npm run webhooks -- remove`: deleting this service's webhooks in Clockify and in our table. */

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

const NO_KEY_REASON =
  "no pair in the config has this workspace, so there is no API key to delete it with; " +
  "delete it in Clockify (workspace settings → Webhooks)";

/**
 * Deletes, in Clockify and in our table, the webhooks this service registered (our table's ids; nobody
 * else's). With `pairId`, only in that pair's workspaces and only those no other pair still needs there.
 * A webhook Clockify already lost just has its row dropped.
 */
export async function removeWebhooks(options: RemoveOptions): Promise<RemovalReport> {
  const { config, pairId } = options;
  const access = new WorkspaceAccess(options);
  const target = options.url === undefined ? null : normalizeUrl(options.url);
  const scope = pairId === undefined ? null : new Set(neededWebhooks(config.pairs, pairId).map((n) => n.workspaceId));
  const stillNeeded = pairId === undefined ? new Set<string>() : neededByOtherPairs(config.pairs, pairId);
  const rows = (await listAllWebhookRegistrations(options.database)).filter(
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
      if (stillNeeded.has(neededKey(workspaceId, row.eventType))) {
        const others = config.pairs
          .filter((p) => p.id !== pairId && (p.source.workspaceId === workspaceId || p.destination.workspaceId === workspaceId))
          .map((p) => p.id);
        result.kept.push({ ...described(row), reason: `still needed by pair(s) ${others.join(", ")}` });
      } else toDelete.push(row);
    }
    if (toDelete.length > 0) await deleteRegistrations(access, options, result, toDelete);
  }
  return { workspaces, ok: workspaces.every((w) => w.failed.length === 0) };
}

const neededKey = (workspaceId: string, event: string) => `${workspaceId}\u0000${event}`;

/** (workspace, event) pairs that the config's pairs other than `pairId` need. */
function neededByOtherPairs(pairs: readonly PairConfig[], pairId: string): Set<string> {
  const needed = new Set<string>();
  for (const need of neededWebhooks(pairs.filter((p) => p.id !== pairId))) {
    for (const w of need.webhooks) needed.add(neededKey(need.workspaceId, w.event));
  }
  return needed;
}

const described = (row: WebhookRegistration) => ({ event: row.eventType, webhookId: row.clockifyWebhookId, url: row.url });

/** Deletes each in Clockify with the first key allowed to, then its row; records each outcome in `result`. */
async function deleteRegistrations(
  access: WorkspaceAccess,
  { config, database, pairId, logger }: RegistrationOptions,
  result: WorkspaceRemoval,
  toDelete: readonly WebhookRegistration[],
): Promise<void> {
  const { workspaceId } = result;
  const keys = workspaceKeys(config.pairs, workspaceId, pairId);
  if (keys.length === 0) {
    for (const row of toDelete) result.kept.push({ ...described(row), reason: NO_KEY_REASON });
    return;
  }
  for (const row of toDelete) {
    let outcome: { gone: boolean } | { error: unknown } = { error: new Error("no key tried") };
    for (const key of keys) {
      try {
        outcome = { gone: !(await deleteIfPresent(access.client(key), workspaceId, row.clockifyWebhookId)) };
        break;
      } catch (error) {
        outcome = { error };
        if (!isAccessDenied(error)) break;
      }
    }
    if ("error" in outcome) {
      result.failed.push({ ...described(row), error: messageOf(outcome.error) });
      logger.warn({ workspaceId, webhookId: row.clockifyWebhookId, err: messageOf(outcome.error) }, "could not delete a webhook");
      continue;
    }
    await deleteWebhookByClockifyId(database, row.clockifyWebhookId);
    result.removed.push({ ...described(row), alreadyGone: outcome.gone });
    logger.info({ workspaceId, webhookId: row.clockifyWebhookId, alreadyGone: outcome.gone }, "webhook removed");
  }
}
