import { parseConfig, type Config } from "../../src/config/index.js";
import type { AppDatabase } from "../../src/db/connection.js";
import { startServiceHarness, type ServiceHarness, type ServiceSettings } from "./harness.js";
import { acmeConfigFile, seedWebhooks, startTwoWorkspaces, type TwoWorkspaces } from "./world.js";

export const SOURCE_ENTRY_EVENTS = [
  "NEW_TIMER_STARTED",
  "NEW_TIME_ENTRY",
  "TIMER_STOPPED",
  "TIME_ENTRY_UPDATED",
  "TIME_ENTRY_DELETED",
] as const;

export interface MirrorEnv extends TwoWorkspaces, ServiceHarness {
  webhookUrl: string;
  /** Waits until Clockify's deliveries are done and the inbox is applied. */
  settle(): Promise<void>;
  /** Closes the harness (see ServiceHarness.close), then the simulator. */
  close(): Promise<void>;
}

export interface MirrorOptions {
  simulator?: Parameters<typeof startTwoWorkspaces>[0];
  /** Merged into the pair's config; a function may shape the world first and use its ids. */
  pair?: Record<string, unknown> | ((env: TwoWorkspaces) => Record<string, unknown>);
  worker?: ServiceSettings["worker"];
  /** Register the source entry events and destination project events (default true). */
  register?: boolean;
  /** ADMIN_TOKEN of the service: enables the status page's buttons (default: none, read-only). */
  adminToken?: string;
  /** The client's retry backoff over the harness's (5 ms doubling to 50 ms). */
  backoff?: ServiceSettings["backoff"];
  /** Client settings over the harness's (requestsPerSecond 50), e.g. a short timeoutMs; a function may use the world's ids. */
  clockify?: Partial<Config["clockify"]> | ((env: TwoWorkspaces) => Partial<Config["clockify"]>);
}

/**
 * The webhooks a set-up mirror has: source entry events and NEW_PROJECT, destination NEW_PROJECT and
 * PROJECT_UPDATED, delivering to `url` (the service's, or a relay's).
 */
export async function registerMirrorWebhooks(env: TwoWorkspaces, database: AppDatabase, url: string): Promise<void> {
  await seedWebhooks(env.sim, database, url, env.source.workspaceId, [...SOURCE_ENTRY_EVENTS, "NEW_PROJECT"]);
  await seedWebhooks(env.sim, database, url, env.destination.workspaceId, ["NEW_PROJECT", "PROJECT_UPDATED"]);
}

/** The whole product in one process: simulator with two workspaces, the service listening, webhooks registered. */
export async function startMirror(options: MirrorOptions = {}): Promise<MirrorEnv> {
  const env = await startTwoWorkspaces(options.simulator);
  const pair = typeof options.pair === "function" ? options.pair(env) : options.pair;
  const clockify = typeof options.clockify === "function" ? options.clockify(env) : options.clockify;
  const config = parseConfig(acmeConfigFile(env, pair, clockify), {});
  const harness = await startServiceHarness({
    config,
    apiUrl: env.sim.apiBaseUrl,
    listen: true,
    prefix: "clockify-sync-e2e-",
    service: {
      ...(options.backoff ? { backoff: options.backoff } : {}),
      adminToken: options.adminToken,
      worker: { pollMs: 20, retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 30 }, ...options.worker },
    },
  });
  const webhookUrl = `${harness.base}/webhooks/clockify`;
  if (options.register !== false) {
    await registerMirrorWebhooks(env, harness.database, webhookUrl);
    await harness.service.tokens.reload();
  }
  const closeHarness = harness.close;
  // The harness object itself grows into the mirror: its restart() swaps `service` and `database` on it.
  const mirror: MirrorEnv = Object.assign(harness, env, {
    webhookUrl,
    async settle() {
      for (let i = 0; i < 3; i++) {
        await env.sim.deliveries.idle();
        await new Promise((r) => setTimeout(r, 30));
        await mirror.service.worker.idle();
      }
    },
    async close() {
      await closeHarness();
      await env.sim.close();
    },
  });
  return mirror;
}
