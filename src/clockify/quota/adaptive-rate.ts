/**
 * How fast one limited thing (a workspace, an API key) may be sent to, learned from Clockify's answers.
 * Clockify documents its limits loosely (50/s per workspace on paid plans, folklore says 10/s per key,
 * a new Free workspace far less) and sends no rate headers (API-NOTES §6), so the limit is learned:
 *
 * - a 429 lowers the rate at once (multiplicative decrease) and holds it for a moment;
 * - it also measures the rate Clockify accepted in the second before the 429 (answers other than 429):
 *   that is the limit as Clockify counts it, and the rate stays a little under it from then on, so the
 *   429s stop instead of recurring every time the rate climbs back;
 * - clean seconds raise the rate slowly (additive increase) up to that learned cap or the configured
 *   ceiling, whichever is lower; a long clean spell relaxes the learned cap, in case the limit was a
 *   passing one (another process's burst).
 *
 * Pure: every method takes the time, so tests drive it without waiting.
 */
export interface AdaptiveRateOptions {
  /** The configured most, requests per second. */
  ceiling: number;
  /** Never slower than this, however many 429s come (a rate of 0 would never ask again). */
  floor?: number;
  /** Decrease factor on a 429. */
  decrease?: number;
  /** After a decrease, no increase for this long. */
  holdMs?: number;
  /** Additive increase, requests per second gained per clean second. */
  stepPerSecond?: number;
  /** How far under the learned limit the rate stays (0.9: 10% under, room for a late timer). */
  margin?: number;
  /** A learned cap is relaxed by a quarter after this long without a 429. */
  relaxAfterMs?: number;
}

const WINDOW_MS = 1000;

export class AdaptiveRate {
  private readonly floor: number;
  private readonly decrease: number;
  private readonly holdMs: number;
  private readonly step: number;
  private readonly margin: number;
  private readonly relaxAfterMs: number;
  private ceiling: number;
  private current: number;
  private learned: number | undefined;
  private holdUntil = 0;
  private raisedAt = 0;
  private relaxedAt = 0;
  private lastLimitAt = Number.NEGATIVE_INFINITY;
  private lastLearnedAt = Number.NEGATIVE_INFINITY;
  private decreasedAt = Number.NEGATIVE_INFINITY;
  private limits = 0;
  /** The rate allowed when the current run of 429s began. */
  private runAllowed = Number.POSITIVE_INFINITY;
  /** When the answers Clockify accepted in the last second came: the rate it let through. */
  private accepted: number[] = [];
  /** When the 429s of the last second came. */
  private refused: number[] = [];

  constructor(options: AdaptiveRateOptions, now = 0) {
    if (!(options.ceiling > 0)) throw new Error("ceiling must be > 0");
    this.ceiling = options.ceiling;
    this.floor = Math.min(options.floor ?? 0.2, options.ceiling);
    this.decrease = options.decrease ?? 0.5;
    this.holdMs = options.holdMs ?? 250;
    this.step = options.stepPerSecond ?? Math.max(0.2, options.ceiling / 20);
    this.margin = options.margin ?? 0.9;
    this.relaxAfterMs = options.relaxAfterMs ?? 5 * 60_000;
    this.current = options.ceiling;
    this.raisedAt = now;
  }

  /** Requests per second allowed now. */
  rate(now: number): number {
    this.relax(now);
    if (now > this.holdUntil) {
      const from = Math.max(this.raisedAt, this.holdUntil);
      if (now > from) this.current = Math.min(this.cap(), this.current + (this.step * (now - from)) / 1000);
      this.raisedAt = now;
    }
    return Math.max(this.floor, Math.min(this.current, this.cap()));
  }

  /** No request should go before this (a 429's hold, a Retry-After). */
  heldUntil(): number {
    return this.holdUntil;
  }

  /** The limit learned from 429s, when one came; undefined while none did. */
  learnedLimit(): number | undefined {
    return this.learned;
  }

  /** 429s seen so far. */
  limitedCount(): number {
    return this.limits;
  }

  /** A new configured ceiling (a reload); what was learned stays. */
  setCeiling(ceiling: number): void {
    this.ceiling = ceiling;
    this.current = Math.min(this.current, ceiling);
  }

  /** Clockify accepted a request (any answer but a 429). */
  onAccepted(now: number): void {
    this.accepted.push(now);
    this.trim(now);
  }

  /**
   * Clockify refused a request as too many; `retryAfterMs` when it said how long to wait. `sendingRate`:
   * the most the request could go at, when a tighter limiter than this one paced it (a key's under a
   * workspace's).
   */
  onLimited(now: number, retryAfterMs?: number, sendingRate?: number): void {
    // The 429s that come within a second of each other are one run: one over-full second answered.
    const sameRun = now - this.lastLimitAt <= WINDOW_MS;
    if (!sameRun) this.runAllowed = Math.min(this.current, this.cap(), sendingRate ?? Number.POSITIVE_INFINITY);
    this.limits++;
    this.refused.push(now);
    this.lastLimitAt = now;
    this.relaxedAt = now;
    this.trim(now);
    // The rate Clockify let through in the second before: what it counts as the limit. Later 429s of a run
    // see fewer accepted answers in their second (the window slides past them, and nothing is accepted
    // any more), so the largest measure of the run is the closest, not the last.
    const measured = this.accepted.length;
    // Only a second in which this process used most of its allowance says what the limit is: a lone 429
    // amid sparse requests (someone else spent the quota, an hourly limit) measures our traffic, not the limit.
    const sent = measured + this.refusedInWindow(now);
    const first = Math.min(this.accepted[0] ?? now, this.refused[0] ?? now);
    // The part of the second this process has been sending in (a burst that began 400 ms ago counts as
    // half a second, so the very first 429s can teach; never less, so two quick requests cannot).
    const span = Math.min(WINDOW_MS, Math.max(WINDOW_MS / 2, now - first)) / WINDOW_MS;
    // Judged against the allowance before this run's decrease: after it, any traffic would look like most of it.
    if (measured > 0 && sent >= 0.8 * this.runAllowed * span) {
      const sameBurst = this.learned !== undefined && sameRun && now - this.lastLearnedAt <= WINDOW_MS;
      this.learned = sameBurst && this.learned !== undefined ? Math.max(this.learned, measured) : measured;
      this.lastLearnedAt = now;
    }
    // At most one decrease a second: the 429s of one over-full second are one signal, not many.
    if (now - this.decreasedAt >= WINDOW_MS) {
      this.decreasedAt = now;
      this.current = Math.max(this.floor, Math.min(this.current, this.cap()) * this.decrease);
    }
    this.holdUntil = Math.max(this.holdUntil, now + Math.max(this.holdMs, retryAfterMs ?? 0));
    this.raisedAt = this.holdUntil;
  }

  /** Clockify said (a rate header) that nothing more is allowed until `until`. */
  holdFor(now: number, until: number): void {
    if (until > now) this.holdUntil = Math.max(this.holdUntil, until);
  }

  private cap(): number {
    return this.learned === undefined ? this.ceiling : Math.min(this.ceiling, Math.max(this.floor, this.learned * this.margin));
  }

  private relax(now: number): void {
    if (this.learned === undefined || now - Math.max(this.lastLimitAt, this.relaxedAt) < this.relaxAfterMs) return;
    this.relaxedAt = now;
    this.learned *= 1.25;
    if (this.learned * this.margin >= this.ceiling) this.learned = undefined;
  }

  private refusedInWindow(now: number): number {
    dropBefore(this.refused, now - WINDOW_MS);
    return this.refused.length;
  }

  private trim(now: number): void {
    dropBefore(this.accepted, now - WINDOW_MS);
  }
}

/** Removes the times at or before `since` from the front of an ascending list. */
function dropBefore(times: number[], since: number): void {
  let drop = 0;
  while (drop < times.length && (times[drop] ?? 0) <= since) drop++;
  if (drop > 0) times.splice(0, drop);
}
