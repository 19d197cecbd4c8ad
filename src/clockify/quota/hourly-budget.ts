/**
 * Why a request is sent, which decides who gets the last of an hourly budget: a change a person just
 * made (webhook-driven) first, then healing (polling, failed deliveries), then bulk work (reconcile,
 * checks), which can wait for the next hour without anyone noticing.
 */
export type Purpose = "webhook" | "heal" | "bulk";

/** The part of the hourly budget each purpose may use up: the rest stays for the ones before it. */
export const PURPOSE_SHARE: Readonly<Record<Purpose, number>> = { webhook: 1, heal: 0.9, bulk: 0.8 };

export const MINUTE_MS = 60_000;
/** The budget is a sliding hour of whole minutes: the current minute and the 59 before it. */
export const HOUR_MINUTES = 60;

export const minuteOf = (ms: number) => Math.floor(ms / MINUTE_MS);

export type BudgetVerdict =
  | { ok: true; used: number; allowed: number }
  /** `until`: epoch ms when enough of the hour's requests have aged out for one more. */
  | { ok: false; used: number; allowed: number; until: number };

/** What `purpose` may use of `perHour`: at least one request, so no purpose is shut out for good. */
export function allowance(perHour: number, purpose: Purpose): number {
  return Math.max(1, Math.floor(perHour * PURPOSE_SHARE[purpose]));
}

/** Requests in the sliding hour that ends in the minute of `now`. */
export function usedInHour(minutes: ReadonlyMap<number, number>, now: number): number {
  const first = minuteOf(now) - HOUR_MINUTES + 1;
  let used = 0;
  for (const [minute, count] of minutes) if (minute >= first) used += count;
  return used;
}

/**
 * May one more request of `purpose` go now under an hourly budget of `perHour`? Pure. `minutes` holds
 * the requests sent per epoch minute (by every process); when the answer is no, `until` is when the
 * oldest minutes have left the hour and one fits again.
 */
export function judgeBudget(minutes: ReadonlyMap<number, number>, perHour: number, purpose: Purpose, now: number): BudgetVerdict {
  const used = usedInHour(minutes, now);
  const allowed = allowance(perHour, purpose);
  if (used < allowed) return { ok: true, used, allowed };
  const first = minuteOf(now) - HOUR_MINUTES + 1;
  const inHour = [...minutes].filter(([minute]) => minute >= first).sort(([a], [b]) => a - b);
  let left = used;
  for (const [minute, count] of inHour) {
    left -= count;
    if (left < allowed) return { ok: false, used, allowed, until: (minute + HOUR_MINUTES) * MINUTE_MS };
  }
  // Unreachable while used >= allowed >= 1: some minute holds a request.
  return { ok: false, used, allowed, until: (minuteOf(now) + 1) * MINUTE_MS };
}
