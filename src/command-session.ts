import { RateLimiterRegistry } from "./clockify/rate-limiter.js";
import { apiUsageStore } from "./db/api-usage.js";
import { announceWait } from "./observability/quota-log.js";
import { configFileWarnings, loadConfig, readRuntimeEnv, type Config, type RuntimeEnv } from "./config/index.js";
import { UsageError } from "./config/errors.js";
import type { AppDatabase } from "./db/connection.js";
import { openAndMigrate } from "./db/migrate.js";
import { Alerter } from "./observability/alerts.js";
import { createLogger, type Logger } from "./observability/logger.js";
import { KeyedMutex } from "./sync/keyed-mutex.js";
import { createPairRuntimes, type PairRuntime } from "./sync/pair-runtime.js";

export interface CommandSessionOptions {
  /** The command's name, as its log lines carry it. */
  name: string;
  /** The settings of this process; default read from process.env. */
  runtime?: RuntimeEnv;
  /** The config to act on; default the file CLOCKIFY_SYNC_CONFIG names. */
  config?: Config;
  /** Only this pair; a config without a pair of that id is a UsageError. */
  pair?: string;
  /** Default: a logger at LOG_LEVEL, except that info becomes warn (see quietLogLevel). */
  logger?: Logger;
}

/** What a one-shot command (reconcile, webhooks, status, setup) works with; the service's counterpart is service.ts. */
export interface CommandSession {
  readonly runtime: RuntimeEnv;
  /** The whole config: one webhook per event and workspace serves every pair there. */
  readonly config: Config;
  /** The config narrowed to the chosen pair; the whole config when none was chosen. */
  readonly selected: Config;
  /** The chosen pair's id, undefined when the command acts on every pair. */
  readonly pairId: string | undefined;
  readonly logger: Logger;
  /** Tells a person: failed runs, project conflicts (alerts.webhookUrl, and the log). */
  readonly alerter: Alerter;
  /** Opened and migrated at the first call, so a command that never needs it does not create the file. */
  database(): AppDatabase;
  /** Runtimes of the selected pairs, with clients of their own, so a run's request count is its own. */
  pairRuntimes(): Map<string, PairRuntime>;
  close(): void;
}

/**
 * A command prints its own report; the sync's info lines (progress, each write) would bury it, so they
 * are only shown when asked for with LOG_LEVEL=debug or trace.
 */
export function quietLogLevel(runtime: RuntimeEnv): string {
  return runtime.logLevel === "info" ? "warn" : runtime.logLevel;
}

export function openCommandSession(options: CommandSessionOptions): CommandSession {
  const runtime = options.runtime ?? readRuntimeEnv();
  const config = options.config ?? loadConfig(runtime.configPath);
  const selected = options.pair === undefined ? config : { ...config, pairs: config.pairs.filter((p) => p.id === options.pair) };
  if (selected.pairs.length === 0) {
    throw new UsageError(`no pair "${options.pair ?? ""}" in the config (pairs: ${config.pairs.map((p) => p.id).join(", ")})`);
  }
  const logger = options.logger ?? createLogger({ level: quietLogLevel(runtime), name: options.name });
  // On stderr, as a line for the person at the terminal: stdout is the command's output (status --json).
  if (options.config === undefined) for (const warning of configFileWarnings(runtime.configPath)) console.error(`warning: ${warning}`);
  const alerter = new Alerter(config.alerts.webhookUrl, logger);
  let database: AppDatabase | undefined;
  const openDatabase = () => (database ??= openAndMigrate(runtime.databasePath));
  // One per command, on the database's shared counts: a CLI run spends the same hourly budget as the service.
  let limiters: RateLimiterRegistry | undefined;
  const sharedLimiters = () =>
    (limiters ??= new RateLimiterRegistry({ ...selected.clockify, usage: apiUsageStore(openDatabase()), onWait: (wait) => announceWait(logger, wait) }));
  return {
    runtime,
    config,
    selected,
    pairId: options.pair,
    logger,
    alerter,
    database: openDatabase,
    pairRuntimes: () =>
      createPairRuntimes({
        config: selected,
        apiUrl: runtime.apiUrl,
        database: openDatabase(),
        logger,
        limiters: sharedLimiters(),
        locks: new KeyedMutex(),
        alerter,
      }),
    close: () => {
      limiters?.close();
      database?.close();
    },
  };
}

/** Runs `body` with a session and closes it whatever happens. */
export async function withCommandSession<T>(options: CommandSessionOptions, body: (session: CommandSession) => T | Promise<T>): Promise<T> {
  const session = openCommandSession(options);
  try {
    return await body(session);
  } finally {
    session.close();
  }
}
