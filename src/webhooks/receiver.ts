import type { PairConfig } from "../config/schema.js";
import type { AppDatabase } from "../db/connection.js";
import { enqueueDeliveries, type NewInboxEvent } from "../db/inbox.js";
import type { Logger } from "../observability/logger.js";
import { eventLabel, type Metrics } from "../observability/metrics.js";
import { isStorageError, type StorageHealth } from "../observability/storage-health.js";
import { SummaryLog } from "../observability/summary-log.js";
import { interpretDelivery, screenHeaders, type Delivery, type DeliveryHeaders } from "./intake.js";
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
  /** Learns whether the last inbox commit worked: /healthz answers 503 while it fails. */
  storage?: StorageHealth;
  /** Called after events were stored, to wake the worker. */
  onStored?: () => void;
  /** Rejections are logged as one summary line per this interval (default a minute). */
  rejectionSummaryMs?: number;
}

/**
 * The webhook's answer: 2xx only once the events are committed to the inbox (or deliberately dropped),
 * so an acknowledged event can never be lost. No Clockify call happens here.
 */
interface Waiting {
  events: NewInboxEvent[];
  /** null: the commit failed and was reported; the delivery answers 503. */
  resolve: (counts: { stored: number; duplicates: number } | null) => void;
  reject: (error: unknown) => void;
}

export class WebhookReceiver {
  private accepting = true;
  /** Deliveries decided but not yet committed: the ones that arrived in this turn of the event loop. */
  private waiting: Waiting[] = [];

  /** Anyone can send a rejected delivery, so a line per rejection would let anyone fill the log. */
  private readonly rejections: SummaryLog;

  private pairs: readonly PairConfig[];

  constructor(private readonly deps: ReceiverDeps) {
    this.pairs = deps.pairs;
    this.rejections = new SummaryLog({
      logger: deps.logger,
      message: "webhook rejected",
      summary: (count, sources, window) => `webhooks rejected: ${count} deliveries from ${sources} address(es) in ${window}`,
      intervalMs: deps.rejectionSummaryMs,
    });
  }

  /** A reloaded config: deliveries fan out to its pairs from the next one on (with tokens.usePairs). */
  usePairs(pairs: readonly PairConfig[]): void {
    this.pairs = pairs;
  }

  /** Shutdown: from now on deliveries get 503 and Clockify redelivers them later. */
  stopAccepting(): void {
    this.accepting = false;
    this.rejections.close();
  }

  /**
   * The verdict of the headers alone, before any body byte is read: a refusal to send at once, or
   * undefined to go on and read the body. receive() checks them again, so it stays safe on its own.
   */
  async screen(headers: DeliveryHeaders): Promise<ReceiveResult | undefined> {
    if (!this.accepting) return { status: 503, body: { error: "shutting down, retry later" } };
    let screened;
    try {
      await this.deps.tokens.refresh();
      screened = screenHeaders(headers, { identify: (t) => this.deps.tokens.identify(t) });
    } catch (error) {
      // The token table could not be read: the body would not help, and nothing is stored.
      if (isStorageError(error) && this.deps.storage) this.deps.storage.failed("intake", "read", error);
      else this.deps.logger.error({ err: error }, "webhook could not be authenticated");
      return { status: 503, body: { error: "could not store the event, retry later" } };
    }
    return screened.kind === "pass" ? undefined : this.refused(screened.status, screened.error, headers);
  }

  /** A delivery refused before anything was stored: counted by fixed labels, summarized in the log. */
  refused(status: number, error: string, headers: DeliveryHeaders): ReceiveResult {
    const event = status === 401 ? "(unauthenticated)" : eventLabel(headers.eventType);
    this.deps.metrics?.webhooksReceived.inc({ event, outcome: "rejected" });
    this.deps.metrics?.webhooksRejected.inc({ status: String(status) });
    this.rejections.note(String(status), headers.from, { event, status, reason: error, from: headers.from });
    return { status, body: { error } };
  }

  async receive(delivery: Delivery): Promise<ReceiveResult> {
    const event = delivery.eventType?.slice(0, 64) ?? "(none)";
    if (!this.accepting) return { status: 503, body: { error: "shutting down, retry later" } };
    try {
      return await this.decide(delivery, event);
    } catch (error) {
      // The inbox or the token table could not be read or written: nothing was stored, so Clockify must
      // redeliver, and a 5xx tells it to. A full disk fails every delivery: StorageHealth logs it once.
      if (isStorageError(error) && this.deps.storage) this.deps.storage.failed("intake", "read", error);
      else this.deps.logger.error({ err: error, event }, "webhook could not be stored");
      return { status: 503, body: { error: "could not store the event, retry later" } };
    }
  }

  private async decide(delivery: Delivery, event: string): Promise<ReceiveResult> {
    const { metrics, logger } = this.deps;
    const label = eventLabel(delivery.eventType);
    await this.deps.tokens.refresh();
    const decision = interpretDelivery(delivery, { pairs: this.pairs, identify: (t) => this.deps.tokens.identify(t) });
    switch (decision.kind) {
      case "reject":
        return this.refused(decision.status, decision.error, delivery);
      case "ignore":
        metrics?.webhooksReceived.inc({ event: label, outcome: "ignored" });
        logger.debug({ event, reason: decision.reason }, "webhook ignored");
        return { status: 200, body: { ignored: decision.reason } };
      case "store": {
        const counts = await this.store(decision.events);
        if (counts === null) return { status: 503, body: { error: "could not store the event, retry later" } };
        const { stored, duplicates } = counts;
        if (stored > 0) metrics?.webhooksReceived.inc({ event: label, outcome: "stored" }, stored);
        if (duplicates > 0) metrics?.webhooksReceived.inc({ event: label, outcome: "duplicate" }, duplicates);
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
  private store(events: NewInboxEvent[]): Promise<{ stored: number; duplicates: number } | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ events, resolve, reject });
      // commitWaiting settles every waiter itself, whatever it meets.
      if (this.waiting.length === 1) setImmediate(() => void this.commitWaiting());
    });
  }

  private async commitWaiting(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    let counts: { stored: number; duplicates: number }[];
    try {
      counts = await enqueueDeliveries(
              this.deps.database,
              batch.map((w) => w.events),
            );
    } catch (error) {
      if (!this.deps.storage) {
        for (const w of batch) w.reject(error);
        return;
      }
      // Reported once here; every delivery of the batch answers 503 without a line of its own.
      this.deps.storage.failed("intake", "commit", error);
      for (const w of batch) w.resolve(null);
      return;
    }
    this.deps.storage?.succeeded("intake");
    batch.forEach((w, i) => w.resolve(counts[i] ?? { stored: 0, duplicates: 0 }));
  }
}
