import { readdirSync, readFileSync } from "node:fs";
import { parseConfig, type Config } from "../../src/config/index.js";
import type { AppDatabase } from "../../src/db/connection.js";
import { insertWebhookRegistration } from "../../src/db/webhooks.js";
import { startServiceHarness, type ServiceHarness } from "../helpers/harness.js";
import { ENTRY_EVENTS, PROJECT_EVENTS } from "../../src/webhooks/events.js";

/**
 * One agency workspace (SRC) with two customers' pairs out of it (acme, globex: same user, different
 * clients), a second source workspace (OTHER_SRC, pair initech) that mirrors into acme's destination,
 * and a workspace no pair knows (STRANGER).
 */
const REGISTERED_EVENTS = [
  ...ENTRY_EVENTS,
  ...PROJECT_EVENTS,
  "PROJECT_DELETED",
  "NEW_CLIENT",
  "USER_UPDATED",
  "NEW_TAG",
  "TASK_UPDATED",
  "NOT_A_CLOCKIFY_EVENT",
];

export const WS = {
  SRC: "ws-agency-0000000000000001",
  OTHER_SRC: "ws-agency-0000000000000002",
  DST: "ws-customer-00000000000001",
  DST2: "ws-customer-00000000000002",
  STRANGER: "ws-stranger-0000000000001",
} as const;
export const USER = "user-ada-000000000000001";
export const OTHER_USER = "user-bob-000000000000002";
export const CLIENT = { ACME: "client-acme-00000000001", GLOBEX: "client-globex-0000000002", INITECH: "client-initech-000000003" };

/** 32-character alphanumeric, the shape of real Clockify webhook tokens (API-NOTES §2). */
export const TOKEN = {
  SRC: "Rk7fQ2mZp9XcV4bN8sLw1TyH6uJd3EaG",
  OTHER_SRC: "b3NfW8qLz1KxC5vR9tYm2HgD7pJs4UeA",
  DST: "Zq1Wx2Ec3Rv4Tb5Yn6Um7Ik8Ol9Pa0Sd",
  DST2: "Mn4Bv5Cx6Zl7Kj8Hg9Fd0Sa1Qw2Er3Ty",
  STRANGER: "Hh8Gg7Ff6Ee5Dd4Cc3Bb2Aa1Zz0Yy9Xx",
} as const;
/** acme's `webhookSecrets` entry: speaks for both of acme's workspaces, and only those. */
export const CONFIG_SECRET = "cfg-Secret-Acme-5f2d9e71c0b84a36";

export function testConfig(): Config {
  return parseConfig(
    {
      pairs: [
        {
          id: "acme",
          source: { apiKey: "key-ada", workspaceId: WS.SRC, userId: USER, clientId: CLIENT.ACME },
          destination: { workspaceId: WS.DST },
          webhookSecrets: [CONFIG_SECRET],
        },
        {
          id: "globex",
          source: { apiKey: "key-ada", workspaceId: WS.SRC, userId: USER, clientId: CLIENT.GLOBEX },
          destination: { workspaceId: WS.DST2 },
        },
        {
          id: "initech",
          source: { apiKey: "key-ada", workspaceId: WS.OTHER_SRC, userId: USER, clientId: CLIENT.INITECH },
          destination: { workspaceId: WS.DST },
        },
      ],
    },
    {},
  );
}

/**
 * The real service over a real SQLite file in its own temp dir, with the registrations of TOKEN
 * inserted and the token book reloaded. Not listening, so the worker is not started: whatever intake
 * stores stays pending in the inbox, where the tests look. Nothing on the request path may call Clockify.
 */
export async function startRouteService(
  config: Config = testConfig(),
  tokens: Readonly<Record<string, string>> = DEFAULT_REGISTRATIONS,
): Promise<ServiceHarness> {
  const harness = await startServiceHarness({ config, prefix: "clockify-sync-webhooks-" });
  let n = 0;
  // A registered token only speaks for its webhook's event. Route tests send every kind of event with
  // one token per workspace, so each token stands for one webhook per event they use.
  for (const [token, workspaceId] of Object.entries(tokens)) {
    for (const eventType of REGISTERED_EVENTS) {
      n += 1;
      await insertWebhookRegistration(harness.database, {
                workspaceId,
                eventType,
                clockifyWebhookId: `wh-${n}`,
                url: "https://sync.example/webhooks/clockify",
                token,
              });
    }
  }
  await harness.service.tokens.reload();
  return harness;
}

/** Each TOKEN registered (as Clockify's create response gave it) for its workspace. */
export const DEFAULT_REGISTRATIONS: Readonly<Record<string, string>> = {
  [TOKEN.SRC]: WS.SRC,
  [TOKEN.OTHER_SRC]: WS.OTHER_SRC,
  [TOKEN.DST]: WS.DST,
  [TOKEN.DST2]: WS.DST2,
  [TOKEN.STRANGER]: WS.STRANGER,
};

export interface InboxRecord {
  pair_id: string;
  workspace_id: string;
  side: string;
  event_type: string;
  entity_id: string;
  body: string;
  status: string;
  attempts: number;
}

export function inboxRows(database: AppDatabase): InboxRecord[] {
  return database.sqlite
    .prepare("select pair_id, workspace_id, side, event_type, entity_id, body, status, attempts from inbox order by id")
    .all() as InboxRecord[];
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A minimal entry body as Clockify sends it (API-NOTES §4), for acme's user in the agency workspace. */
export function entryBody(overrides: Record<string, Json> = {}): Record<string, Json> {
  return {
    id: "entry-0000000000000000001",
    description: "homepage",
    userId: USER,
    billable: true,
    projectId: "proj-0000000000000000001",
    timeInterval: { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:30:00Z", duration: "PT1H30M" },
    workspaceId: WS.SRC,
    hourlyRate: null,
    costRate: null,
    project: { id: "proj-0000000000000000001", name: "Website", clientId: CLIENT.ACME, workspaceId: WS.SRC },
    task: null,
    user: { id: USER, name: "Ada", status: "ACTIVE" },
    tags: [],
    ...overrides,
  };
}

/** The flat project object a project webhook carries (API-NOTES §4). */
export function projectBody(overrides: Record<string, Json> = {}): Record<string, Json> {
  return {
    id: "proj-0000000000000000009",
    name: "Website",
    clientId: "",
    workspaceId: WS.DST,
    archived: false,
    billable: true,
    color: "#03A9F4",
    ...overrides,
  };
}

const FIXTURES = new URL("../fixtures/clockify/webhook-examples/", import.meta.url);

export interface ExampleBody {
  file: string;
  eventType: string;
  raw: Buffer;
  parsed: { id: string; workspaceId: string; userId: string; project: { clientId: string } | null };
}

/** Every captured webhook body, with the event type its file name says (`EVENT.origin[.body].json`). */
export function exampleBodies(): ExampleBody[] {
  return readdirSync(FIXTURES)
    .filter((file) => file.endsWith(".json") && !file.endsWith(".headers.json"))
    .sort()
    .map((file) => {
      const raw = readFileSync(new URL(file, FIXTURES));
      const eventType = file.split(".")[0] ?? "";
      return { file, eventType, raw, parsed: JSON.parse(raw.toString("utf8")) as ExampleBody["parsed"] };
    });
}

export function exampleHeaders(file: string): Record<string, string> {
  const parsed = JSON.parse(readFileSync(new URL(file, FIXTURES), "utf8")) as { headers: Record<string, string> };
  return parsed.headers;
}
