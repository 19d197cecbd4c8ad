import { describe, expect, it } from "vitest";
import { backoffDelay, parseRetryAfter } from "../../src/clockify/backoff.js";
import { ClockifyError, classifyStatus, isNotFoundAnswer } from "../../src/clockify/errors.js";

const options = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 };

describe("backoffDelay (full jitter)", () => {
  it("grows exponentially up to the cap", () => {
    expect([0, 1, 2, 3, 4, 5].map((r) => backoffDelay(r, options, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
  });
  it("can be as small as zero", () => {
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(10_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });

  it("obeys at most five minutes: a longer one is an hourly limit's, and past 2^31 ms a timer would fire at once", () => {
    expect(parseRetryAfter("3000000")).toBe(300_000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 09:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(300_000);
  });
});

describe("error classification", () => {
  it.each([
    [404, undefined, "not_found", false],
    [401, 1000, "unauthorized", false],
    [403, undefined, "forbidden", false],
    [400, 501, "invalid", false],
    [429, undefined, "rate_limited", true],
    [500, undefined, "server", true],
    [503, undefined, "server", true],
  ] as const)("HTTP %i code %s -> %s (transient %s)", (status, code, kind, transient) => {
    expect(classifyStatus(status)).toBe(kind);
    expect(new ClockifyError(kind, "GET", "/x", status, code, "m").transient).toBe(transient);
  });

  it("treats 400 with code 501 as a not-found answer", () => {
    expect(isNotFoundAnswer(new ClockifyError("invalid", "GET", "/x", 400, 501, "doesn't belong"))).toBe(true);
    expect(isNotFoundAnswer(new ClockifyError("invalid", "GET", "/x", 400, 500, "bad"))).toBe(false);
    expect(isNotFoundAnswer(new Error("x"))).toBe(false);
  });
});
