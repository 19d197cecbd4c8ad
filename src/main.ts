import { ConfigError, loadConfig, readRuntimeEnv } from "./config/index.js";
import { openAndMigrate } from "./db/migrate.js";
import { createLogger } from "./observability/logger.js";
import { processLifecycle } from "./process/lifecycle.js";
import { createService } from "./service.js";

// First, before anything writes: a closed stdout must not take the service down with it.
const lifecycle = processLifecycle({ stdoutClosed: "keep running" });

/** Wires config, database, worker and HTTP server; stops cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const env = readRuntimeEnv();
  const logger = createLogger({ level: env.logLevel, name: "clockify-sync" });
  const config = loadConfig(env.configPath);
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
  });
  await service.listen(env.port, env.host);
  logger.info({ host: env.host, port: env.port }, "listening");

  lifecycle.onStop(async (signal) => {
    logger.info({ signal }, "shutting down: intake stopped, finishing work in flight");
    try {
      await service.stop();
      database.close();
      logger.info("stopped");
      return 0;
    } catch (error) {
      logger.error({ err: error }, "unclean shutdown");
      return 1;
    }
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`clockify-sync: ${error.message}`);
  } else {
    console.error("clockify-sync: failed to start:", error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
