import type { PairConfig } from "../config/schema.js";
import type { AppDatabase } from "../db/connection.js";
import { enqueueDeliveries, type NewInboxEvent } from "../db/inbox.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { interpretDelivery, type Delivery } from "./intake.js";
import type { TokenBook } from "./tokens.js";

export interface ReceiveResult {
  status: number;
  body: Record<string, unknown>;
}

export interface ReceiverDeps {
  database: AppDatabase;
  tokens: TokenBook;
  pairs: readonly PairConfig[];
  logger: Logger;
  metrics?: Metrics;
  /** Called after events were stored, to wake the worker. */
  onStored?: () => void;
}

/**
 * The webhook's answer: 2xx only once the events are committed to the inbox (or deliberately dropped),
 * so an acknowledged event can never be lost. No Clockify call happens here.
 */
interface Waiting {
  events: NewInboxEvent[];
  resolve: (counts: { stored: number; duplicates: number }) => void;
  reject: (error: unknown) => void;
}

export class WebhookReceiver {
  private accepting = true;
  /** Deliveries decided but not yet committed: the ones that arrived in this turn of the event loop. */
  private waiting: Waiting[] = [];

  constructor(private readonly deps: ReceiverDeps) {}

  /** Shutdown: from now on deliveries get 503 and Clockify redelivers them later. */
  stopAccepting(): void {
    this.accepting = false;
  }

  async receive(delivery: Delivery): Promise<ReceiveResult> {
    const event = delivery.eventType?.slice(0, 64) ?? "(none)";
    if (!this.accepting) return { status: 503, body: { error: "shutting down, retry later" } };
    try {
      return await this.decide(delivery, event);
    } catch (error) {
      // The inbox or the token table could not be read or written: nothing was stored, so Clockify must
      // redeliver, and a 5xx tells it to.
      this.deps.logger.error({ err: error, event }, "webhook could not be stored");
      return { status: 503, body: { error: "could not store the event, retry later" } };
    }
  }

  private async decide(delivery: Delivery, event: string): Promise<ReceiveResult> {
    const { metrics, logger } = this.deps;
    const decision = interpretDelivery(delivery, { pairs: this.deps.pairs, identify: (t) => this.deps.tokens.identify(t) });
    switch (decision.kind) {
      case "reject":
        metrics?.webhooksReceived.inc({ event: decision.status === 401 ? "(unauthenticated)" : event, outcome: "rejected" });
        logger.warn({ event, status: decision.status, reason: decision.error }, "webhook rejected");
        return { status: decision.status, body: { error: decision.error } };
      case "ignore":
        metrics?.webhooksReceived.inc({ event, outcome: "ignored" });
        logger.debug({ event, reason: decision.reason }, "webhook ignored");
        return { status: 200, body: { ignored: decision.reason } };
      case "store": {
        const { stored, duplicates } = await this.store(decision.events);
        if (stored > 0) metrics?.webhooksReceived.inc({ event, outcome: "stored" }, stored);
        if (duplicates > 0) metrics?.webhooksReceived.inc({ event, outcome: "duplicate" }, duplicates);
        const first = decision.events[0];
        logger.info(
          { event, entityId: first?.entityId, workspaceId: first?.workspaceId, pairs: decision.events.map((e) => e.pairId), stored, duplicates },
          "webhook received",
        );
        if (stored > 0) this.deps.onStored?.();
        return { status: 200, body: { stored, duplicates } };
      }
    }
  }

  /**
   * Group commit: deliveries decided in the same turn of the event loop are committed by one transaction
   * right after it (setImmediate), and each is answered only once that commit is done. Under load this
   * turns tens of commits into one; alone, a delivery waits for nothing but the end of its turn.
   */
  private store(events: NewInboxEvent[]): Promise<{ stored: number; duplicates: number }> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ events, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => this.commitWaiting());
    });
  }

  private commitWaiting(): void {
    const batch = this.waiting;
    this.waiting = [];
    let counts: { stored: number; duplicates: number }[];
    try {
      counts = enqueueDeliveries(
        this.deps.database,
        batch.map((w) => w.events),
      );
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    batch.forEach((w, i) => w.resolve(counts[i] ?? { stored: 0, duplicates: 0 }));
  }
}
