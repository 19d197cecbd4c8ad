import express, { type Express } from "express";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { WebhookReceiver } from "../webhooks/receiver.js";
import { adminRouter, type AdminRouteDeps } from "./admin-routes.js";
import { webhookRouter } from "./webhook-route.js";

export interface HealthReport {
  healthy: boolean;
  [fact: string]: unknown;
}

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  receiver: WebhookReceiver;
  health: () => HealthReport;
  /** The status page at `/` and its admin actions; absent, neither is mounted. */
  admin?: Omit<AdminRouteDeps, "logger">;
}

/** The service's HTTP face. Route handlers translate HTTP to calls into the core and back, nothing more. */
export function createApp({ logger, metrics, receiver, health, admin }: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  // Nothing here is cached by a browser or proxy, and hashing every webhook answer costs throughput.
  app.set("etag", false);
  app.set("trust proxy", false);

  app.use(webhookRouter(receiver));
  if (admin) app.use(adminRouter({ ...admin, logger }));

  app.get("/healthz", (_req, res) => {
    let report: HealthReport;
    try {
      report = health();
    } catch (error) {
      logger.error({ err: error }, "health check failed");
      report = { healthy: false, error: "health check failed" };
    }
    const { healthy, ...facts } = report;
    res.status(healthy ? 200 : 503).json({ status: healthy ? "ok" : "unhealthy", ...facts });
  });

  app.get("/metrics", async (_req, res) => {
    res.set("content-type", metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  return app;
}
