import { ConfigError, loadConfig, readRuntimeEnv } from "./config/index.js";
import { openAndMigrate } from "./db/migrate.js";
import { createLogger } from "./observability/logger.js";
import { createService } from "./service.js";

/** Wires config, database, worker and HTTP server; stops cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const env = readRuntimeEnv();
  const logger = createLogger({ level: env.logLevel, name: "clockify-sync" });
  const config = loadConfig(env.configPath);
  const database = openAndMigrate(env.databasePath);
  logger.info({ pairs: config.pairs.map((p) => p.id), database: env.databasePath }, "database ready");

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

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: intake stopped, finishing work in flight");
    service
      .stop()
      .then(() => {
        database.close();
        logger.info("stopped");
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, "unclean shutdown");
        process.exit(1);
      });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`clockify-sync: ${error.message}`);
  } else {
    console.error("clockify-sync: failed to start:", error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
