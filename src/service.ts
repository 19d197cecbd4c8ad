import type { Server } from "node:http";
import { Cron } from "croner";
import type { Express } from "express";
import { RateLimiterRegistry } from "./clockify/rate-limiter.js";
import type { Config } from "./config/schema.js";
import { openDatabase, type AppDatabase } from "./db/connection.js";
import { inboxStats } from "./db/inbox.js";
import { createApp } from "./http/app.js";
import { createHttpServer, httpLimits, type HttpLimits } from "./http/limits.js";
import { Alerter } from "./observability/alerts.js";
import type { Logger } from "./observability/logger.js";
import { InstanceLock } from "./instance-lock.js";
import { Metrics } from "./observability/metrics.js";
import { StorageHealth } from "./observability/storage-health.js";
import { createStatusActions, type StatusActions } from "./status/actions.js";
import { KeyedMutex } from "./sync/keyed-mutex.js";
import { createPairRuntimes, type PairRuntime, type RuntimeDeps } from "./sync/pair-runtime.js";
import { reconcileAll } from "./sync/reconcile/all.js";
import type { RunSummary } from "./sync/reconcile/summary.js";
import type { RunTrigger } from "./db/schema.js";
import { WebhookReceiver } from "./webhooks/receiver.js";
import { TokenBook } from "./webhooks/tokens.js";
import { Worker, type WorkerOptions } from "./worker/worker.js";
import { describeHealth } from "./observability/health.js";

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
  /** STATUS_VIEW_TOKEN: lets others than this host read the status page and /metrics, nothing more. */
  statusViewToken?: string | undefined;
  /** STATUS_PUBLIC: the status page and /metrics need no token from anywhere. */
  statusPublic?: boolean | undefined;
  /** Timeouts and budgets of the HTTP server (see HttpLimits); tests shorten them. */
  http?: Partial<HttpLimits>;
  /**
   * The connection webhook intake commits on. By default the service opens its own on the same file:
   * fsynced at every commit and with a short lock wait, so a 2xx survives a power loss and a foreign
   * lock answers 503 in 100 ms instead of freezing the event loop.
   */
  intakeDatabase?: AppDatabase;
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
  /** What the service knows about its own database writes (intake and worker), as /healthz shows it. */
  readonly storage: StorageHealth;
  /** The connection webhook deliveries are committed on (see ServiceOptions.intakeDatabase). */
  readonly intakeDatabase: AppDatabase;
  /** What the status page reads and does (also: `statusActions.idle()` awaits a run it started). */
  readonly statusActions: StatusActions;
  /** A full run of every pair (or one), with fresh clients so its request count is its own. */
  reconcileNow(trigger: RunTrigger, pairId?: string): Promise<RunSummary[]>;
  /** When the nightly run fires next; undefined when not scheduled (not listening). */
  nextScheduledRun(): Date | undefined;
  /** Takes the database's service lock (InstanceLockError if another service holds it), then serves. */
  listen(port: number, host: string): Promise<Server>;
  /** Stops intake (503), lets the worker finish what is in flight, closes the server. */
  stop(): Promise<void>;
}

/**
 * The server's own connection waits at most this long for a lock another process holds: better-sqlite3
 * waits synchronously, so every millisecond here is a millisecond no webhook or /healthz is answered.
 * The worker backs off and retries instead of waiting longer.
 */
const SERVER_BUSY_TIMEOUT_MS = 250;
const INTAKE_BUSY_TIMEOUT_MS = 100;

/** A file database gets a second, durable connection for intake; an in-memory one has only itself. */
function openIntakeConnection(database: AppDatabase): { connection: AppDatabase; owned: boolean } {
  const path = database.sqlite.name;
  if (database.sqlite.memory || path === "" || path === ":memory:") return { connection: database, owned: false };
  return {
    connection: openDatabase(path, { busyTimeoutMs: INTAKE_BUSY_TIMEOUT_MS, synchronous: "FULL" }),
    owned: true,
  };
}

function createWorker(
  options: ServiceOptions,
  parts: { runtimes: Map<string, PairRuntime>; metrics: Metrics; storage: StorageHealth; alerter: Alerter },
): Worker {
  const { alerter } = parts;
  return new Worker({
    database: options.database,
    logger: options.logger,
    ...parts,
    onDeadLetter: (row, error) => {
      void alerter.alert(
        `dead-letter:${row.pairId}`,
        `a ${row.eventType} event of pair "${row.pairId}" (entity ${row.entityId}) was dead-lettered: ${error}. ` +
          "Replay with: npm run deadletter -- list",
      );
    },
    ...options.worker,
  });
}

/** Wires the service's parts; the caller owns the database and the process. */
export function createService(options: ServiceOptions): Service {
  const { config, database, logger } = options;
  database.sqlite.pragma(`busy_timeout = ${SERVER_BUSY_TIMEOUT_MS}`);
  const intake = options.intakeDatabase
    ? { connection: options.intakeDatabase, owned: false }
    : openIntakeConnection(database);
  const metrics = new Metrics();
  const storage = new StorageHealth(logger, metrics);
  const instanceLock = new InstanceLock(database, logger);
  metrics.watchInbox(() => inboxStats(database));
  const locks = new KeyedMutex();
  const alerter = new Alerter(config.alerts.webhookUrl, logger);
  const runtimeDeps: RuntimeDeps = {
    config,
    apiUrl: options.apiUrl,
    database,
    logger,
    limiters: new RateLimiterRegistry({ requestsPerSecond: config.clockify.requestsPerSecond }),
    locks,
    onRequest: metrics.recordClockifyRequest,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    alerter,
  };
  const runtimes = createPairRuntimes(runtimeDeps);
  const worker = createWorker(options, { runtimes, metrics, storage, alerter });
  const tokens = new TokenBook(config.pairs, database);
  const receiver = new WebhookReceiver({
    database: intake.connection,
    tokens,
    pairs: config.pairs,
    logger,
    metrics,
    storage,
    onStored: () => worker.notify(),
    rejectionSummaryMs: options.http?.summaryIntervalMs,
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
    health: () => describeHealth({ database, storage, workerRunning: worker.running }),
    admin: { actions: statusActions, adminToken: options.adminToken },
    view: { viewToken: options.statusViewToken, public: options.statusPublic },
    limits: options.http,
  });

  const reconcileNow = async (trigger: RunTrigger, pairId?: string): Promise<RunSummary[]> => {
    const fresh = createPairRuntimes(runtimeDeps);
    const chosen = [...fresh.values()].filter((runtime) => pairId === undefined || runtime.pair.id === pairId);
    return reconcileAll(chosen, { trigger, windowDays: config.reconcile.windowDays, alerter });
  };

  const serving = serveWith({ options, app, worker, receiver, instanceLock, intake, reconcileNow, onSchedule: (cron) => (schedule = cron) });
  return {
    app,
    worker,
    receiver,
    runtimes,
    tokens,
    metrics,
    locks,
    alerter,
    storage,
    intakeDatabase: intake.connection,
    statusActions,
    reconcileNow,
    nextScheduledRun: () => schedule?.nextRun() ?? undefined,
    listen: (port, host) => serving.listen(port, host),
    stop: () => serving.stop(),
  };
}

interface ServingParts {
  options: ServiceOptions;
  app: Express;
  worker: Worker;
  receiver: WebhookReceiver;
  instanceLock: InstanceLock;
  intake: { connection: AppDatabase; owned: boolean };
  reconcileNow: (trigger: RunTrigger) => Promise<RunSummary[]>;
  onSchedule: (schedule: Cron) => void;
}

/** Starting and stopping: the lock, the worker, the nightly run and the HTTP server, in that order and back. */
function serveWith(parts: ServingParts): Pick<Service, "listen" | "stop"> {
  const { options, app, worker, receiver, instanceLock, intake, reconcileNow } = parts;
  const { config, logger } = options;
  let server: Server | undefined;
  let schedule: Cron | undefined;
  return {
    async listen(port, host) {
      instanceLock.take();
      worker.start();
      // protect: a run still going when the next one is due is not started twice.
      schedule = new Cron(config.reconcile.cron, { timezone: config.reconcile.timezone, protect: true }, async () => {
        try {
          await reconcileNow("schedule");
        } catch (error) {
          logger.error({ err: error }, "scheduled reconciliation failed");
        }
      });
      parts.onSchedule(schedule);
      logger.info({ cron: config.reconcile.cron, timezone: config.reconcile.timezone, next: schedule.nextRun() }, "nightly reconciliation scheduled");
      server = await new Promise<Server>((resolve, reject) => {
        const s = createHttpServer(app, httpLimits(options.http)).listen(port, host, () => resolve(s));
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
      instanceLock.release();
      if (intake.owned) intake.connection.close();
    },
  };
}
