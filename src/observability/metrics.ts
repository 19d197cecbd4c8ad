import { Counter, Histogram, Registry } from "prom-client";
import type { RequestEvent } from "../clockify/transport.js";

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

  /** Hand this to ClockifyClient's `onRequest`. */
  readonly recordClockifyRequest = (event: RequestEvent): void => {
    this.clockifyRequests.inc({ method: event.method, route: event.route, status: String(event.status) });
    this.clockifyLatency.observe({ method: event.method, route: event.route }, event.durationMs / 1000);
  };
}
