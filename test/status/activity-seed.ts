import { parseConfig, type Config } from "../../src/config/index.js";
import { recordCheckResults } from "../../src/db/checks.js";
import type { AppDatabase } from "../../src/db/connection.js";
import { claimEntities, completeEvents, enqueueDeliveries, type NewInboxEvent } from "../../src/db/inbox.js";
import { HOUR, NOW, statusConfigJson, WS } from "./seed.js";

/**
 * Applied events with the bodies Clockify sends (API-NOTES §4: the flat hydrated entry, the project
 * object), each completed with the outcome text the worker records, and check problems as the doctor
 * stores them. Times are fixed: NOW from seed.ts; entry times are in UTC, the config reads Europe/Berlin.
 */

export const TIME_ZONE = "Europe/Berlin";
export const HOSTILE_DESCRIPTION = `<script>alert("description")</script> & <img src=x onerror=alert(5)>`;
export const HOSTILE_PROJECT = `<script>alert("project")</script>`;
export const LONG_DESCRIPTION =
  "Reworking the invoice export so that every line item carries the customer's purchase order number, " +
  "plus a long tail of words that nobody needs to read on the status page at all, really, none of them";
/** A Clockify-style id: 24 hex characters, the widest thing a cell has to hold. */
export const LONG_ID = "6744a1f2c3b4d5e6f7a8b9c0";
export const LONG_DESTINATION_ID = "6744a1f2c3b4d5e6f7a8b9ff";

export function activityConfig(): Config {
  return parseConfig({ ...statusConfigJson(), reconcile: { timezone: TIME_ZONE } }, {});
}

interface Applied {
  entityId: string;
  eventType: string;
  body: unknown;
  outcome: string;
  destinationId?: string;
  pairId?: string;
}

function entryBody(id: string, fields: { description: string; project: string | null; start: string; end: string | null }): unknown {
  return {
    id,
    workspaceId: WS.SRC,
    userId: "u1",
    description: fields.description,
    billable: false,
    projectId: fields.project === null ? null : `p-${id}`,
    project: fields.project === null ? null : { id: `p-${id}`, name: fields.project, clientId: "c1" },
    timeInterval: { start: fields.start, end: fields.end, duration: null },
    task: null,
    tags: [],
  };
}

/** Oldest first, so the page (newest first) shows them in reverse. */
export const APPLIED: Applied[] = [
  { entityId: "stub-1", eventType: "TIME_ENTRY_UPDATED", body: { id: "stub-1" }, outcome: "unchanged", destinationId: "d-stub" },
  {
    entityId: "run-1",
    eventType: "NEW_TIMER_STARTED",
    body: entryBody("run-1", { description: "standup", project: "Internal", start: "2026-11-20T08:00:00Z", end: null }),
    outcome: "absent: running",
  },
  {
    entityId: "proj-1",
    eventType: "NEW_PROJECT",
    body: { id: "proj-1", workspaceId: WS.SRC, name: "Mobile app", clientId: "c1", archived: false },
    outcome: "created",
    destinationId: "dproj-1",
  },
  {
    entityId: "hostile-1",
    eventType: "TIME_ENTRY_UPDATED",
    body: entryBody("hostile-1", { description: HOSTILE_DESCRIPTION, project: HOSTILE_PROJECT, start: "2026-11-19T23:30:00Z", end: "2026-11-20T00:15:00Z" }),
    outcome: "updated",
    destinationId: "d-hostile",
  },
  {
    entityId: "gone-1",
    eventType: "TIME_ENTRY_DELETED",
    body: entryBody("gone-1", { description: "", project: null, start: "2026-11-18T10:00:00Z", end: "2026-11-18T10:00:20Z" }),
    outcome: "no such pair",
    pairId: "retired",
  },
  {
    entityId: LONG_ID,
    eventType: "NEW_TIME_ENTRY",
    body: entryBody(LONG_ID, { description: LONG_DESCRIPTION, project: "Website relaunch", start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:30:00Z" }),
    outcome: "created",
    destinationId: LONG_DESTINATION_ID,
  },
];

/** Each APPLIED event received a minute after the previous one and applied 1.5 s after its arrival. */
export async function seedActivity(database: AppDatabase, now: number = NOW): Promise<void> {
  for (const [i, a] of APPLIED.entries()) {
    const at = now - 3 * HOUR + i * 60_000;
    const event: NewInboxEvent = {
      pairId: a.pairId ?? "acme",
      workspaceId: WS.SRC,
      side: "source",
      eventType: a.eventType,
      entityId: a.entityId,
      body: JSON.stringify(a.body),
      dedupeKey: `activity:${a.entityId}`,
    };
    await enqueueDeliveries(database, [[event]], at);
    for (const claimed of await claimEntities(database, { limit: 10, leaseMs: 60_000 }, at)) {
      await completeEvents(database, claimed.rows.map((r) => r.id), { outcome: a.outcome, destinationId: a.destinationId ?? null }, at + 1500);
    }
  }
}

export const PROBLEM_MESSAGES = {
  key: "pair acme, source: the API key was refused (HTTP 401); set pairs[0].source.apiKey to a key of the agency account",
  webhooks: "pair acme, source: webhook for NEW_TIME_ENTRY is disabled in Clockify <b>bold</b>; run npm run webhooks -- register",
  globex: "pair globex, destination: the workspace requires a task on every entry; turn off \u201crequire task\u201d",
};

/** acme: an error and a warning; globex: a warning; a pair not in the config: an error never shown. */
export async function seedProblems(database: AppDatabase, now: number = NOW): Promise<void> {
  await recordCheckResults(
        database,
        "acme",
        [
          { pairId: "acme", check: "source.key", level: "error", message: PROBLEM_MESSAGES.key },
          { pairId: "acme", check: "webhooks", level: "warning", message: PROBLEM_MESSAGES.webhooks },
          { pairId: "acme", check: "destination.key", level: "ok", message: "accepted" },
        ],
        now - 2 * HOUR,
      );
  await recordCheckResults(database, "globex", [{ pairId: "globex", check: "destination.settings", level: "warning", message: PROBLEM_MESSAGES.globex }], now - HOUR);
  await recordCheckResults(database, "removed-pair", [{ pairId: "removed-pair", check: "source.key", level: "error", message: "stale" }], now);
}
