import { sha256 } from "../hash.js";
import { now as clockNow } from "../clock.js";
import type { WorkspaceQuota } from "../config/schema.js";
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from "./backoff.js";
import { AdaptiveRate } from "./quota/adaptive-rate.js";
import { judgeBudget, usedInHour, minuteOf, type Purpose } from "./quota/hourly-budget.js";
import { Pacer } from "./quota/pacer.js";
import { UsageRecorder, type UsageStore } from "./quota/usage.js";

export type { Purpose } from "./quota/hourly-budget.js";

/** What a request tells its gate: the workspace it is about, when it names one. */
export interface GateTicket {
  workspaceId?: string | undefined;
}

/** What the transport asks before each attempt and tells after it. */
export interface RequestGate {
  /** Resolves when the request may be sent; rejects with QuotaClosedError once the process stops. */
  acquire(ticket: GateTicket): Promise<void>;
  /** The answer's status and headers: a 429 slows the key and the workspace down. */
  settle(ticket: GateTicket, status: number, headers: Record<string, string | string[] | undefined>): void;
}

/** A request that waits for an hourly budget says so, once per wait. */
export interface BudgetWait {
  workspaceId: string;
  purpose: Purpose;
  /** When the request may go. */
  until: Date;
  used: number;
  allowed: number;
  perHour: number;
}

export interface QuotaSettings {
  /** Per API key, requests per second (a ceiling). */
  requestsPerSecond: number;
  /** Per workspace, all keys together (Clockify's limit; the config's default is 50). */
  workspaceRequestsPerSecond?: number;
  workspaces?: readonly WorkspaceQuota[];
}

export interface RegistryOptions extends QuotaSettings {
  /** Shares request counts with the other processes of the database (the hourly budget needs it). */
  usage?: UsageStore;
  onWait?: (wait: BudgetWait) => void;
  /** Epoch milliseconds; tests move time. */
  now?: () => number;
}

/** What status and /metrics show of one workspace. */
export interface WorkspaceQuotaState {
  workspaceId: string;
  /** The rate the service allows itself now (lowered by 429s), and the configured most. */
  rate: number;
  ceiling: number;
  /** The limit learned from 429s, if any came. */
  learnedLimit: number | undefined;
  limited: number;
  lastMinute: number;
  lastHour: number;
  perHour: number | undefined;
}

export class QuotaClosedError extends Error {
  constructor() {
    super("the process is stopping: request not sent");
    this.name = "QuotaClosedError";
  }
}

/**
 * The client's side of Clockify's limits, shared by every client of the process: a learning rate per
 * API key and per workspace (Clockify limits per workspace; several pairs, keys and both directions of
 * a pair may share one), and an hourly budget per workspace that every process of the database shares.
 * Keys are held only as hashes.
 */
export class RateLimiterRegistry {
  private settings: QuotaSettings;
  private readonly keys = new Map<string, Pacer>();
  private readonly workspaces = new Map<string, Pacer>();
  private readonly usage: UsageRecorder;
  private readonly waits = new Set<{ timer: NodeJS.Timeout; reject: (error: Error) => void }>();
  private readonly clock: () => number;
  private readonly flusher: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: RegistryOptions) {
    this.settings = options;
    this.usage = new UsageRecorder(options.usage);
    this.clock = options.now ?? clockNow;
    if (options.usage) {
      this.flusher = setInterval(() => this.usage.flush(), 1000);
      this.flusher.unref();
    }
  }

  /** A gate for clients of `apiKey` sending for `purpose`. */
  forKey(apiKey: string, purpose: Purpose = "bulk"): RequestGate {
    const id = sha256(apiKey);
    let key = this.keys.get(id);
    if (!key) this.keys.set(id, (key = new Pacer(new AdaptiveRate({ ceiling: this.settings.requestsPerSecond }, this.clock()))));
    const pacer = key;
    return {
      acquire: (ticket) => this.acquire(pacer, ticket, purpose),
      settle: (ticket, status, headers) => this.settle(pacer, ticket, status, headers),
    };
  }

  /** New settings (a reload): ceilings change, what was learned and counted stays. */
  configure(settings: QuotaSettings): void {
    this.settings = settings;
    for (const pacer of this.keys.values()) pacer.rate.setCeiling(settings.requestsPerSecond);
    for (const [workspaceId, pacer] of this.workspaces) pacer.rate.setCeiling(this.workspaceCeiling(workspaceId));
  }

  /** Every workspace this process sent to or has a budget for. */
  states(): WorkspaceQuotaState[] {
    const now = this.clock();
    const ids = new Set([...this.workspaces.keys(), ...(this.settings.workspaces ?? []).map((w) => w.workspaceId)]);
    return [...ids].sort().map((workspaceId) => {
      const rate = this.workspaces.get(workspaceId)?.rate;
      const minutes = this.usage.minutes(workspaceId, now);
      const ceiling = this.workspaceCeiling(workspaceId);
      return {
        workspaceId,
        rate: rate?.rate(now) ?? ceiling,
        ceiling,
        learnedLimit: rate?.learnedLimit(),
        limited: rate?.limitedCount() ?? 0,
        lastMinute: minutes.get(minuteOf(now)) ?? 0,
        lastHour: usedInHour(minutes, now),
        perHour: this.quotaOf(workspaceId)?.requestsPerHour,
      };
    });
  }

  /**
   * Stopping: requests waiting for an hourly budget (maybe for most of an hour) or for a hold longer than
   * a second (a Retry-After) fail at once, and so does any that would have to wait for one; paced requests
   * go on, so work in flight can finish. Counts are written.
   */
  close(): void {
    this.closed = true;
    if (this.flusher) clearInterval(this.flusher);
    for (const wait of this.waits) {
      clearTimeout(wait.timer);
      wait.reject(new QuotaClosedError());
    }
    this.waits.clear();
    this.usage.flush();
  }

  private async acquire(key: Pacer, ticket: GateTicket, purpose: Purpose): Promise<void> {
    const { workspaceId } = ticket;
    // Counted when admitted, before its slot: a budget's last request is taken by one caller only.
    if (workspaceId !== undefined) await this.admitToBudget(workspaceId, purpose);
    const pacers = workspaceId === undefined ? [key] : [key, this.workspacePacer(workspaceId)];
    // A 429 that came while this request waited for its slot voids the slot (spaced at the old rate, maybe
    // before the hold): it reserves again, at the new rate.
    for (;;) {
      const { waitMs, epochs } = Pacer.reserveTogether(this.clock(), pacers);
      await this.pause(waitMs);
      const now = this.clock();
      if (pacers.every((p, i) => p.epoch() === epochs[i] && p.rate.heldUntil() <= now)) break;
    }
  }

  /** Short waits run out on stop (work in flight finishes); a long one (a Retry-After's hold) fails at once. */
  private pause(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    // setTimeout truncates fractions, which could let a request out a hair early.
    if (ms <= LONG_PAUSE_MS) return new Promise<void>((resolve) => setTimeout(resolve, Math.ceil(ms)));
    if (this.closed) return Promise.reject(new QuotaClosedError());
    return this.cancellableSleep(ms);
  }

  private async admitToBudget(workspaceId: string, purpose: Purpose): Promise<void> {
    let announced: number | undefined;
    for (;;) {
      const perHour = this.quotaOf(workspaceId)?.requestsPerHour;
      const now = this.clock();
      if (perHour === undefined) return this.usage.record(workspaceId, now, false);
      const verdict = judgeBudget(this.usage.minutes(workspaceId, now), perHour, purpose, now);
      if (verdict.ok) return this.usage.record(workspaceId, now, true);
      if (this.closed) throw new QuotaClosedError();
      if (announced !== verdict.until) {
        announced = verdict.until;
        this.options.onWait?.({ workspaceId, purpose, until: new Date(verdict.until), used: verdict.used, allowed: verdict.allowed, perHour });
      }
      // Another process may free nothing, but may spend: look again at least every minute.
      await this.cancellableSleep(Math.min(verdict.until - now, 60_000));
    }
  }

  private settle(key: Pacer, ticket: GateTicket, status: number, headers: Record<string, string | string[] | undefined>): void {
    const now = this.clock();
    const rates = [key.rate, ...(ticket.workspaceId === undefined ? [] : [this.workspacePacer(ticket.workspaceId).rate])];
    const retryAfter = parseRetryAfter(first(headers["retry-after"]), Date.now());
    // The request went no faster than the tightest of its limiters allowed: that is what a 429 measures against.
    const sendingRate = Math.min(...rates.map((rate) => rate.rate(now)));
    for (const rate of rates) {
      if (status === 429) rate.onLimited(now, retryAfter, sendingRate);
      else rate.onAccepted(now);
      const reset = rateLimitReset(headers, now);
      if (reset !== undefined) rate.holdFor(now, reset);
    }
  }

  private workspacePacer(workspaceId: string): Pacer {
    let pacer = this.workspaces.get(workspaceId);
    if (!pacer) this.workspaces.set(workspaceId, (pacer = new Pacer(new AdaptiveRate({ ceiling: this.workspaceCeiling(workspaceId) }, this.clock()))));
    return pacer;
  }

  private workspaceCeiling(workspaceId: string): number {
    // Without a workspace rate (a registry made for one command or test), the key's rate is the most.
    return this.quotaOf(workspaceId)?.requestsPerSecond ?? this.settings.workspaceRequestsPerSecond ?? this.settings.requestsPerSecond;
  }

  private quotaOf(workspaceId: string): WorkspaceQuota | undefined {
    return this.settings.workspaces?.find((w) => w.workspaceId === workspaceId);
  }

  private cancellableSleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const wait = { timer: setTimeout(() => (this.waits.delete(wait), resolve()), Math.max(1, Math.ceil(ms))), reject };
      this.waits.add(wait);
    });
  }
}

/** Longer waits for a slot are a hold (a Retry-After, a rate header): they end when the process stops. */
const LONG_PAUSE_MS = 1000;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * `X-RateLimit-Remaining: 0` with `X-RateLimit-Reset`: nothing more until the reset. Clockify is not
 * known to send them (API-NOTES §6); if it ever does, it knows better than our learning. The reset is
 * read as seconds from now when small, else as epoch seconds (or milliseconds).
 */
function rateLimitReset(headers: Record<string, string | string[] | undefined>, now: number): number | undefined {
  const remaining = Number(first(headers["x-ratelimit-remaining"]));
  const reset = Number(first(headers["x-ratelimit-reset"]));
  if (remaining !== 0 || !Number.isFinite(reset) || reset <= 0) return undefined;
  const epochMs = reset < 1e12 ? reset * 1000 : reset;
  const waitMs = reset < 1e9 ? reset * 1000 : Math.max(0, epochMs - Date.now());
  return now + Math.min(waitMs, MAX_RETRY_AFTER_MS);
}
