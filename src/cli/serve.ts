import { Command } from "commander";
import { ConfigError, configFileWarnings, loadConfig, readRuntimeEnv } from "../config/index.js";
import type { AppDatabase } from "../db/connection.js";
import { openAndMigrate } from "../db/migrate.js";
import { createLogger, type Logger } from "../observability/logger.js";
import { createService, type Service } from "../service.js";
import { isAddressInUse, runCommand, stopped } from "./run.js";

/**
 * `clockify-sync serve`: the service itself. Settings come from the environment (a unit file or a
 * container sets them), not flags, so the help lists them.
 */
export function serveCommand(): Command {
  return new Command("serve")
    .description("run the service: webhook intake, worker, nightly reconciliation, status page")
    .addHelpText(
      "after",
      "\nSettings (environment variables):\n" +
        "  CLOCKIFY_SYNC_CONFIG  config file (default ./clockify-sync.config.json)\n" +
        "  DATABASE_PATH         SQLite file (default ./data/clockify-sync.db)\n" +
        "  PORT, HOST            where to listen (default 8080 on 0.0.0.0)\n" +
        "  LOG_LEVEL             fatal, error, warn, info (default), debug, trace, silent\n" +
        "  ADMIN_TOKEN, STATUS_VIEW_TOKEN, STATUS_PUBLIC, CLOCKIFY_API_URL: see the README\n" +
        "SIGTERM or SIGINT stop it cleanly: intake stops, work in flight finishes.",
    )
    // The server keeps serving webhooks when its log reader goes away; a stop is a signal's job.
    .action(() => runCommand(serve, { graceful: true, stdoutClosed: "keep running" }));
}

/** What a SIGHUP reloads: set once the service listens, cleared when it starts stopping. */
const reloadOnHangup: { service: Service | undefined; logger: Logger | undefined } = { service: undefined, logger: undefined };

function onHangup(): void {
  const { service, logger } = reloadOnHangup;
  if (!service) {
    logger?.info("SIGHUP ignored: the service is starting or stopping");
    return;
  }
  logger?.info("SIGHUP: reloading the config");
  try {
    service.reload();
  } catch (error) {
    logger?.error({ err: error }, "config reload failed; the service goes on");
  }
}

interface Running {
  service: Service;
  database: AppDatabase;
  logger: Logger;
}

/** Wires config, database, worker and HTTP server, serves until stopped, then winds down. */
async function serve(stop: AbortSignal): Promise<number> {
  // Node ends the process on SIGHUP by default; here it means "read the config again". From the first
  // moment, so a SIGHUP while starting or stopping is not a kill: it is ignored then.
  process.on("SIGHUP", onHangup);
  stop.addEventListener("abort", () => (reloadOnHangup.service = undefined), { once: true });
  let badConfig = false;
  const running = await start().catch((error: unknown) => {
    console.error(`clockify-sync: ${startFailure(error)}`);
    badConfig = error instanceof ConfigError;
    return undefined;
  });
  // 2 for a bad config, as every command: a supervisor can tell "fix the file" (RestartPreventExitStatus=2) from "try again".
  if (!running) return badConfig ? 2 : 1;
  const { service, database, logger } = running;
  await stopped(stop);
  logger.info({ signal: stop.reason as unknown }, "shutting down: intake stopped, finishing work in flight");
  try {
    await service.stop();
    database.close();
    logger.info("stopped");
    return 0;
  } catch (error) {
    logger.error({ err: error }, "unclean shutdown");
    return 1;
  }
}

function startFailure(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  if (isAddressInUse(error)) {
    const { port, address } = error as { port?: number; address?: string };
    return `failed to start: port ${port ?? "?"} on ${address ?? "?"} is in use (another clockify-sync or another program); set PORT=N to listen elsewhere`;
  }
  return `failed to start: ${error instanceof Error ? error.message : String(error)}`;
}

async function start(): Promise<Running> {
  const env = readRuntimeEnv();
  const logger = createLogger({ level: env.logLevel, name: "clockify-sync" });
  const config = loadConfig(env.configPath);
  for (const warning of configFileWarnings(env.configPath)) logger.warn(warning);
  const database = openAndMigrate(env.databasePath);
  logger.info({ pairs: config.pairs.map((p) => p.id), database: env.databasePath }, "database ready");
  // A rejection nobody handled is a bug, but it must not end webhook intake with it: the inbox is
  // durable and the worker retries, so logging it and serving on loses less than exiting would.
  process.on("unhandledRejection", (reason: unknown) => {
    logger.error({ err: reason }, "unhandled rejection (a bug, please report it); the service goes on");
  });
  const service = createService({
    config,
    apiUrl: env.apiUrl,
    database,
    logger,
    adminToken: env.adminToken,
    statusViewToken: env.statusViewToken,
    statusPublic: env.statusPublic,
    loadConfig: () => {
      const next = loadConfig(env.configPath);
      for (const warning of configFileWarnings(env.configPath)) logger.warn(warning);
      return next;
    },
  });
  try {
    await service.listen(env.port, env.host);
  } catch (error) {
    // Started parts (worker, lock, schedule) would keep the process alive and the lock taken.
    await service.stop().catch(() => undefined);
    database.close();
    throw error;
  }
  logger.info({ host: env.host, port: env.port }, "listening");
  reloadOnHangup.service = service;
  reloadOnHangup.logger = logger;
  return { service, database, logger };
}
