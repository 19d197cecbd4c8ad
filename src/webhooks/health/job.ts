import type { ClockifyClient } from "../../clockify/client.js";
import { now as clockNow } from "../../clock.js";
import type { Config } from "../../config/schema.js";
import type { AppDatabase } from "../../db/connection.js";
import { readCursor } from "../../db/cursors.js";
import { listAllWebhookRegistrations } from "../../db/webhooks.js";
import type { Alerter } from "../../observability/alerts.js";
import type { Logger } from "../../observability/logger.js";
import { WorkspaceAccess } from "../registration/access.js";
import { checkWorkspaceDeliveries, cursorName, type DeliveryCheckResult } from "./check.js";
import { inspectWorkspaces, repairAlert, repairWorkspace, type RepairResult } from "./repair.js";

export interface WebhookHealthOptions {
  config: () => Config;
  apiUrl: string;
  database: AppDatabase;
  logger: Logger;
  alerter: Alerter;
  clientFor: (apiKey: string) => ClockifyClient;
  /** A webhook was re-created: the token book must learn its new token now. */
  onRegistrationsChanged: () => void;
  /** Events were stored: the worker should look. */
  onStored: () => void;
  /** Default: config.webhooks.deliveryCheckMinutes. */
  intervalMs?: number;
}

export interface HealthRun {
  /** Workspaces inspected: one listing request each. */
  workspaces: number;
  deliveries: DeliveryCheckResult;
  repairs: RepairResult[];
}

/**
 * The service's webhook health, every config.webhooks.deliveryCheckMinutes: per workspace with webhooks
 * of the service, one listing (which ones Clockify disabled: repaired when webhooks.autoRepair, an alert
 * either way) and per webhook one logs request (failed deliveries since the last check, pulled at once).
 * The logs are read before a repair, because a re-created webhook's predecessor takes its logs with it.
 */
export class WebhookHealthJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<HealthRun> | undefined;
  private stopped = true;

  constructor(private readonly options: WebhookHealthOptions) {}

  private intervalMs(): number {
    return this.options.intervalMs ?? this.options.config().webhooks.deliveryCheckMinutes * 60_000;
  }

  /**
   * The first check one interval after start; sooner (in a few seconds) when the last one is longer ago
   * than that, e.g. after the service was down, since what failed meanwhile is what the check is for.
   */
  async start(): Promise<void> {
    this.stopped = false;
    const interval = this.intervalMs();
    const last = await this.lastCheckAt();
    const overdue = last !== undefined && clockNow() - last >= interval;
    this.schedule(overdue ? Math.min(5_000, interval) : interval);
  }

  /** Stops at once: no timer keeps the process alive; a check in flight stores nothing more. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Runs a check now (or joins the one in progress). */
  runNow(): Promise<HealthRun> {
    this.running ??= this.runOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async lastCheckAt(): Promise<number | undefined> {
    try {
      const registrations = await listAllWebhookRegistrations(this.options.database);
      const read = await Promise.all(registrations.map((r) => readCursor(this.options.database, cursorName(r.clockifyWebhookId))));
      const positions = read.filter((p): p is number => p !== undefined);
      return positions.length > 0 ? Math.min(...positions) : undefined;
    } catch {
      return undefined;
    }
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runNow()
        .catch((error: unknown) => {
          if (!this.stopped) this.options.logger.error({ err: error }, "the webhook health check failed (a bug, please report it)");
        })
        .finally(() => this.schedule(this.intervalMs()));
    }, delayMs);
    this.timer.unref();
  }

  private async runOnce(): Promise<HealthRun> {
    const { database, logger, alerter } = this.options;
    const config = this.options.config();
    const access = new WorkspaceAccess({ config, database, apiUrl: this.options.apiUrl, logger, clientFor: this.options.clientFor });
    const run: HealthRun = { workspaces: 0, deliveries: { webhooks: 0, failedLines: 0, stored: 0, errors: [] }, repairs: [] };
    const stopped = () => this.stopped;
    for (const workspace of await inspectWorkspaces(access, config, database)) {
      if (this.stopped) break;
      run.workspaces++;
      if (workspace.error !== null) logger.warn({ workspaceId: workspace.workspaceId, err: workspace.error }, "webhook health: could not list the workspace's webhooks");
      const deliveries = await checkWorkspaceDeliveries(workspace, { database, logger, pairs: config.pairs, stopped });
      addUp(run.deliveries, deliveries);
      if (deliveries.stored > 0) this.options.onStored();
      if (this.stopped) break;
      const repairs = await repairWorkspace(workspace, { database, logger, config, mayRepair: config.webhooks.autoRepair, stopped });
      run.repairs.push(...repairs);
      if (repairs.some((r) => r.outcome === "re-created")) this.options.onRegistrationsChanged();
      for (const result of repairs) {
        const { problem, text, level } = repairAlert(result);
        void alerter.alert(problem, text, clockNow(), level);
      }
    }
    // After stop the database may be closed under the run: its failures are no news then.
    if (!this.stopped) for (const error of run.deliveries.errors) logger.warn({ err: error }, "webhook health: could not read a webhook's failed deliveries");
    return run;
  }
}

function addUp(total: DeliveryCheckResult, more: DeliveryCheckResult): void {
  total.webhooks += more.webhooks;
  total.failedLines += more.failedLines;
  total.stored += more.stored;
  total.errors.push(...more.errors);
}
