import { ClockifyError } from "../clockify/errors.js";

export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** With the defaults, 34 attempts span about a day: long enough to ride out a Clockify outage. */
  maxAttempts: number;
}

export const defaultRetryPolicy: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 3_600_000, maxAttempts: 34 };

/** Exponential with jitter over the upper half, so a retry never comes back immediately. */
export function retryDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Validation errors, missing rights: trying again changes nothing, so the event goes to the dead letters
 * at once with Clockify's reason. 429, 5xx, network trouble and anything unexpected (including our own
 * bugs, which a deploy may fix, and users of the config that match nobody, which a fixed file and a
 * reload settle) are retried. Locked periods and approved entries are
 * asked first (sync/blocked.ts classifyBlock): they are recorded as blocked, never dead-lettered.
 */
export function isPermanent(error: unknown): boolean {
  return (
    error instanceof ClockifyError &&
    (error.kind === "invalid" || error.kind === "forbidden" || error.kind === "unauthorized" || error.kind === "not_found")
  );
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.slice(0, 1000);
  return String(error).slice(0, 1000);
}
