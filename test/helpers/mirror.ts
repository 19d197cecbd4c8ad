import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig, type Config } from "../../src/config/index.js";
import type { AppDatabase } from "../../src/db/connection.js";
import { openAndMigrate } from "../../src/db/migrate.js";
import { insertWebhookRegistration } from "../../src/db/webhooks.js";
import { memoryLogger } from "./logs.js";
import { createService, type Service } from "../../src/service.js";
import { acmePair, startTwoWorkspaces, type TwoWorkspaces } from "./world.js";

export const SOURCE_ENTRY_EVENTS = [
  "NEW_TIMER_STARTED",
  "NEW_TIME_ENTRY",
  "TIMER_STOPPED",
  "TIME_ENTRY_UPDATED",
  "TIME_ENTRY_DELETED",
] as const;

export interface MirrorEnv extends TwoWorkspaces {
  service: Service;
  database: AppDatabase;
  config: Config;
  webhookUrl: string;
  logs: string[];
  dir: string;
  /** Waits until Clockify's deliveries are done and the inbox is applied. */
  settle(): Promise<void>;
  /**
   * A process restart, as abrupt as one process allows: the HTTP server goes first, cutting the
   * deliveries in flight (Clockify retries them), then the worker (it can only be drained: an await in
   * progress cannot be killed), then the database handle. After `downMs` a new service (empty caches,
   * locks and limiter) opens the same database file and listens on the same port. The simulator is
   * untouched; `service` and `database` are the new ones afterwards.
   */
  restart(options?: { downMs?: number }): Promise<void>;
  close(): Promise<void>;
}

export interface MirrorOptions {
  simulator?: Parameters<typeof startTwoWorkspaces>[0];
  pair?: Record<string, unknown>;
  worker?: Parameters<typeof createService>[0]["worker"];
  /** Register the source entry events and destination project events (default true). */
  register?: boolean;
  /** ADMIN_TOKEN of the service: enables the status page's buttons (default: none, read-only). */
  adminToken?: string;
  /** Client settings over the harness's (requestsPerSecond 50), e.g. a short timeoutMs. */
  clockify?: Partial<Config["clockify"]>;
}

/** The whole product in one process: simulator with two workspaces, the service, webhooks registered. */
export async function startMirror(options: MirrorOptions = {}): Promise<MirrorEnv> {
  const env = await startTwoWorkspaces(options.simulator);
  const dir = await mkdtemp(join(tmpdir(), "clockify-sync-e2e-"));
  const databasePath = join(dir, "sync.db");
  let database = openAndMigrate(databasePath);
  const config = parseConfig(
    {
      pairs: [acmePair(env, options.pair)],
      clockify: { requestsPerSecond: 50, ...options.clockify },
    },
    {},
  );
  const { logger, logs } = memoryLogger();
  const boot = async (port: number): Promise<{ service: Service; server: Server }> => {
    const service = createService({
      config,
      apiUrl: env.sim.apiBaseUrl,
      database,
      logger,
      backoff: { baseDelayMs: 5, maxDelayMs: 50 },
      adminToken: options.adminToken,
      worker: { pollMs: 20, retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 30 }, ...options.worker },
    });
    return { service, server: await service.listen(port, "127.0.0.1") };
  };
  let { service, server } = await boot(0);
  const port = (server.address() as AddressInfo).port;
  const webhookUrl = `http://127.0.0.1:${port}/webhooks/clockify`;

  if (options.register !== false) {
    const register = (workspaceId: string, event: string) => {
      const hook = env.sim.world.addWebhook(workspaceId, { url: webhookUrl, webhookEvent: event });
      insertWebhookRegistration(database, {
        workspaceId,
        eventType: event,
        clockifyWebhookId: hook.id,
        url: webhookUrl,
        token: hook.authToken,
      });
    };
    for (const event of SOURCE_ENTRY_EVENTS) register(env.source.workspaceId, event);
    register(env.source.workspaceId, "NEW_PROJECT");
    register(env.destination.workspaceId, "NEW_PROJECT");
    register(env.destination.workspaceId, "PROJECT_UPDATED");
    service.tokens.reload();
  }

  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await env.sim.deliveries.idle();
      await new Promise((r) => setTimeout(r, 30));
      await mirror.service.worker.idle();
    }
  };

  const restart = async ({ downMs = 0 }: { downMs?: number } = {}) => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    await service.stop();
    database.close();
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    database = openAndMigrate(databasePath);
    ({ service, server } = await boot(port));
    service.tokens.reload();
    mirror.service = service;
    mirror.database = database;
  };

  const mirror: MirrorEnv = {
    ...env,
    service,
    database,
    config,
    webhookUrl,
    logs,
    dir,
    settle,
    restart,
    async close() {
      await service.stop();
      await env.sim.close();
      database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return mirror;
}
