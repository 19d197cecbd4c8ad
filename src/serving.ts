import type { Server } from "node:http";
import { Cron } from "croner";
import { createHttpServer, httpLimits } from "./http/limits.js";
import type { Express } from "express";
import type { Config } from "./config/schema.js";
import type { AppDatabase } from "./db/connection.js";
import type { RunTrigger } from "./db/schema.js";
import type { CheckMonitor } from "./doctor/monitor.js";
import type { InstanceLock } from "./instance-lock.js";
import type { Service, ServiceOptions } from "./service.js";
import type { RunSummary } from "./sync/reconcile/summary.js";
import type { WebhookHealthJob } from "./webhooks/health/job.js";
import type { WebhookReceiver } from "./webhooks/receiver.js";
import type { Worker } from "./worker/worker.js";
import type { Poller } from "./polling/poller.js";

export interface ServingParts {
  options: ServiceOptions;
  /** The config in effect: a reload may change the nightly schedule. */
  config: () => Config;
  app: Express;
  worker: Worker;
  receiver: WebhookReceiver;
  instanceLock: InstanceLock;
  intake: { connection: AppDatabase; owned: boolean };
  checks: () => CheckMonitor | undefined;
  /** The webhook health check, started with the server (undefined: switched off). */
  webhookHealth: () => WebhookHealthJob | undefined;
  reconcileNow: (trigger: RunTrigger) => Promise<RunSummary[]>;
  /** The process's limiters: stopping fails the requests that wait for an hourly budget, at once. */
  limiters: { close(): void };
  /** Polling mode: started with the server (it polls while `config.polling.enabled`), stopped first. */
  poller: Poller;
}

/** Starting and stopping: the lock, the worker, the nightly run, the checks and the HTTP server, in that order and back. */
export function serveWith(parts: ServingParts): Pick<Service, "listen" | "stop"> & { reschedule(): void; nextRun(): Date | undefined } {
  const { options, app, worker, receiver, instanceLock, intake, reconcileNow } = parts;
  const { logger } = options;
  let server: Server | undefined;
  let schedule: Cron | undefined;
  const startSchedule = () => {
    const { cron, timezone } = parts.config().reconcile;
    schedule?.stop();
    // protect: a run still going when the next one is due is not started twice.
    schedule = new Cron(cron, { timezone, protect: true }, async () => {
      try {
        await reconcileNow("schedule");
      } catch (error) {
        logger.error({ err: error }, "scheduled reconciliation failed");
      }
    });
    logger.info({ cron, timezone, next: schedule.nextRun() }, "nightly reconciliation scheduled");
  };
  return {
    async listen(port, host) {
      await instanceLock.take();
      worker.start();
      startSchedule();
      server = await new Promise<Server>((resolve, reject) => {
        const s = createHttpServer(app, httpLimits(options.http)).listen(port, host, () => resolve(s));
        s.once("error", reject);
      });
      // In the background: intake is open before Clockify has answered a single check.
      parts.checks()?.start();
      await parts.webhookHealth()?.start();
      // Its timer polls only while `polling.enabled`, so a reload can turn polling on or off.
      parts.poller.start();
      return server;
    },
    nextRun: () => schedule?.nextRun() ?? undefined,
    reschedule() {
      if (schedule) startSchedule();
    },
    async stop() {
      parts.webhookHealth()?.stop();
      await parts.poller.stop();
      parts.checks()?.stop();
      schedule?.stop();
      receiver.stopAccepting();
      parts.limiters.close();
      const closed = server
        ? new Promise<void>((resolve) => server?.close(() => resolve()))
        : Promise.resolve();
      server?.closeIdleConnections();
      await worker.stop();
      // Connections kept alive by a client would hold close() forever; requests in progress have ended.
      server?.closeAllConnections();
      await closed;
      await instanceLock.release();
      if (intake.owned) intake.connection.close();
    },
  };
}
