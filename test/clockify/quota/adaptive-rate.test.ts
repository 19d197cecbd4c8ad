import { describe, expect, it } from "vitest";
import { AdaptiveRate } from "../../../src/clockify/quota/adaptive-rate.js";
import { Pacer } from "../../../src/clockify/quota/pacer.js";
import { QuotaClosedError, RateLimiterRegistry } from "../../../src/clockify/rate-limiter.js";

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
    // [ceiling, accepted per second before the 429s, expected learned limit, expected rate once recovered]
    [10, 5, 5, 4.5],
    [10, 8, 8, 7.2],
    [50, 30, 30, 27],
  ])("ceiling %d, Clockify let %d/s through a sender at the ceiling: learns %d and settles at %d", (ceiling, acceptedPerSecond, learned, settled) => {
    const rate = new AdaptiveRate({ ceiling }, 0);
    acceptEvery(rate, 0, 1000, 1000 / acceptedPerSecond);
    // The rest of the second's requests were refused.
    for (let k = 0; k < ceiling - acceptedPerSecond; k++) rate.onLimited(1000 + k);
    expect(rate.learnedLimit()).toBe(learned);
    // Decreased at once, held, then raised additively up to 90% of the learned limit, never above it.
    expect(rate.rate(1000 + ceiling)).toBeLessThanOrEqual(Math.min(ceiling * 0.5, settled));
    expect(rate.rate(60_000)).toBeCloseTo(settled, 5);
  });

  it("takes the 429s of one second as one decrease, and one measure of them", () => {
    const rate = new AdaptiveRate({ ceiling: 10 }, 0);
    acceptEvery(rate, 0, 1000, 200);
    for (const t of [1000, 1010, 1020, 1030, 1040]) rate.onLimited(t);
    expect(rate.rate(1040)).toBeCloseTo(4.5, 5);
    expect(rate.learnedLimit()).toBe(5);
    expect(rate.limitedCount()).toBe(5);
  });

  it("learns nothing from a lone 429 amid sparse requests (someone else spent the quota), and lowers the rate once", () => {
    const rate = new AdaptiveRate({ ceiling: 50 }, 0);
    acceptEvery(rate, 0, 1000, 500);
    for (const t of [1000, 1100, 1300, 1700]) rate.onLimited(t);
    expect(rate.learnedLimit()).toBeUndefined();
    expect(rate.rate(1700)).toBe(25);
    expect(rate.rate(60_000)).toBe(50);
  });

  it("keeps the first 429's measure through a run of them (another client spending the quota), so it recovers in seconds", () => {
    const rate = new AdaptiveRate({ ceiling: 10 }, 0);
    acceptEvery(rate, 0, 1000, 100);
    // Everything refused for 1.5 s: each later 429 sees fewer accepted answers in its second.
    let t = 1000;
    while (t < 2500) {
      t = Math.max(t + 1000 / rate.rate(t), rate.heldUntil());
      rate.onLimited(t);
    }
    // The first 429 (at 1100) saw the 9 answers of its second; the later ones fewer and fewer.
    expect(rate.learnedLimit()).toBe(9);
    // Before, the run ratcheted the learned limit down to 2 (rate 1.8/s) for the better part of an hour.
    expect(rate.rate(t + 60_000)).toBeCloseTo(8.1, 5);
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
    const rate = new AdaptiveRate({ ceiling: 5, relaxAfterMs: 60_000 }, 0);
    acceptEvery(rate, 0, 1000, 250);
    rate.onLimited(1000);
    expect(rate.learnedLimit()).toBe(4);
    rate.rate(61_001);
    expect(rate.learnedLimit()).toBeCloseTo(5, 5);
    for (let t = 61_001; t < 2_000_000; t += 60_001) rate.rate(t);
    expect(rate.learnedLimit()).toBeUndefined();
    expect(rate.rate(2_000_000)).toBe(5);
  });
});

describe("Pacer", () => {
  it("books a key's slot and its workspace's together: a slow workspace never lets the key overshoot, nor blocks its other workspaces", () => {
    const key = new Pacer(new AdaptiveRate({ ceiling: 10 }, 0));
    const slow = new Pacer(new AdaptiveRate({ ceiling: 2 }, 0));
    const fast = new Pacer(new AdaptiveRate({ ceiling: 50 }, 0));
    const slowSlots = [0, 1, 2].map(() => Pacer.reserveTogether(0, [key, slow]).waitMs);
    expect(slowSlots).toEqual([0, 500, 1000]);
    // The fast workspace's requests take the key's gaps between the slow one's slots, 100 ms apart.
    const fastSlots = [0, 1, 2, 3, 4, 5].map(() => Pacer.reserveTogether(0, [key, fast]).waitMs);
    expect(fastSlots).toEqual([100, 200, 300, 400, 600, 700]);
    const all = [...slowSlots, ...fastSlots].sort((a, b) => a - b);
    for (let i = 1; i < all.length; i++) expect((all[i] ?? 0) - (all[i - 1] ?? 0)).toBeGreaterThanOrEqual(100);
  });

  it("a 429 voids the slots booked at the old rate: booked again, they follow the hold at the new spacing", () => {
    const rate = new AdaptiveRate({ ceiling: 10 }, 0);
    const pacer = new Pacer(rate);
    const first = Pacer.reserveTogether(0, [pacer]);
    expect([first.waitMs, pacer.reserve(0), pacer.reserve(0), pacer.reserve(0)]).toEqual([0, 100, 200, 300]);
    rate.onLimited(150);
    expect(pacer.epoch()).not.toBe(first.epochs[0]);
    // Halved to 5/s behind the 250 ms hold: 400, then 200 ms apart.
    expect([pacer.reserve(150), pacer.reserve(150), pacer.reserve(150)]).toEqual([250, 450, 650]);
  });

  it("spaces reservations at the rate, in call order, and pushes them behind a hold", () => {
    const rate = new AdaptiveRate({ ceiling: 4 }, 0);
    const pacer = new Pacer(rate);
    expect([pacer.reserve(0), pacer.reserve(0), pacer.reserve(0)]).toEqual([0, 250, 500]);
    rate.onLimited(600, 2000);
    // The next slot is after the Retry-After's hold, and at the halved rate after it.
    expect(pacer.reserve(600)).toBe(2000);
    expect(pacer.reserve(600)).toBe(2000 + 500);
  });
});

describe("RateLimiterRegistry", () => {
  it("a long hold (a huge Retry-After) ends when the process stops: the request fails instead of keeping the process alive", async () => {
    const registry = new RateLimiterRegistry({ requestsPerSecond: 10 });
    const gate = registry.forKey("key");
    gate.settle({}, 429, { "retry-after": "3000000" });
    const waiting = gate.acquire({});
    registry.close();
    await expect(waiting).rejects.toBeInstanceOf(QuotaClosedError);
  });
});
