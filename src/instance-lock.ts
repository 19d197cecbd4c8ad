import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { now as clockNow } from "./clock.js";
import { acquireLease, readLease, releaseLease, renewLease } from "./db/leases.js";
import type { AppDatabase } from "./db/connection.js";
import type { Logger } from "./observability/logger.js";
import { describeHolder, leaseHolderIsGone } from "./process/lease-holder.js";

const KEY = "service";
const TTL_MS = 30_000;
const HEARTBEAT_MS = 5_000;

/** Owners of a live service in this process: a holder with our pid that is not listed here is a past life. */
const liveHere = new Set<string>();

export class InstanceLockError extends Error {
  override readonly name = "InstanceLockError";
}

function holderIsGone(owner: string): boolean {
  return leaseHolderIsGone(owner, liveHere);
}

/**
 * One service per database file: two would claim the same inbox events and create each copy twice. The
 * lock is a lease row renewed every 5 s: released on a clean stop, taken over at once when its holder
 * is a process of this host that is gone, and otherwise after 30 s without renewal (a crashed holder on
 * another host sharing the file). CLIs never take it: they coordinate through the per-pair leases.
 */
export class InstanceLock {
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  private heartbeat: NodeJS.Timeout | undefined;
  private taking: Promise<void> | undefined;
  private renewal: Promise<void> = Promise.resolve();

  constructor(
    private readonly database: AppDatabase,
    private readonly logger: Logger,
  ) {}

  /** Takes the lock or throws InstanceLockError saying who holds it and what to do. */
  take(): Promise<void> {
    // One take at a time: a second call while the first awaits the store joins it.
    this.taking ??= this.takeOnce().finally(() => {
      this.taking = undefined;
    });
    return this.taking;
  }

  private async takeOnce(): Promise<void> {
    if (this.heartbeat) return;
    const current = await readLease(this.database, KEY);
    if (current && current.owner !== this.owner && holderIsGone(current.owner)) {
      this.logger.info({ previous: current.owner }, "taking over the database from a service that is no longer running");
      await releaseLease(this.database, KEY, current.owner);
    }
    if (!await acquireLease(this.database, KEY, TTL_MS, this.owner)) {
      const holder = await readLease(this.database, KEY);
      const seconds = holder ? Math.max(1, Math.ceil((holder.expiresAt - clockNow()) / 1000)) : 0;
      throw new InstanceLockError(
        `another clockify-sync service (${holder ? describeHolder(holder.owner) : "unknown"}) ` +
          `is using this database. Run one service per database file: stop the other one, or give this one its own ` +
          `DATABASE_PATH. If the other one crashed on another machine, its lock expires within ${seconds} s. ` +
          "CLI commands (reconcile, status, deadletter) may run beside it.",
      );
    }
    liveHere.add(this.owner);
    // renew() catches what it meets: a failed renewal is logged, and the next one tries again.
    this.heartbeat = setInterval(() => {
      this.renewal = this.renew();
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async release(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    // A renewal in flight would land after the release and report the lock as taken by another service.
    await this.renewal;
    liveHere.delete(this.owner);
    try {
      await releaseLease(this.database, KEY, this.owner);
    } catch (error) {
      // A database that refuses the write: the lease expires by itself.
      this.logger.warn({ err: error }, "could not release the service lock; it expires within 30 s");
    }
  }

  private async renew(): Promise<void> {
    try {
      if (!await renewLease(this.database, KEY, TTL_MS, this.owner)) {
        this.logger.error("the service lock was taken by another service: two services may now share this database");
      }
    } catch (error) {
      // A full disk or a foreign lock: renewals go on every 5 s, and 30 s of failures let a takeover happen.
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, "could not renew the service lock");
    }
  }
}
