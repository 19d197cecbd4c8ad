import type { Server } from "node:http";
import type { Express } from "express";
import { RateLimiterRegistry } from "./clockify/rate-limiter.js";
import { apiUsageStore } from "./db/api-usage.js";
import { announceWait } from "./observability/quota-log.js";
import type { Config } from "./config/schema.js";
import { openDatabase, type AppDatabase } from "./db/connection.js";
import { inboxStats } from "./db/inbox.js";
import { createApp } from "./http/app.js";
import type { HttpLimits } from "./http/limits.js";
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
import { WebhookHealthJob } from "./webhooks/health/job.js";
import { Worker, type WorkerOptions } from "./worker/worker.js";
import { describeHealth } from "./observability/health.js";
import { createClientFactory } from "./clockify/client-factory.js";
import type { ClockifyClient } from "./clockify/client.js";
import { CheckMonitor } from "./doctor/monitor.js";
import { createReloader, replaceRuntimes } from "./reload.js";
import { serveWith } from "./serving.js";
import type { ReloadOutcome } from "./status/actions.js";
import { createPoller, type PollingParts } from "./polling/wire.js";
import type { Poller } from "./polling/poller.js";

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
  /**
   * Reads the config again (SIGHUP, the status page's Reload button); without it a reload is refused.
   * Throws ConfigError for an invalid file, which leaves the running config in place.
   */
  loadConfig?: () => Config;
  /** The doctor's checks in the background (at start, hourly, after a 401/403); tests switch them off. */
  checks?: { enabled?: boolean; intervalMs?: number };
  /** The webhook health check (failed deliveries, disabled webhooks), every webhooks.deliveryCheckMinutes by default. */
  webhookHealth?: { enabled?: boolean; intervalMs?: number };
  /** Polling mode's pace (runs when `config.polling.enabled`); tests shorten it. */
  polling?: PollingParts["tuning"];
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
  /** The doctor's checks as the service runs them; `checks.runNow()` runs them at once. */
  readonly checks: CheckMonitor;
  /** The webhook health check; `webhookHealth.runNow()` runs it at once. */
  readonly webhookHealth: WebhookHealthJob;
  /** Polling mode (started by listen when `config.polling.enabled`); `poller.pollNow()` polls at once. */
  readonly poller: Poller;
  /** The config in effect (a reload replaces it). */
  config(): Config;
  /** Reads the config file again and applies it without stopping intake; an invalid file changes nothing. */
  reload(): ReloadOutcome;
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

interface SharedParts {
  metrics: Metrics;
  /** One for the process's life: what 429s taught survives a reload. */
  limiters: RateLimiterRegistry;
  locks: KeyedMutex;
  alerter: Alerter;
  /** A 401/403 reached the sync: the checks find out which key and say so, instead of a dead letter at 03:00. */
  onRefusal: () => void;
}

/** What every pair runtime is built from, for one config (a reload builds them anew). */
function pairRuntimeDeps(options: ServiceOptions, config: Config, parts: SharedParts): RuntimeDeps {
  return {
    config,
    apiUrl: options.apiUrl,
    database: options.database,
    logger: options.logger,
    limiters: parts.limiters,
    // The worker's runtimes send what people just changed: first in line for an hourly budget.
    purpose: "webhook",
    locks: parts.locks,
    onRequest: (event) => {
      parts.metrics.recordClockifyRequest(event);
      // A lock (1003) or an approval (4005) refuses one entry, not the key: no check run for those.
      if (event.status === 401 || (event.status === 403 && event.code !== 1003 && event.code !== 4005)) parts.onRefusal();
    },
    ...(options.backoff ? { backoff: options.backoff } : {}),
    alerter: parts.alerter,
  };
}

function createCheckMonitor(
  options: ServiceOptions,
  config: Config,
  parts: { metrics: Metrics; alerter: Alerter; clientFor: (apiKey: string) => ClockifyClient },
): CheckMonitor {
  return new CheckMonitor({
    config,
    apiUrl: options.apiUrl,
    database: options.database,
    logger: options.logger,
    alerter: parts.alerter,
    clientFor: parts.clientFor,
    ...(options.checks?.intervalMs === undefined ? {} : { intervalMs: options.checks.intervalMs }),
  });
}

/**
 * The checks' clients, made from the config in effect and sharing the sync's limiters, so together they
 * keep to each key's rate. Their own 401s must not ask for more checks: they report to metrics only.
 */
function checkClients(options: ServiceOptions, deps: RuntimeDeps, metrics: Metrics): (apiKey: string) => ClockifyClient {
  return createClientFactory({ apiUrl: options.apiUrl, clockify: deps.config.clockify, limiters: deps.limiters, onRequest: metrics.recordClockifyRequest });
}

/** Work a synchronous callback sets going: its failure is logged, never left unhandled. */
function inBackground(logger: Logger, work: Promise<unknown>, what: string): void {
  work.catch((error: unknown) => logger.error({ err: error }, `${what} failed`));
}

/** The parts that do not depend on the config's pairs: connections, metrics, locks, alerts. */
function baseParts(options: ServiceOptions) {
  const { database, logger } = options;
  database.sqlite.pragma(`busy_timeout = ${SERVER_BUSY_TIMEOUT_MS}`);
  const intake = options.intakeDatabase ? { connection: options.intakeDatabase, owned: false } : openIntakeConnection(database);
  const metrics = new Metrics();
  metrics.watchInbox(() => inboxStats(database));
  const limiters = new RateLimiterRegistry({
    ...options.config.clockify,
    usage: apiUsageStore(database),
    onWait: (wait) => announceWait(logger, wait),
  });
  metrics.watchQuota(() => limiters.states());
  return {
    intake,
    metrics,
    storage: new StorageHealth(logger, metrics),
    instanceLock: new InstanceLock(database, logger),
    locks: new KeyedMutex(),
    alerter: new Alerter(options.config.alerts.webhookUrl, logger),
    limiters,
  };
}

/** Wires the service's parts; the caller owns the database and the process. */
export function createService(options: ServiceOptions): Service {
  const { database, logger } = options;
  let config = options.config;
  const { intake, metrics, storage, instanceLock, locks, alerter, limiters } = baseParts(options);
  let checks: CheckMonitor | undefined;
  const runtimeDepsFor = (current: Config) =>
    pairRuntimeDeps(options, current, { metrics, limiters, locks, alerter, onRefusal: () => checks?.onRefusal() });
  let runtimeDeps = runtimeDepsFor(config);
  const runtimes = createPairRuntimes(runtimeDeps);
  const worker = createWorker(options, { runtimes, metrics, storage, alerter });
  const tokens = new TokenBook(config.pairs, database);
  const receiver = new WebhookReceiver({
    ...{ database: intake.connection, tokens, pairs: config.pairs, logger, metrics, storage },
    onStored: () => worker.notify(),
    rejectionSummaryMs: options.http?.summaryIntervalMs,
  });
  let checkClientFor = checkClients(options, runtimeDeps, metrics);
  const monitor = createCheckMonitor(options, config, { metrics, alerter, clientFor: (apiKey) => checkClientFor(apiKey) });
  if (options.checks?.enabled !== false) checks = monitor;
  const webhookHealth = new WebhookHealthJob({
    ...{ config: () => config, apiUrl: options.apiUrl, database, logger, alerter },
    clientFor: (apiKey) => checkClientFor(apiKey),
    onRegistrationsChanged: () => inBackground(logger, tokens.reload(), "reloading the webhook tokens"),
    onStored: () => worker.notify(),
    ...(options.webhookHealth?.intervalMs === undefined ? {} : { intervalMs: options.webhookHealth.intervalMs }),
  });
  const reconcileNow = async (trigger: RunTrigger, pairId?: string): Promise<RunSummary[]> => {
    const fresh = createPairRuntimes({ ...runtimeDeps, purpose: "bulk" });
    const chosen = [...fresh.values()].filter((runtime) => pairId === undefined || runtime.pair.id === pairId);
    return reconcileAll(chosen, { trigger, windowDays: config.reconcile.windowDays, alerter });
  };
  const reload = createReloader({
    loadConfig: options.loadConfig,
    logger,
    current: () => config,
    apply: (next, before) => {
      config = next;
      limiters.configure(next.clockify);
      runtimeDeps = runtimeDepsFor(next);
      checkClientFor = checkClients(options, runtimeDeps, metrics);
      replaceRuntimes(runtimes, createPairRuntimes(runtimeDeps));
      // Read in the background; a delivery waits for the token book's read (TokenBook.refresh).
      inBackground(logger, tokens.usePairs(next.pairs), "reloading the webhook tokens");
      receiver.usePairs(next.pairs);
      alerter.useUrl(next.alerts.webhookUrl);
      if (checks) inBackground(logger, checks.useConfig(next), "applying the new config to the checks");
      if (before.reconcile.cron !== next.reconcile.cron || before.reconcile.timezone !== next.reconcile.timezone) serving.reschedule();
      worker.notify();
    },
  });
  const poller = createPoller({ database, logger, config: () => config, runtimeDeps: () => runtimeDeps, notify: () => worker.notify(), tuning: options.polling });
  const statusActions = createStatusActions({
    database,
    config: () => config,
    logger,
    reconcileNow: () => reconcileNow("admin"),
    nextScheduledRun: () => serving.nextRun(),
    onRequeued: () => worker.notify(),
    reload,
  });
  const app = createApp({
    ...{ logger, metrics, receiver, limits: options.http },
    health: () => describeHealth({ database, storage, workerRunning: worker.running, problems: checks?.problems() ?? [] }),
    admin: { actions: statusActions, adminToken: options.adminToken },
    view: { viewToken: options.statusViewToken, public: options.statusPublic },
  });
  const serving = serveWith({ options, config: () => config, app, worker, receiver, instanceLock, intake, checks: () => checks, webhookHealth: () => (options.webhookHealth?.enabled === false ? undefined : webhookHealth), reconcileNow, limiters, poller });
  return {
    ...{ app, worker, receiver, runtimes, tokens, metrics, locks, alerter, storage, poller },
    intakeDatabase: intake.connection,
    statusActions,
    checks: monitor,
    webhookHealth,
    config: () => config,
    reload,
    reconcileNow,
    nextScheduledRun: () => serving.nextRun(),
    listen: (port, host) => serving.listen(port, host),
    stop: () => serving.stop(),
  };
}
