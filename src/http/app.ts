import express, { type Express } from "express";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { WebhookReceiver } from "../webhooks/receiver.js";
import { adminRouter, type AdminRouteDeps } from "./admin-routes.js";
import { AuthAttempts, TokenSet } from "./auth-attempts.js";
import { BodyBudget } from "./body-budget.js";
import { httpLimits, type HttpLimits } from "./limits.js";
import { viewAccess } from "./view-access.js";
import { webhookRouter } from "./webhook-route.js";

export interface HealthReport {
  healthy: boolean;
  /** Serving, but something needs attention (e.g. the worker cannot write); answered 200. */
  degraded?: boolean;
  [fact: string]: unknown;
}

export interface ViewSettings {
  /** STATUS_VIEW_TOKEN: opens `/` and `/metrics` (not the admin actions) to whoever presents it. */
  viewToken?: string | undefined;
  /** STATUS_PUBLIC=true: `/` and `/metrics` need no token from anywhere. */
  public?: boolean | undefined;
}

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  receiver: WebhookReceiver;
  health: () => Promise<HealthReport>;
  /** The status page at `/` and its admin actions; absent, neither is mounted. */
  admin?: Omit<AdminRouteDeps, "logger" | "attempts">;
  /** Who may read `/` and `/metrics`; by default this host, and anyone with ADMIN_TOKEN. */
  view?: ViewSettings;
  limits?: Partial<HttpLimits>;
}

/** The service's HTTP face. Route handlers translate HTTP to calls into the core and back, nothing more. */
export function createApp({ logger, metrics, receiver, health, admin, view, limits: overrides }: AppDeps): Express {
  const limits = httpLimits(overrides);
  const app = express();
  app.disable("x-powered-by");
  // Nothing here is cached by a browser or proxy, and hashing every webhook answer costs throughput.
  app.set("etag", false);
  app.set("trust proxy", false);

  const attempts = new AuthAttempts(logger, metrics, limits);
  const viewGuard = viewAccess({
    tokens: new TokenSet([admin?.adminToken, view?.viewToken]),
    public: view?.public === true,
    attempts,
  });

  app.use(webhookRouter(receiver, new BodyBudget(limits.maxBodies, limits.maxBodyBytes)));
  if (admin) {
    app.get("/", viewGuard);
    app.use(adminRouter({ ...admin, logger, attempts }));
  }

  // Open to all, for load balancers and orchestrators: it shows counts and states, no Clockify ids or texts.
  app.get("/healthz", async (_req, res) => {
    let report: HealthReport;
    try {
      report = await health();
    } catch (error) {
      logger.error({ err: error }, "health check failed");
      report = { healthy: false, error: "health check failed" };
    }
    const { healthy, degraded, ...facts } = report;
    // 503 only for "cannot take webhooks" (Docker's HEALTHCHECK trips); degraded still serves.
    const status = !healthy ? "unhealthy" : degraded ? "degraded" : "ok";
    res.status(healthy ? 200 : 503).json({ status, ...facts });
  });

  app.get("/metrics", viewGuard, async (_req, res) => {
    res.set("content-type", metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  return app;
}
