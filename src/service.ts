import type { Server } from "node:http";
import { Cron } from "croner";
import type { Express } from "express";
import { RateLimiterRegistry } from "./clockify/rate-limiter.js";
import type { Config } from "./config/schema.js";
import type { AppDatabase } from "./db/connection.js";
import { inboxStats } from "./db/inbox.js";
import { createApp } from "./http/app.js";
import { Alerter } from "./observability/alerts.js";
import type { Logger } from "./observability/logger.js";
import { Metrics } from "./observability/metrics.js";
import { createStatusActions, type StatusActions } from "./status/actions.js";
import { KeyedMutex } from "./sync/keyed-mutex.js";
import { createPairRuntimes, type PairRuntime, type RuntimeDeps } from "./sync/pair-runtime.js";
import { reconcileAll } from "./sync/reconcile-all.js";
import type { RunSummary } from "./sync/reconcile.js";
import type { RunTrigger } from "./db/schema.js";
import { WebhookReceiver } from "./webhooks/receiver.js";
import { TokenBook } from "./webhooks/tokens.js";
import { Worker, type WorkerOptions } from "./worker/worker.js";

export interface ServiceOptions {
  config: Config;
  apiUrl: string;
  database: AppDatabase;
  logger: Logger;
  /** Worker tuning; tests shorten polls and retries. */
  worker?: Partial<Omit<WorkerOptions, "database" | "runtimes" | "logger" | "metrics">>;
  /** Client retry backoff; tests shorten it. */
  backoff?: { baseDelayMs?: number; maxDelayMs?: number };
  /** ADMIN_TOKEN: enables the status page's buttons; without it the page is read-only. */
  adminToken?: string | undefined;
}

export interface Service {
  readonly app: Express;
  readonly worker: Worker;
  readonly receiver: WebhookReceiver;
  readonly runtimes: Map<string, PairRuntime>;
  readonly tokens: TokenBook;
  readonly metrics: Metrics;
  readonly locks: KeyedMutex;
  readonly alerter: Alerter;
  /** What the status page reads and does (also: `statusActions.idle()` awaits a run it started). */
  readonly statusActions: StatusActions;
  /** A full run of every pair (or one), with fresh clients so its request count is its own. */
  reconcileNow(trigger: RunTrigger, pairId?: string): Promise<RunSummary[]>;
  /** When the nightly run fires next; undefined when not scheduled (not listening). */
  nextScheduledRun(): Date | undefined;
  listen(port: number, host: string): Promise<Server>;
  /** Stops intake (503), lets the worker finish what is in flight, closes the server. */
  stop(): Promise<void>;
}

/** Wires the service's parts; the caller owns the database and the process. */
export function createService(options: ServiceOptions): Service {
  const { config, database, logger } = options;
  const metrics = new Metrics();
  metrics.watchInbox(() => inboxStats(database));
  const locks = new KeyedMutex();
  const runtimeDeps: RuntimeDeps = {
    config,
    apiUrl: options.apiUrl,
    database,
    logger,
    limiters: new RateLimiterRegistry({ requestsPerSecond: config.clockify.requestsPerSecond }),
    locks,
    onRequest: metrics.recordClockifyRequest,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  };
  const runtimes = createPairRuntimes(runtimeDeps);
  const alerter = new Alerter(config.alerts.webhookUrl, logger);
  const worker = new Worker({
    database,
    runtimes,
    logger,
    metrics,
    onDeadLetter: (row, error) => {
      void alerter.alert(
        `dead-letter:${row.pairId}`,
        `a ${row.eventType} event of pair "${row.pairId}" (entity ${row.entityId}) was dead-lettered: ${error}. ` +
          "Replay with: npm run deadletter -- list",
      );
    },
    ...options.worker,
  });
  const tokens = new TokenBook(config.pairs, database);
  const receiver = new WebhookReceiver({
    database,
    tokens,
    pairs: config.pairs,
    logger,
    metrics,
    onStored: () => worker.notify(),
  });
  let schedule: Cron | undefined;
  const statusActions = createStatusActions({
    database,
    config,
    logger,
    reconcileNow: () => reconcileNow("admin"),
    nextScheduledRun: () => schedule?.nextRun() ?? undefined,
    onRequeued: () => worker.notify(),
  });
  const app = createApp({
    logger,
    metrics,
    receiver,
    health: () => {
      let databaseOk = true;
      let stats = { depth: 0, oldestPendingReceivedAt: null as number | null, dead: 0 };
      try {
        stats = inboxStats(database);
      } catch {
        databaseOk = false;
      }
      return {
        healthy: databaseOk && worker.running,
        database: databaseOk ? "ok" : "unreachable",
        worker: worker.running ? "running" : "stopped",
        inboxDepth: stats.depth,
        oldestPendingAgeSeconds:
          stats.oldestPendingReceivedAt === null ? 0 : Math.round((Date.now() - stats.oldestPendingReceivedAt) / 1000),
        deadLetters: stats.dead,
      };
    },
    admin: { actions: statusActions, adminToken: options.adminToken },
  });

  const reconcileNow = async (trigger: RunTrigger, pairId?: string): Promise<RunSummary[]> => {
    const fresh = createPairRuntimes(runtimeDeps);
    const chosen = [...fresh.values()].filter((rt) => pairId === undefined || rt.pair.id === pairId);
    return reconcileAll(chosen, { trigger, windowDays: config.reconcile.windowDays, alerter });
  };

  let server: Server | undefined;
  return {
    app,
    worker,
    receiver,
    runtimes,
    tokens,
    metrics,
    locks,
    alerter,
    statusActions,
    reconcileNow,
    nextScheduledRun: () => schedule?.nextRun() ?? undefined,
    async listen(port, host) {
      worker.start();
      // protect: a run still going when the next one is due is not started twice.
      schedule = new Cron(config.reconcile.cron, { timezone: config.reconcile.timezone, protect: true }, async () => {
        try {
          await reconcileNow("schedule");
        } catch (error) {
          logger.error({ err: error }, "scheduled reconciliation failed");
        }
      });
      logger.info({ cron: config.reconcile.cron, timezone: config.reconcile.timezone, next: schedule.nextRun() }, "nightly reconciliation scheduled");
      server = await new Promise<Server>((resolve, reject) => {
        const s = app.listen(port, host, () => resolve(s));
        s.once("error", reject);
      });
      return server;
    },
    async stop() {
      schedule?.stop();
      receiver.stopAccepting();
      const closed = server
        ? new Promise<void>((resolve) => server?.close(() => resolve()))
        : Promise.resolve();
      server?.closeIdleConnections();
      await worker.stop();
      // Connections kept alive by a client would hold close() forever; requests in progress have ended.
      server?.closeAllConnections();
      await closed;
    },
  };
}
