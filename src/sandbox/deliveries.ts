import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Agent, request } from "undici";
import type { Faults } from "./faults.js";
import type { WebhookEventStatusRecord, WebhookRecord } from "./model.js";
import { DEFAULT_DISABLE_AFTER_FAILED_EVENTS, openEventStatus, recordAttempt } from "./webhook-logs.js";

/** One event for one webhook. The body is serialized once, so every attempt is byte-identical. */
export interface DeliveryJob {
  webhookId: string;
  workspaceId: string;
  event: string;
  entityId: string;
  body: string;
}

export interface DeliveryLogEntry {
  webhookId: string;
  event: string;
  entityId: string;
  /** 1 for the first attempt; 0 when a fault dropped the event before any attempt. */
  attempt: number;
  status?: number;
  error?: string;
  /** performance.now() milliseconds. */
  at: number;
}

export interface DeliveryOptions {
  retryDelayMs: number;
  maxAttempts: number;
  timeoutMs: number;
  faults: Faults;
  /** Current registration, read at every attempt: a regenerated token or a deleted webhook applies at once. */
  webhook: (workspaceId: string, webhookId: string) => WebhookRecord | undefined;
  /** Failed events in a row that turn a webhook's delivery off; default DEFAULT_DISABLE_AFTER_FAILED_EVENTS (a GUESS). */
  disableAfterFailedEvents?: number;
}

/** What one answer (or its absence) was, as the log keeps it. */
interface Outcome {
  status?: number;
  error?: string;
  responseBody?: string;
}

/** The header set of a real delivery (ODOO capture) plus RT's per-attempt idempotency-key. */
const USER_AGENT = "Vert.x-WebClient/4.2.5";

/**
 * Asynchronous at-least-once webhook delivery, as Clockify does it: POST the body, retry a non-2xx or a
 * network error after a fixed delay, up to a maximum number of attempts.
 */
export class Deliveries {
  readonly log: DeliveryLogEntry[] = [];
  /**
   * Events in a row whose every attempt failed before Clockify turns the webhook's `deliveryEnabled` off.
   * The number is undocumented: the simulator's GUESS, changeable by tests.
   */
  disableAfterFailedEvents: number;
  /** Each start of a job (a duplicate is a second event) has its own event status. */
  private readonly statuses = new WeakMap<DeliveryJob, WebhookEventStatusRecord>();
  private pendingCount = 0;
  private waiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private held: DeliveryJob[] = [];
  private closed = false;
  private readonly agent: Agent;

  constructor(private readonly options: DeliveryOptions) {
    this.disableAfterFailedEvents = options.disableAfterFailedEvents ?? DEFAULT_DISABLE_AFTER_FAILED_EVENTS;
    this.agent = new Agent({
      connections: 64,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** Deliveries queued, held, scheduled for retry or in flight. */
  get pending(): number {
    return this.pendingCount;
  }

  /** Resolves once nothing is pending, including scheduled retries and delayed or held deliveries. */
  idle(): Promise<void> {
    if (this.pendingCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  enqueue(job: DeliveryJob): void {
    if (this.closed) return;
    const faults = this.options.faults.webhook;
    const random = this.options.faults.webhookRandom;
    if (random.chance(faults.dropRate)) {
      this.record(job, 0, { error: "dropped by fault injection" });
      return;
    }
    const copies = random.chance(faults.duplicateRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      if (faults.reorderWindowMs > 0) this.hold(job, faults.reorderWindowMs);
      else this.start(job);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
    this.held = [];
    this.pendingCount = 0;
    this.wake();
    await this.agent.destroy();
  }

  private hold(job: DeliveryJob, windowMs: number): void {
    this.held.push(job);
    this.pendingCount++;
    if (this.held.length > 1) return;
    this.later(windowMs, () => {
      const batch = this.options.faults.webhookRandom.shuffle(this.held);
      this.held = [];
      for (const held of batch) {
        this.start(held);
        this.settle();
      }
    });
  }

  private start(original: DeliveryJob): void {
    const job = { ...original };
    const [min, max] = this.options.faults.webhook.delayMs;
    const delay = max > 0 ? this.options.faults.webhookRandom.int(Math.max(0, min), max) : 0;
    if (delay > 0) this.later(delay, () => this.attempt(job, 1));
    else this.attempt(job, 1);
  }

  private attempt(job: DeliveryJob, attempt: number): void {
    if (this.closed) return;
    const hook = this.options.webhook(job.workspaceId, job.webhookId);
    if (!hook || !hook.enabled) {
      this.record(job, attempt, { error: "webhook no longer registered" });
      return;
    }
    // GUESS: once Clockify stops delivering a webhook, the retries already scheduled stop too.
    if (!hook.deliveryEnabled) {
      this.record(job, attempt, { error: "webhook delivery disabled" });
      return;
    }
    this.pendingCount++;
    void this.send(hook, job)
      .then((outcome) => {
        if (this.closed) return;
        this.record(job, attempt, outcome);
        const ok = outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
        const final = ok || attempt >= this.options.maxAttempts;
        this.logAttempt(hook, job, outcome, final);
        if (!final) this.later(this.options.retryDelayMs, () => this.attempt(job, attempt + 1));
      })
      .finally(() => this.settle());
  }

  /** What the webhook logs API shows of this attempt. */
  private logAttempt(hook: WebhookRecord, job: DeliveryJob, outcome: Outcome, final: boolean): void {
    let status = this.statuses.get(job);
    if (!status) {
      status = openEventStatus(hook);
      this.statuses.set(job, status);
    }
    const statusCode = outcome.status ?? null;
    const responseBody = outcome.responseBody ?? outcome.error ?? "";
    recordAttempt(hook, status, job.body, { statusCode, responseBody, final }, this.disableAfterFailedEvents);
  }

  private async send(hook: WebhookRecord, job: DeliveryJob): Promise<Outcome> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      const res = await request(hook.url, {
        method: "POST",
        dispatcher: this.agent,
        signal: controller.signal,
        headers: {
          "content-type": "application/json",
          "clockify-signature": hook.authToken,
          "clockify-webhook-event-type": job.event,
          "user-agent": USER_AGENT,
          "idempotency-key": randomUUID(),
        },
        body: job.body,
      });
      const responseBody = await res.body.text();
      return { status: res.statusCode, responseBody };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    } finally {
      this.inFlight.delete(controller);
    }
  }

  private record(job: DeliveryJob, attempt: number, outcome: Outcome): void {
    this.log.push({
      webhookId: job.webhookId,
      event: job.event,
      entityId: job.entityId,
      attempt,
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
      at: performance.now(),
    });
  }

  /** Runs `fn` after `ms`, counting as pending until it has run (and started whatever it starts). */
  private later(ms: number, fn: () => void): void {
    this.pendingCount++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
      this.settle();
    }, ms);
    this.timers.add(timer);
  }

  private settle(): void {
    if (this.closed) return;
    this.pendingCount--;
    if (this.pendingCount === 0) this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
