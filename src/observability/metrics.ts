import { now as clockNow } from "../clock.js";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { WorkspaceQuotaState } from "../clockify/rate-limiter.js";
import type { RequestEvent } from "../clockify/transport.js";
import { ENTRY_EVENTS, PROJECT_EVENTS } from "../webhooks/events.js";

const LABELLED_EVENTS: ReadonlySet<string> = new Set<string>([...ENTRY_EVENTS, ...PROJECT_EVENTS]);

/**
 * The `event` label of a delivery: an event type this service handles, or "(unknown)". The header is
 * the sender's to choose, and every distinct label value is a series kept for the process's life.
 */
export function eventLabel(header: string | undefined): string {
  const type = header?.trim();
  return type !== undefined && LABELLED_EVENTS.has(type) ? type : "(unknown)";
}

/**
 * One registry per service instance (not prom-client's global one), so tests and several in-process
 * instances never share counters.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly clockifyRequests = new Counter({
    name: "clockify_requests_total",
    help: "Requests sent to the Clockify API, retries included, by method, route template and status (0 = no response)",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });

  readonly clockifyLatency = new Histogram({
    name: "clockify_request_duration_seconds",
    help: "Time from sending a Clockify request to reading its whole answer",
    labelNames: ["method", "route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly webhooksReceived = new Counter({
    name: "webhook_events_received_total",
    help: "Webhook deliveries by event type and what intake did with them (stored, duplicate, ignored, rejected)",
    labelNames: ["event", "outcome"] as const,
    registers: [this.registry],
  });

  readonly webhooksRejected = new Counter({
    name: "webhook_rejected_total",
    help: "Webhook deliveries refused before anything was stored, by HTTP status (401 token, 400 header or body, 413 size, 503 busy)",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });

  readonly authFailures = new Counter({
    name: "http_auth_failures_total",
    help: "Wrong admin or view tokens, and attempts refused unchecked because their address was throttled (429)",
    labelNames: ["surface", "outcome"] as const,
    registers: [this.registry],
  });

  readonly eventsApplied = new Counter({
    name: "sync_events_applied_total",
    help: "Inbox events applied, by outcome (created, updated, unchanged, deleted, ...)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  readonly eventsFailed = new Counter({
    name: "sync_events_failed_total",
    help: "Inbox events whose apply failed and were scheduled for a retry",
    registers: [this.registry],
  });

  readonly eventsDeadLettered = new Counter({
    name: "sync_events_dead_lettered_total",
    help: "Inbox events moved to the dead letters (permanent error or retries exhausted)",
    registers: [this.registry],
  });

  readonly appliedLatency = new Histogram({
    name: "sync_received_to_applied_seconds",
    help: "From a webhook's receipt to its effect being written to the destination",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly storageErrors = new Counter({
    name: "storage_errors_total",
    help: "Database operations that failed (disk full, I/O error, lock held elsewhere), by path, operation and SQLite code",
    labelNames: ["path", "operation", "code"] as const,
    registers: [this.registry],
  });

  readonly storageHealthy = new Gauge({
    name: "storage_healthy",
    help: "1 while the path's last database write succeeded (intake: the last inbox commit), 0 while it fails",
    labelNames: ["path"] as const,
    registers: [this.registry],
  });

  /** Inbox gauges read the database when scraped, so they are never stale. */
  watchInbox(read: () => Promise<{ depth: number; oldestPendingReceivedAt: number | null }>): void {
    new Gauge({
      name: "inbox_depth",
      help: "Events received and not yet applied",
      registers: [this.registry],
      async collect() {
        this.set((await read()).depth);
      },
    });
    new Gauge({
      name: "inbox_oldest_pending_age_seconds",
      help: "Age of the oldest event not yet applied (0 when none)",
      registers: [this.registry],
      async collect() {
        const oldest = (await read()).oldestPendingReceivedAt;
        this.set(oldest === null ? 0 : Math.max(0, clockNow() - oldest) / 1000);
      },
    });
  }

  /**
   * Requests per workspace against its limits, read when scraped. Workspace ids are labels: a handful per
   * config, and not secrets.
   */
  watchQuota(read: () => readonly WorkspaceQuotaState[]): void {
    const gauge = (name: string, help: string, value: (state: WorkspaceQuotaState) => number | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: ["workspace"] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const state of read()) {
            const v = value(state);
            if (v !== undefined) this.set({ workspace: state.workspaceId }, v);
          }
        },
      });
    gauge("clockify_workspace_requests_last_minute", "Requests sent to the workspace in the current minute, by every process of the database", (s) => s.lastMinute);
    gauge("clockify_workspace_requests_last_hour", "Requests sent to the workspace in the last 60 minutes, by every process of the database", (s) => s.lastHour);
    gauge("clockify_workspace_hourly_budget", "clockify.workspaces[].requestsPerHour of the workspace (only where set)", (s) => s.perHour);
    gauge("clockify_workspace_rate_per_second", "The rate this process allows itself for the workspace now (429s lower it)", (s) => s.rate);
    gauge("clockify_workspace_rate_limit_per_second", "The configured most per second for the workspace", (s) => s.ceiling);
    gauge("clockify_workspace_learned_limit_per_second", "The rate Clockify accepted when its last 429s came (only after one)", (s) => s.learnedLimit);
  }

  /** Hand this to ClockifyClient's `onRequest`. */
  readonly recordClockifyRequest = (event: RequestEvent): void => {
    this.clockifyRequests.inc({ method: event.method, route: event.route, status: String(event.status) });
    this.clockifyLatency.observe({ method: event.method, route: event.route }, event.durationMs / 1000);
  };
}
