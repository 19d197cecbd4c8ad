import type { AdaptiveRate } from "./adaptive-rate.js";

/** Rounds of "the workspace's next slot, then the key's" before the search gives up on a common one. */
const MAX_ROUNDS = 64;

/**
 * Spaces requests at an AdaptiveRate's current rate: each acquire books a slot synchronously, at least
 * one interval from every other booked slot, so concurrent callers never overshoot together. Slots are
 * booked in a calendar rather than one after the last, so a request that must wait for a slow workspace
 * leaves the key's earlier gaps to requests for other workspaces (no head-of-line blocking).
 */
export class Pacer {
  /** Booked slots not yet an interval in the past, ascending. */
  private booked: number[] = [];
  private seenLimits = 0;

  constructor(readonly rate: AdaptiveRate) {}

  /**
   * Which of the rate's 429s a booking was made under. One made before the latest 429 is void: it was
   * spaced at the old rate, so its holder books again (see reserveTogether).
   */
  epoch(): number {
    return this.rate.limitedCount();
  }

  /** Books the next slot; returns how long to wait for it (0: now). */
  reserve(now: number): number {
    return Pacer.reserveTogether(now, [this]).waitMs;
  }

  /**
   * One slot of every pacer at once (a key's and its workspace's): the earliest instant free in all of
   * them, so a request held up by one limiter never spends a slot of the other that it cannot use.
   */
  static reserveTogether(now: number, pacers: readonly Pacer[]): { waitMs: number; epochs: number[] } {
    for (const pacer of pacers) pacer.prune(now);
    let slot = Math.max(now, ...pacers.map((p) => p.rate.heldUntil()));
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const next = pacers.reduce((at, pacer) => pacer.earliestFrom(at, now), slot);
      if (next === slot) break;
      slot = next;
    }
    for (const pacer of pacers) pacer.book(slot);
    return { waitMs: Math.max(0, slot - now), epochs: pacers.map((p) => p.epoch()) };
  }

  private interval(now: number): number {
    return 1000 / this.rate.rate(now);
  }

  /** A 429 since the last booking voids the calendar (its holders book again); past slots are forgotten. */
  private prune(now: number): void {
    if (this.seenLimits !== this.epoch()) {
      this.seenLimits = this.epoch();
      // What went out in the last interval still counts: the new spacing starts after it.
      this.booked = this.booked.filter((at) => at <= now);
    }
    const horizon = now - this.interval(now);
    let drop = 0;
    while (drop < this.booked.length - 1 && (this.booked[drop] ?? 0) < horizon) drop++;
    if (drop > 0) this.booked.splice(0, drop);
  }

  /** The earliest instant at or after `from` at least one interval away from every booked slot. */
  private earliestFrom(from: number, now: number): number {
    const interval = this.interval(now);
    let candidate = from;
    for (const at of this.booked) {
      if (candidate + interval <= at) break;
      if (at + interval > candidate) candidate = at + interval;
    }
    return candidate;
  }

  private book(slot: number): void {
    let index = this.booked.length;
    while (index > 0 && (this.booked[index - 1] ?? 0) > slot) index--;
    this.booked.splice(index, 0, slot);
  }
}
