import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => {
  vi.useRealTimers();
  vi.resetModules();
});

/** A fresh clock module under fake Date and performance, so its anchor is the fake time. */
async function freshClock() {
  vi.useFakeTimers({ toFake: ["Date", "performance"], now: new Date("2026-11-20T09:00:00.000Z") });
  vi.resetModules();
  return import("../src/clock.js");
}

describe("the process clock", () => {
  it("follows the wall clock forwards", async () => {
    const clock = await freshClock();
    const start = clock.now();
    vi.advanceTimersByTime(1500);
    expect(clock.now() - start).toBe(1500);
    vi.setSystemTime(Date.now() + 60_000); // a forward step (NTP catching up) is taken over
    expect(clock.now() - start).toBe(61_500);
  });

  it("carries on at the monotonic pace when the wall clock steps back", async () => {
    const clock = await freshClock();
    const start = clock.now();
    vi.setSystemTime(Date.now() - 3_600_000);
    expect(clock.now()).toBe(start);
    vi.advanceTimersByTime(100);
    expect(clock.now()).toBe(start + 100);
    expect(clock.elapsedSince(clock.monotonic() + 50)).toBe(0);
  });
});
