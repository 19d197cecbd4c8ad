import express, { type Express } from "express";
import type { AppDatabase } from "../db/connection.js";
import type { Logger } from "../observability/logger.js";

export interface AppDeps {
  database: AppDatabase;
  logger: Logger;
}

/** The service's HTTP face. Route handlers translate HTTP to calls into the core and back, nothing more. */
export function createApp({ database, logger }: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");

  app.get("/healthz", (_req, res) => {
    try {
      database.sqlite.prepare("select 1").get();
      res.json({ status: "ok" });
    } catch (error) {
      logger.error({ err: error }, "health check: database unreachable");
      res.status(503).json({ status: "unhealthy", database: "unreachable" });
    }
  });

  return app;
}
