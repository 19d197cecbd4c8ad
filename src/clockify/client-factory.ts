import type { BackoffOptions } from "./backoff.js";
import { ClockifyClient } from "./client.js";
import type { FailureSite } from "./explain.js";
import type { Purpose, RateLimiterRegistry } from "./rate-limiter.js";
import type { RequestEvent } from "./transport.js";

export interface ClientFactoryOptions {
  /** API base including `/api/v1`. */
  apiUrl: string;
  /** The config's `clockify` section (its requestsPerSecond lives in `limiters`). */
  clockify: { timeoutMs: number; maxRetries: number };
  /** Clients of the same key share one limiter, so together they keep to the key's rate. */
  limiters: RateLimiterRegistry;
  onRequest?: (event: RequestEvent) => void;
  /** Why these clients send: who gets the last of an hourly budget (default bulk). */
  purpose?: Purpose;
  /** Tests shorten backoff; production keeps the defaults. */
  backoff?: Partial<Pick<BackoffOptions, "baseDelayMs" | "maxDelayMs">>;
}

/**
 * Makes a client per API key with the config's timeout and retry settings and the key's shared limiter.
 * A pair's clients pass their `site`, so every failure they throw names the pair, side and config field.
 */
export function createClientFactory(options: ClientFactoryOptions): (apiKey: string, site?: FailureSite) => ClockifyClient {
  const { apiUrl, clockify, limiters, onRequest, backoff, purpose } = options;
  return (apiKey, site) =>
    new ClockifyClient({
      baseUrl: apiUrl,
      apiKey,
      limiter: limiters.forKey(apiKey, purpose),
      timeoutMs: clockify.timeoutMs,
      backoff: { maxRetries: clockify.maxRetries, ...backoff },
      ...(onRequest ? { onRequest } : {}),
      ...(site ? { site } : {}),
    });
}
