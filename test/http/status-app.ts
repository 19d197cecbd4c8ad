import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { Config } from "../../src/config/index.js";
import type { AppDatabase } from "../../src/db/connection.js";
import { createApp } from "../../src/http/app.js";
import { createHttpServer, httpLimits, type HttpLimits } from "../../src/http/limits.js";
import { Metrics } from "../../src/observability/metrics.js";
import { createStatusActions, type ReloadOutcome, type StatusActions } from "../../src/status/actions.js";
import { WebhookReceiver } from "../../src/webhooks/receiver.js";
import { TokenBook } from "../../src/webhooks/tokens.js";
import { memoryLogger } from "../helpers/logs.js";

/**
 * The HTTP app exactly as the service builds it (createApp: status page, admin routes, view access),
 * over a real database, with a status-actions `reload` the test decides: the service's own reload is
 * wired by src/service.ts. Reconciling answers at once without touching Clockify.
 */
export interface StatusApp {
  app: Express;
  actions: StatusActions;
  logs: string[];
  reconcileCalls(): number;
  /** Serves the app on 127.0.0.1 (a browser's turn); resolves with the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface StatusAppOptions {
  config: Config;
  adminToken?: string;
  reload?: () => ReloadOutcome;
  now?: () => number;
  http?: Partial<HttpLimits>;
}

export function statusApp(database: AppDatabase, options: StatusAppOptions): StatusApp {
  const { logger, logs } = memoryLogger("info");
  const metrics = new Metrics();
  let calls = 0;
  const actions = createStatusActions({
    database,
    config: options.config,
    logger,
    reconcileNow: () => {
      calls++;
      return Promise.resolve();
    },
    nextScheduledRun: () => undefined,
    ...(options.reload ? { reload: options.reload } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const receiver = new WebhookReceiver({ database, tokens: new TokenBook(options.config.pairs, database), pairs: options.config.pairs, logger, metrics });
  const app = createApp({
    logger,
    metrics,
    receiver,
    health: () => Promise.resolve({ healthy: true }),
    admin: { actions, adminToken: options.adminToken },
    limits: options.http,
  });
  let server: Server | undefined;
  return {
    app,
    actions,
    logs,
    reconcileCalls: () => calls,
    async listen() {
      const listening = createHttpServer(app, httpLimits(options.http));
      server = listening;
      await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", () => resolve()));
      return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    },
    async close() {
      await actions.idle();
      const open = server;
      if (!open) return;
      open.closeAllConnections();
      await new Promise<void>((resolve) => open.close(() => resolve()));
    },
  };
}
