export interface ThrottleOptions {
  /** Wrong attempts an address may make in a row before it has to wait. */
  burst: number;
  /** One more attempt is allowed per this many milliseconds, up to `burst`. */
  refillMs: number;
  /** Addresses remembered at most; beyond, the longest-untouched is forgotten. */
  maxTracked?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket of wrong attempts per address (see throttleKey). Only failures take a token, so the
 * operator who types the right token is never slowed; someone guessing gets `burst` tries, then one per
 * `refillMs`. Once an address is out of tokens it is refused before its guess is even compared: a
 * throttled guess must not tell right from wrong, or throttling would not slow guessing at all.
 */
export class FailureThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxTracked: number;
  private readonly now: () => number;

  constructor(private readonly options: ThrottleOptions) {
    this.maxTracked = options.maxTracked ?? 10_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** Milliseconds until this address may try again; 0 when it may try now. */
  retryAfterMs(key: string): number {
    const bucket = this.current(key);
    if (!bucket || bucket.tokens >= 1) return 0;
    return Math.ceil((1 - bucket.tokens) * this.options.refillMs);
  }

  fail(key: string): void {
    const bucket = this.current(key) ?? { tokens: this.options.burst, at: this.now() };
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    // Re-inserted, so Map order is least recently failed first: that is who gets forgotten.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    while (this.buckets.size > this.maxTracked) {
      const oldest = this.buckets.keys().next();
      if (oldest.done) break;
      this.buckets.delete(oldest.value);
    }
  }

  /** The bucket refilled up to now; undefined (and forgotten) once it is full again. */
  private current(key: string): Bucket | undefined {
    const bucket = this.buckets.get(key);
    if (!bucket) return undefined;
    const now = this.now();
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + (now - bucket.at) / this.options.refillMs);
    bucket.at = now;
    if (bucket.tokens >= this.options.burst) {
      this.buckets.delete(key);
      return undefined;
    }
    return bucket;
  }
}
