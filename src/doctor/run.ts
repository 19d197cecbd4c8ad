import { createClientFactory } from "../clockify/client-factory.js";
import type { ClockifyClient } from "../clockify/client.js";
import { RateLimiterRegistry } from "../clockify/rate-limiter.js";
import { now as clockNow } from "../clock.js";
import type { Config } from "../config/schema.js";
import type { AppDatabase } from "../db/connection.js";
import { lastWebhookReceivedByWorkspace, latestRealReconcileRun } from "../db/status-queries.js";
import type { Logger } from "../observability/logger.js";
import { listRegistrations, type WorkspaceListing } from "../webhooks/registration/list.js";
import { FactCache, gatherPairFacts } from "./facts.js";
import { judgePair } from "./judge.js";
import type { CheckResult } from "./model.js";

export { formatChecklist } from "./checklist.js";

export interface DoctorOptions {
  /** Clockify's base URL (CLOCKIFY_API_URL). */
  apiUrl: string;
  /** Only these pairs; default every pair of the config. */
  pairIds?: readonly string[];
  /** Where webhook registrations and the last runs are; without it those checks are left out. */
  database?: AppDatabase;
  logger?: Logger;
  /** The service passes its own clients, so the checks keep to the keys' shared rate. */
  clientFor?: (apiKey: string) => ClockifyClient;
  now?: number;
}

async function webhookListings(config: Config, options: DoctorOptions & { clientFor: (apiKey: string) => ClockifyClient }): Promise<Map<string, WorkspaceListing>> {
  const { database, logger } = options;
  if (!database || !logger) return new Map();
  const only = options.pairIds?.length === 1 ? options.pairIds[0] : undefined;
  const listing = await listRegistrations({
    config,
    database,
    apiUrl: options.apiUrl,
    logger,
    clientFor: options.clientFor,
    ...(only === undefined ? {} : { pairId: only }),
  });
  return new Map(listing.workspaces.map((w) => [w.workspaceId, w]));
}

/**
 * Runs every check of every chosen pair against Clockify now, a few requests per key and workspace
 * (shared between pairs). Never throws for what Clockify answers: each answer becomes a result.
 */
export async function runDoctorChecks(config: Config, options: DoctorOptions): Promise<CheckResult[]> {
  const clientFor =
    options.clientFor ??
    createClientFactory({
      apiUrl: options.apiUrl,
      clockify: config.clockify,
      limiters: new RateLimiterRegistry(config.clockify),
    });
  const pairs = config.pairs.filter((p) => options.pairIds === undefined || options.pairIds.includes(p.id));
  const cache = new FactCache(clientFor);
  const listings = await webhookListings(config, { ...options, clientFor });
  const workspaceIds = pairs.flatMap((p) => [p.source.workspaceId, p.destination.workspaceId]);
  const lastDeliveries = options.database ? await lastWebhookReceivedByWorkspace(options.database, workspaceIds) : new Map<string, number>();
  const context = { now: options.now ?? clockNow(), silenceHours: config.alerts.silenceHours, windowDays: config.reconcile.windowDays, quotas: config.clockify.workspaces };
  const perPair = await Promise.all(
    pairs.map(async (pair) => {
      const lastRun = options.database ? await latestRealReconcileRun(options.database, pair.id) : undefined;
      const facts = await gatherPairFacts(pair, cache, { listings, lastDeliveries, lastRun });
      return judgePair(pair, facts, context);
    }),
  );
  return perPair.flat();
}
