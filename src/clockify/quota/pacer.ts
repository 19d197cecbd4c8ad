import type { AdaptiveRate } from "./adaptive-rate.js";

/**
 * Spaces requests at an AdaptiveRate's current rate, in the GCRA form of a token bucket of one: each
 * acquire reserves the next slot synchronously, so waiters go in call order and concurrent callers never
 * overshoot together; a 429's hold pushes every later slot back.
 */
export class Pacer {
  private theoreticalArrival = 0;

  constructor(readonly rate: AdaptiveRate) {}

  /** Reserves the next slot; returns how long to wait for it (0: now). */
  reserve(now: number): number {
    const interval = 1000 / this.rate.rate(now);
    const slot = Math.max(this.theoreticalArrival, now, this.rate.heldUntil());
    this.theoreticalArrival = slot + interval;
    return Math.max(0, slot - now);
  }
}
