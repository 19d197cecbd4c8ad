import type { AppDatabase } from "../db/connection.js";
import { ClockifyError } from "../clockify/errors.js";
import { clearBlocked, recordBlocked } from "../db/blocked.js";
import {
  claimEntities,
  completeEvents,
  deadLetterEvents,
  entityKeyOf,
  releaseAllLeases,
  releaseExpiredLeases,
  rescheduleEvents,
  type ClaimedEntity,
} from "../db/inbox.js";
import { pairsReconciledElsewhere } from "../db/leases.js";
import { pruneHistory } from "../db/retention.js";
import type { InboxRow } from "../db/schema.js";
import { elapsedSince, monotonic, now as clockNow } from "../clock.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { isStorageError, StorageHealth } from "../observability/storage-health.js";
import { classifyBlock, settlesBlock, startMs, type Block } from "../sync/blocked.js";
import { counterpartOf, outcomeText, type Outcome } from "../sync/outcome.js";
import type { PairRuntime } from "../sync/pair-runtime.js";
import { isEntryWork } from "../webhooks/events.js";
import { applyEntryEvents, applyProjectEvents } from "./apply-entity.js";
import { decodeEntryRow } from "./decode-row.js";
import { defaultRetryPolicy, describeError, isPermanent, retryDelay, type RetryPolicy } from "./retry-policy.js";
import { StorageBackoff } from "./storage-backoff.js";

export interface WorkerOptions {
  database: AppDatabase;
  runtimes: Map<string, PairRuntime>;
  logger: Logger;
  metrics?: Metrics;
  /** Entities applied at once; the client's rate limiter still bounds the request rate. */
  concurrency?: number;
  pollMs?: number;
  leaseMs?: number;
  /**
   * How far back an applied event still makes a differing late one suspicious (see planEntryEvents).
   * Default: as long as applied events are kept, so a replay of any remembered state is recognised.
   */
  historyWindowMs?: number;
  /** A parked entry looks again this often even without a project event. */
  parkedRecheckMs?: number;
  retry?: RetryPolicy;
  onDeadLetter?: (row: InboxRow, error: string) => void;
  /** Where database trouble is reported (shared with intake for /healthz); one of its own by default. */
  storage?: StorageHealth;
}

/** Applied events are kept a week (pruneHourly); the history that judges late events spans the same. */
const RETENTION_MS = 7 * 86_400_000;
const HISTORY_WINDOW_MS = RETENTION_MS;

/**
 * Applies the inbox: claims entities (all their pending events at once), one at a time per entity and
 * up to `concurrency` entities in parallel, and records each result in the same database as the map.
 */
export class Worker {
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private prunedAt = Number.NEGATIVE_INFINITY;
  private pumping = false;
  /** Passes of the pump and the timer's lease and prune work in progress (stop() waits for them). */
  private readonly pending = new Set<Promise<void>>();
  private repump = false;
  private stopped = true;
  private idleWaiters: Array<() => void> = [];
  private readonly concurrency: number;
  private readonly retry: RetryPolicy;
  private readonly backoff: StorageBackoff;

  constructor(private readonly options: WorkerOptions) {
    this.concurrency = options.concurrency ?? 8;
    this.retry = options.retry ?? defaultRetryPolicy;
    this.backoff = new StorageBackoff(options.storage ?? new StorageHealth(options.logger, options.metrics));
  }

  get running(): boolean {
    return !this.stopped;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    // Nothing is in flight in a process that just started: leases left by a crash are void. If the
    // database refuses the write now, the leases expire by themselves and the tick releases them.
    // The first pass is under way from here on (idle() waits for it); it claims once the leases are back.
    this.pumping = true;
    this.background("releasing leases", async () => {
      try {
        const released = (await this.backoff.attempt("release leases", () => releaseAllLeases(this.options.database))) ?? 0;
        if (released > 0) this.options.logger.info({ released }, "resuming events interrupted by a stop");
      } finally {
        this.schedulePump();
      }
    });
    this.timer = setInterval(() => {
      if (this.backoff.pauseLeftMs() === 0) {
        this.background("releasing expired leases", async () => {
          await this.backoff.attempt("release expired leases", () => releaseExpiredLeases(this.options.database));
          await this.backoff.attempt("prune", () => this.pruneHourly());
        });
      }
      this.notify();
    }, this.options.pollMs ?? 500);
    this.timer.unref();
  }

  /** Work the timer or start() sets going: a failure that is not the storage's (a bug) is logged, never thrown into the loop. */
  private background(what: string, work: () => Promise<void>): void {
    const running = work().catch((error: unknown) => this.options.logger.error({ err: error }, `${what} failed`));
    this.pending.add(running);
    void running.finally(() => this.pending.delete(running));
  }

  private schedulePump(): void {
    setImmediate(() => this.background("claiming", () => this.pump()));
  }

  /** New events are in the inbox: look now instead of at the next poll. */
  notify(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.repump = true;
      return;
    }
    this.pumping = true;
    this.schedulePump();
  }

  /** Stops claiming; resolves when the work in flight has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    // A pass that is claiming, and the timer's lease and prune work, end before the database may close;
    // then what they set going.
    await Promise.allSettled([...this.pending]);
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Resolves when nothing is in flight and no claimable event is due (tests and the demo wait on this). */
  idle(): Promise<void> {
    if (this.inFlight.size === 0 && !this.pumping) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** One pass of claiming; notify() runs one at a time (`pumping`), so passes never overlap. */
  private async pump(): Promise<void> {
    try {
      // A database refusing writes: wait out the pause, then first write what is owed from before.
      if (this.backoff.pauseLeftMs() > 0 || !(await this.backoff.settleOwed())) {
        this.wakeAfter(this.backoff.pauseLeftMs());
        return;
      }
      do {
        this.repump = false;
        const room = this.concurrency - this.inFlight.size;
        if (this.stopped || room <= 0) break;
        const claimed = await this.backoff.attempt("claim", async () =>
          claimEntities(this.options.database, {
            limit: room,
            leaseMs: this.options.leaseMs ?? 300_000,
            busy: new Set([...this.inFlight.keys(), ...this.backoff.owedKeys()]),
            // Another process reconciling a pair writes its entries; their events wait for the run to end.
            skipPairs: await pairsReconciledElsewhere(this.options.database),
          }),
        );
        if (claimed === undefined) {
          this.wakeAfter(this.backoff.pauseLeftMs());
          break;
        }
        // Stopped while claiming: nothing more is applied. The claims stay leased; the next start releases
        // every lease of a process that is gone (start() above), another process waits for them to expire.
        if (this.stopped) break;
        for (const entity of claimed) {
          const key = entityKeyOf(entity.pairId, entity.entityId);
          const work = this.process(entity)
            .catch((error: unknown) => this.options.logger.error({ err: error, key }, "applying an entity failed unexpectedly"))
            .finally(() => {
              this.inFlight.delete(key);
              this.notify();
            });
          this.inFlight.set(key, work);
        }
        if (claimed.length === 0) break;
      } while (this.repump || this.inFlight.size < this.concurrency);
    } catch (error) {
      this.options.logger.error({ err: error }, "claiming inbox events failed");
    } finally {
      this.pumping = false;
      if (this.repump && !this.stopped) this.notify();
      else if (this.inFlight.size === 0) this.wakeIdle();
    }
  }

  /** Wakes the pump when a storage pause ends, sooner than the next poll would. */
  private wakeAfter(ms: number): void {
    if (this.wakeTimer || this.stopped) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.notify();
    }, Math.max(1, ms));
    this.wakeTimer.unref();
  }

  /** Applied events (and polling's runs) are history: kept a week for the activity list and late-event checks, then dropped. */
  private async pruneHourly(): Promise<void> {
    if (elapsedSince(this.prunedAt) < 3_600_000) return;
    this.prunedAt = monotonic();
    const removed = await pruneHistory(this.options.database, clockNow() - RETENTION_MS, clockNow());
    if (removed.inboxEvents > 0) this.options.logger.info({ removed: removed.inboxEvents }, "pruned applied inbox events older than a week");
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async process(entity: ClaimedEntity): Promise<void> {
    const { database, logger, metrics } = this.options;
    const ids = entity.rows.map((r) => r.id);
    const key = entityKeyOf(entity.pairId, entity.entityId);
    const first = entity.rows[0];
    if (!first) return;
    const runtime = this.options.runtimes.get(entity.pairId);
    const log = logger.child({ pair: entity.pairId, entityId: entity.entityId, events: entity.rows.map((r) => r.eventType) });
    if (!runtime) {
      await this.backoff.writeOrOwe({ key, operation: "complete", write: () => completeEvents(database, ids, { outcome: "no such pair" }) });
      log.warn("events for a pair that is no longer configured; dropped");
      return;
    }
    const started = monotonic();
    let result: Outcome;
    try {
      result = isEntryWork(first.eventType) ? await applyEntryEvents(runtime, entity, this.options.historyWindowMs ?? HISTORY_WINDOW_MS) : await applyProjectEvents(runtime, entity);
    } catch (error) {
      if (!isStorageError(error)) return this.fail(entity, error, log);
      // The database failed under the writer, not Clockify: no attempt is counted, the events go back
      // as they were and are applied again once it takes writes (intents make that safe).
      this.backoff.trouble("apply", error);
      const release = () =>
        rescheduleEvents(database, ids, { availableAt: clockNow(), error: `database: ${error.code}`, countAttempt: false });
      await this.backoff.writeOrOwe({ key, operation: "release", write: release });
      return;
    }
    if (result.kind === "parked") {
      const { waitingFor } = result;
      const park = () =>
        rescheduleEvents(database, ids, {
          availableAt: clockNow() + (this.options.parkedRecheckMs ?? 3_600_000),
          error: `waiting for project "${waitingFor}" in the destination`,
          waitingFor,
          countAttempt: false,
        });
      await this.backoff.writeOrOwe({ key, operation: "park", write: park });
      log.info({ outcome: "parked", waitingFor }, "entry parked until its project exists");
      return;
    }
    const now = clockNow();
    // The map row was committed by the writer; this completion follows it. A crash between the two
    // replays the events, and replay is idempotent: the map's hash makes the copy "unchanged", a
    // tombstone makes a delete a no-op.
    const recorded = { outcome: outcomeText(result), destinationId: counterpartOf(result) };
    const complete = async () => {
      await completeEvents(database, ids, recorded, now);
      if (isEntryWork(first.eventType) && settlesBlock(result)) await clearBlocked(database, entity.pairId, entity.entityId);
    };
    await this.backoff.writeOrOwe({ key, operation: "complete", write: complete });
    for (const row of entity.rows) metrics?.appliedLatency.observe(Math.max(0, now - row.receivedAt) / 1000);
    metrics?.eventsApplied.inc({ outcome: result.kind }, ids.length);
    log.info(
      {
        outcome: recorded.outcome,
        destinationId: recorded.destinationId,
        latencyMs: now - first.receivedAt,
        tookMs: Math.round(elapsedSince(started)),
      },
      "applied",
    );
  }

  private async fail(entity: ClaimedEntity, error: unknown, log: Logger): Promise<void> {
    const { database, metrics } = this.options;
    const ids = entity.rows.map((r) => r.id);
    const key = entityKeyOf(entity.pairId, entity.entityId);
    const attempts = Math.max(...entity.rows.map((r) => r.attempts)) + 1;
    const message = describeError(error);
    const block = classifyBlock(error);
    if (block) return this.block(entity, block, error, message, log);
    if (isPermanent(error) || attempts >= this.retry.maxAttempts) {
      await this.backoff.writeOrOwe({ key, operation: "dead-letter", write: () => deadLetterEvents(database, ids, message) });
      metrics?.eventsDeadLettered.inc(ids.length);
      log.error({ err: message, attempts }, "event dead-lettered");
      for (const row of entity.rows) this.options.onDeadLetter?.(row, message);
      return;
    }
    const delay = retryDelay(attempts, this.retry);
    const retry = () =>
      rescheduleEvents(database, ids, { availableAt: clockNow() + delay, error: message, countAttempt: true });
    await this.backoff.writeOrOwe({ key, operation: "reschedule", write: retry });
    metrics?.eventsFailed.inc(ids.length);
    log.warn({ err: message, attempts, retryInMs: delay }, "apply failed; will retry");
  }

  /**
   * The destination refuses the copy for now (a locked period, an approved entry): the events are done
   * and the copy is recorded as blocked, so it is neither retried for a day nor dead-lettered; the next
   * reconcile over its date applies it once the block lifts.
   */
  private async block(entity: ClaimedEntity, block: Block, error: unknown, message: string, log: Logger): Promise<void> {
    const { database } = this.options;
    const ids = entity.rows.map((r) => r.id);
    const entryStartAt = startMs(entity.rows.map((r) => decodeEntryRow(r).entry?.start).find((s) => s !== undefined));
    const action = error instanceof ClockifyError && error.method === "DELETE" ? "delete" : "write";
    const write = async () => {
      await recordBlocked(database, { pairId: entity.pairId, sourceEntryId: entity.entityId, kind: block.kind, action, entryStartAt, message });
      await completeEvents(database, ids, { outcome: `blocked by ${block.kind}: ${block.reason}` });
    };
    await this.backoff.writeOrOwe({ key: entityKeyOf(entity.pairId, entity.entityId), operation: "block", write });
    log.warn({ err: message, blockedBy: block.kind }, "copy blocked by the destination; recorded for the next reconcile");
  }
}
