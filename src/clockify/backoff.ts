export interface BackoffOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultBackoff: BackoffOptions = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/** "Full jitter": uniform in [0, min(cap, base * 2^retry)], which spreads retrying clients apart best. */
export function backoffDelay(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * The longest a Retry-After (or rate header) is obeyed: a longer one is an hourly limit speaking, which
 * the hourly budget paces, and past 2^31 ms a timer would fire at once instead (Node's limit).
 */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * Retry-After in seconds or as an HTTP date, at most MAX_RETRY_AFTER_MS. Clockify is not known to send
 * it (API-NOTES §6), but if it ever does it knows better than our guess.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}
