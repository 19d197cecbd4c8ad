import { elapsedSince, monotonic } from "../clock.js";
import { isStorageError, type StorageHealth } from "../observability/storage-health.js";

/** A database write the worker owes: an outcome to record, events to hand back. Retried until it lands. */
export interface OwedWrite {
  /** The entity's key: its later events wait until this is written, so per-entity order holds. */
  key: string;
  operation: string;
  write(): Promise<unknown>;
}

const FIRST_PAUSE_MS = 250;
const LONGEST_PAUSE_MS = 10_000;

/**
 * How the worker lives through a database that refuses writes (disk full, EIO, a lock held by another
 * process). A failed write is kept and retried before anything new is claimed; meanwhile the worker
 * pauses, doubling the pause up to 10 s, so a full disk costs a few statements a second, not a busy loop.
 * The owed writes live in memory only: if the process dies first, the leases of those events expire and
 * the events are applied again, which the writer's intents and mappings make harmless.
 */
export class StorageBackoff {
  private readonly owed = new Map<string, OwedWrite[]>();
  private pauseMs = 0;
  private pausedAt = 0;

  constructor(private readonly health: StorageHealth) {}

  /** Runs a storage operation; a storage error pauses the worker and returns undefined. Others throw. */
  async attempt<T>(operation: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await run();
      this.recovered();
      return result;
    } catch (error) {
      if (!isStorageError(error)) throw error;
      this.trouble(operation, error);
      return undefined;
    }
  }

  /** Writes now if it can; otherwise owes the write and retries it in `settleOwed`. */
  async writeOrOwe(write: OwedWrite): Promise<void> {
    if (this.owed.has(write.key) || (await this.attempt(write.operation, async () => (await write.write(), true))) === undefined) {
      this.owed.set(write.key, [...(this.owed.get(write.key) ?? []), write]);
    }
  }

  /** Retries owed writes, oldest first per entity; true when none is left. */
  async settleOwed(): Promise<boolean> {
    for (const [key, writes] of this.owed) {
      while (writes.length > 0) {
        const next = writes[0];
        if (!next || (await this.attempt(next.operation, async () => (await next.write(), true))) === undefined) return false;
        writes.shift();
      }
      this.owed.delete(key);
    }
    if (this.pauseMs === 0) this.health.succeeded("worker");
    return true;
  }

  /** Entities with a write still owed: nothing more of theirs is claimed until it lands. */
  owedKeys(): Iterable<string> {
    return this.owed.keys();
  }

  /** Milliseconds left of the current pause; 0 when the worker may go on. */
  pauseLeftMs(): number {
    return this.pauseMs === 0 ? 0 : Math.max(0, this.pauseMs - elapsedSince(this.pausedAt));
  }

  trouble(operation: string, error: unknown): void {
    this.health.failed("worker", operation, error);
    this.pauseMs = this.pauseMs === 0 ? FIRST_PAUSE_MS : Math.min(LONGEST_PAUSE_MS, this.pauseMs * 2);
    this.pausedAt = monotonic();
  }

  private recovered(): void {
    if (this.pauseMs === 0) return;
    this.pauseMs = 0;
    if (this.owed.size === 0) this.health.succeeded("worker");
  }
}
