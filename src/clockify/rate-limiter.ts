import { sha256 } from "../hash.js";

export interface RateLimiterOptions {
  requestsPerSecond: number;
  /** Requests that may go out back to back after an idle spell. 1 keeps any 1-second window at the rate. */
  burst?: number;
}

/**
 * Token bucket in its GCRA form: each acquire reserves the next slot synchronously, so waiters are served
 * in call order and concurrent callers can never overshoot the rate together.
 */
export class RateLimiter {
  private readonly intervalMs: number;
  private readonly burst: number;
  private theoreticalArrival = 0;

  constructor(options: RateLimiterOptions) {
    if (!(options.requestsPerSecond > 0)) throw new Error("requestsPerSecond must be > 0");
    this.intervalMs = 1000 / options.requestsPerSecond;
    this.burst = Math.max(1, Math.floor(options.burst ?? 1));
  }

  /** Resolves when the caller may send one request. */
  acquire(): Promise<void> {
    const now = performance.now();
    const slot = Math.max(this.theoreticalArrival, now);
    this.theoreticalArrival = slot + this.intervalMs;
    const wait = slot - (this.burst - 1) * this.intervalMs - now;
    if (wait <= 0) return Promise.resolve();
    // setTimeout truncates fractions, which could let a request out a hair early.
    return new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
  }
}

/**
 * Clockify limits per API key, and several pairs (and both directions of one pair) may share a key, so
 * limiters are shared by key. Keys are held only as hashes.
 */
export class RateLimiterRegistry {
  private readonly limiters = new Map<string, RateLimiter>();
  constructor(private readonly defaults: RateLimiterOptions) {}

  forKey(apiKey: string, options: RateLimiterOptions = this.defaults): RateLimiter {
    const id = sha256(apiKey);
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiter(options);
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}
