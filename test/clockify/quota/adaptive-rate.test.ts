import { describe, expect, it } from "vitest";
import { AdaptiveRate } from "../../../src/clockify/quota/adaptive-rate.js";
import { Pacer } from "../../../src/clockify/quota/pacer.js";

/** Accepted answers every `intervalMs` from `from` (exclusive) to `to` (inclusive). */
function acceptEvery(rate: AdaptiveRate, from: number, to: number, intervalMs: number): void {
  const count = Math.round((to - from) / intervalMs);
  for (let i = 1; i <= count; i++) rate.onAccepted(Math.min(to, from + i * intervalMs));
}

describe("AdaptiveRate", () => {
  it("starts at the configured ceiling and never goes above it", () => {
    const rate = new AdaptiveRate({ ceiling: 10 }, 0);
    expect(rate.rate(0)).toBe(10);
    acceptEvery(rate, 0, 60_000, 100);
    expect(rate.rate(60_000)).toBe(10);
  });

  it.each([
    // [ceiling, accepted per second before the 429, expected learned limit, expected cap after recovery]
    [10, 5, 5, 4.5],
    [10, 8, 8, 7.2],
    [50, 30, 30, 27],
    [10, 12, 12, 10],
  ])("ceiling %d, Clockify let %d/s through: learns %d and settles at %d", (ceiling, acceptedPerSecond, learned, settled) => {
    const rate = new AdaptiveRate({ ceiling }, 0);
    acceptEvery(rate, 0, 1000, 1000 / acceptedPerSecond);
    rate.onLimited(1000);
    expect(rate.learnedLimit()).toBe(learned);
    // Multiplicative decrease at once, then a hold, then additive increase up to 90% of the learned limit.
    expect(rate.rate(1000)).toBeCloseTo(Math.min(ceiling, learned * 0.9) * 0.5, 5);
    expect(rate.rate(1500)).toBeCloseTo(Math.min(ceiling, learned * 0.9) * 0.5, 5);
    expect(rate.rate(60_000)).toBeCloseTo(settled, 5);
  });

  it("takes the 429s of one burst as one decrease, and the smallest measure of the burst", () => {
    const rate = new AdaptiveRate({ ceiling: 10 }, 0);
    acceptEvery(rate, 0, 1000, 200);
    rate.onLimited(1000);
    rate.onLimited(1010);
    rate.onLimited(1020);
    expect(rate.rate(1020)).toBeCloseTo(2.25, 5);
    expect(rate.learnedLimit()).toBe(5);
    expect(rate.limitedCount()).toBe(3);
  });

  it("honours a Retry-After longer than its own hold", () => {
    const rate = new AdaptiveRate({ ceiling: 10 }, 0);
    rate.onLimited(0, 5000);
    expect(rate.heldUntil()).toBe(5000);
    rate.holdFor(6000, 9000);
    expect(rate.heldUntil()).toBe(9000);
  });

  it("never drops below its floor, however many 429s come", () => {
    const rate = new AdaptiveRate({ ceiling: 10, floor: 0.5 }, 0);
    for (let t = 0; t < 60_000; t += 1100) rate.onLimited(t);
    expect(rate.rate(60_000)).toBeGreaterThanOrEqual(0.5);
  });

  it("relaxes a learned limit after a long clean spell, until it is gone", () => {
    const rate = new AdaptiveRate({ ceiling: 10, relaxAfterMs: 60_000 }, 0);
    acceptEvery(rate, 0, 1000, 250);
    rate.onLimited(1000);
    expect(rate.learnedLimit()).toBe(4);
    rate.rate(61_001);
    expect(rate.learnedLimit()).toBeCloseTo(5, 5);
    for (let t = 61_001; t < 2_000_000; t += 60_001) rate.rate(t);
    expect(rate.learnedLimit()).toBeUndefined();
    expect(rate.rate(2_000_000)).toBe(10);
  });
});

describe("Pacer", () => {
  it("spaces reservations at the rate, in call order, and pushes them behind a hold", () => {
    const rate = new AdaptiveRate({ ceiling: 4 }, 0);
    const pacer = new Pacer(rate);
    expect([pacer.reserve(0), pacer.reserve(0), pacer.reserve(0)]).toEqual([0, 250, 500]);
    rate.onLimited(600, 2000);
    // The next slot is after the hold, and at the halved rate after it.
    expect(pacer.reserve(600)).toBe(2000);
    expect(pacer.reserve(600)).toBe(2000 + 500);
  });
});
