import type { Server } from "node:http";
import { ConfigError, loadConfig, readRuntimeEnv } from "./config/index.js";
import { openAndMigrate } from "./db/migrate.js";
import { createApp } from "./http/app.js";
import { createLogger } from "./observability/logger.js";

/** Wires config, database and HTTP server; stops cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const env = readRuntimeEnv();
  const logger = createLogger({ level: env.logLevel, name: "clockify-sync" });
  const config = loadConfig(env.configPath);
  const database = openAndMigrate(env.databasePath);
  logger.info({ pairs: config.pairs.map((p) => p.id), database: env.databasePath }, "database ready");

  const app = createApp({ database, logger });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(env.port, env.host, () => resolve(s));
    s.once("error", reject);
  });
  logger.info({ host: env.host, port: env.port }, "listening");

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    server.close(() => {
      database.close();
      logger.info("stopped");
      process.exit(0);
    });
    // Idle keep-alive sockets would hold close() open; in-flight requests still finish.
    server.closeIdleConnections();
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
