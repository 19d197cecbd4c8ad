import { parseConfig, type Config } from "../../src/config/index.js";
import type { AppDatabase } from "../../src/db/connection.js";
import { completeEntryMapping, recordEntryIntent, tombstoneEntryMapping } from "../../src/db/entry-map.js";
import { claimEntities, completeEvents, deadLetterEvents, enqueueDeliveries, type NewInboxEvent } from "../../src/db/inbox.js";
import { upsertProjectMapping } from "../../src/db/project-map.js";
import { finishReconcileRun, startReconcileRun } from "../../src/db/runs.js";
import { insertWebhookRegistration } from "../../src/db/webhooks.js";

export const HOUR = 3_600_000;
/** A fixed "now" so ages and hours are exact. */
export const NOW = Date.parse("2026-11-20T12:00:00Z");

export const WS = {
  SRC: "ws-agency-000000000000001",
  DST: "ws-customer-0000000000001",
  SRC2: "ws-agency-000000000000002",
  DST2: "ws-customer-0000000000002",
} as const;

/** acme: webhooks registered on both sides (see seedAcme). globex: no registrations, a config secret. */
export function statusConfigJson(overrides: { silenceHours?: number } = {}): Record<string, unknown> {
  return {
    pairs: [
      {
        id: "acme",
        source: { apiKey: "k", workspaceId: WS.SRC, userId: "u1", clientId: "c1" },
        destination: { workspaceId: WS.DST },
      },
      {
        id: "globex",
        source: { apiKey: "k", workspaceId: WS.SRC2, userId: "u1", clientId: "c2" },
        destination: { workspaceId: WS.DST2 },
        webhookSecrets: ["globex-secret-0123456789"],
      },
    ],
    alerts: { silenceHours: overrides.silenceHours ?? 24 },
  };
}

export function statusConfig(overrides: { silenceHours?: number } = {}): Config {
  return parseConfig(statusConfigJson(overrides), {});
}

let dedupe = 0;
export function event(pairId: string, workspaceId: string, entityId: string, eventType = "NEW_TIME_ENTRY"): NewInboxEvent {
  dedupe++;
  return {
    pairId,
    workspaceId,
    side: "source",
    eventType,
    entityId,
    body: JSON.stringify({ id: entityId }),
    dedupeKey: `${pairId}:${entityId}:${dedupe}`,
  };
}

/** Applies every pending event of `pairId` as `outcome`, `latencyMs` after it was received. */
export async function applyAll(database: AppDatabase, at: number, outcome = "created"): Promise<void> {
  for (const claimed of await claimEntities(database, { limit: 100, leaseMs: 60_000 }, at)) {
    await completeEvents(database, claimed.rows.map((r) => r.id), { outcome, destinationId: `dst-${claimed.entityId}` }, at);
  }
}

/**
 * acme: 2 projects, 3 live entries, 1 tombstone, 1 create in flight; 3 applied events, 1 dead letter, 1
 * pending; a real run then a dry run. Source webhooks last 2 h ago; destination registered 30 h ago and
 * never heard from.
 */
export async function seedAcme(database: AppDatabase, now: number = NOW): Promise<void> {
  await upsertProjectMapping(database, { pairId: "acme", sourceProjectId: "sp1", destinationProjectId: "dp1", name: "Website", origin: "source" });
  await upsertProjectMapping(database, { pairId: "acme", sourceProjectId: "sp2", destinationProjectId: "dp2", name: "App", origin: "destination" });
  for (const id of ["e1", "e2", "e3"]) {
    await completeEntryMapping(database, { pairId: "acme", sourceEntryId: id, destinationEntryId: `d-${id}`, contentHash: "h" });
  }
  await tombstoneEntryMapping(database, "acme", "e4");
  await recordEntryIntent(database, "acme", "e5");

  for (const hook of [
    { workspaceId: WS.SRC, eventType: "NEW_TIME_ENTRY", id: "hook-1" },
    { workspaceId: WS.DST, eventType: "NEW_PROJECT", id: "hook-2" },
  ]) {
    await insertWebhookRegistration(
            database,
            { workspaceId: hook.workspaceId, eventType: hook.eventType, clockifyWebhookId: hook.id, url: "https://x/webhooks/clockify", token: hook.id },
            now - 30 * HOUR,
          );
  }

  await enqueueDeliveries(database, [[event("acme", WS.SRC, "e1"), event("acme", WS.SRC, "e2"), event("acme", WS.SRC, "e3")]], now - 5 * HOUR);
  await applyAll(database, now - 5 * HOUR + 1500);
  await enqueueDeliveries(database, [[event("acme", WS.SRC, "e6")]], now - 4 * HOUR);
  const claimed = await claimEntities(database, { limit: 10, leaseMs: 1000 }, now - 4 * HOUR);
  await deadLetterEvents(database, claimed.flatMap((c) => c.rows.map((r) => r.id)), "Clockify PUT failed: HTTP 403: locked period");
  await enqueueDeliveries(database, [[event("acme", WS.SRC, "e7", "TIME_ENTRY_UPDATED")]], now - 2 * HOUR);

  const run = await startReconcileRun(database, { pairId: "acme", trigger: "schedule", windowStart: now - 30 * 24 * HOUR - 9 * HOUR, windowEnd: now - 9 * HOUR, dryRun: false }, now - 9 * HOUR);
  await finishReconcileRun(database, run.id, { outcome: "succeeded", created: 1, updated: 2, unchanged: 40, requests: 7 }, now - 9 * HOUR + 2100);
  const dry = await startReconcileRun(database, { pairId: "acme", trigger: "cli", windowStart: 0, windowEnd: 1, dryRun: true }, now - HOUR);
  await finishReconcileRun(database, dry.id, { outcome: "succeeded", created: 99 }, now - HOUR + 10);
}
