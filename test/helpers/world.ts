import type { AppDatabase } from "../../src/db/connection.js";
import { insertWebhookRegistration } from "../../src/db/webhooks.js";
import { startSimulator, type Simulator } from "../../src/sandbox/index.js";

export interface TwoWorkspaces {
  sim: Simulator;
  user: { id: string; apiKey: string };
  source: { workspaceId: string; clientId: string; otherClientId: string };
  destination: { workspaceId: string };
}

/**
 * The common shape: an agency workspace (source) with one client per customer, and the customer's own
 * workspace (destination); one person is a member of both.
 */
export async function startTwoWorkspaces(options: Parameters<typeof startSimulator>[0] = {}): Promise<TwoWorkspaces> {
  const sim = await startSimulator({ webhookRetryDelayMs: 20, ...options });
  const { world } = sim;
  const user = world.addUser({ name: "Ada Lovelace", email: "ada@example.com" });
  const agency = world.addWorkspace({ name: "Agency", ownerId: user.id, plan: "PRO" });
  const customer = world.addWorkspace({ name: "Customer", ownerId: user.id, plan: "PRO" });
  const client = world.addClient(agency.id, { name: "Customer Co" });
  const other = world.addClient(agency.id, { name: "Someone Else" });
  return {
    sim,
    user: { id: user.id, apiKey: user.apiKey },
    source: { workspaceId: agency.id, clientId: client.id, otherClientId: other.id },
    destination: { workspaceId: customer.id },
  };
}

/** What a pair config needs to know of a two-workspace world. */
export type PairWorld = Pick<TwoWorkspaces, "user" | "destination"> & { source: { workspaceId: string; clientId: string } };

/**
 * The pair "acme" that mirrors the world's source client to its destination, as a config file holds it
 * (raw, before parseConfig); `extra` is merged over it.
 */
export function acmePair(w: PairWorld, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "acme",
    source: { apiKey: w.user.apiKey, workspaceId: w.source.workspaceId, userId: w.user.id, clientId: w.source.clientId },
    destination: { workspaceId: w.destination.workspaceId },
    ...extra,
  };
}

/**
 * A config file holding only the pair acme (`pair` merged over it), with the client limited to 50
 * requests a second (`clockify` merged over that), as the service harnesses and server processes use it.
 */
export function acmeConfigFile(w: PairWorld, pair: Record<string, unknown> = {}, clockify: Record<string, unknown> = {}): Record<string, unknown> {
  return { pairs: [acmePair(w, pair)], clockify: { requestsPerSecond: 50, ...clockify } };
}

/**
 * Webhooks for `events` of one workspace, created in the simulated Clockify (delivering to `url`) and
 * stored as the service's registrations, as `npm run webhooks -- register` would leave them. A running
 * service reads them after `service.tokens.reload()`.
 */
export async function seedWebhooks(
  sim: Simulator,
  database: AppDatabase,
  url: string,
  workspaceId: string,
  events: readonly string[],
): Promise<void> {
  for (const event of events) {
    const hook = sim.world.addWebhook(workspaceId, { url, webhookEvent: event });
    await insertWebhookRegistration(database, { workspaceId, eventType: event, clockifyWebhookId: hook.id, url, token: hook.authToken });
  }
}
