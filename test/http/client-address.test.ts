import { describe, expect, it } from "vitest";
import { isLoopbackAddress, throttleKey } from "../../src/http/client-address.js";
import { FailureThrottle } from "../../src/http/failure-throttle.js";

describe("client addresses", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["::1", true],
    ["0:0:0:0:0:0:0:1", true],
    ["::ffff:127.0.0.1", true],
    ["::FFFF:127.0.0.2", true],
    ["192.0.2.2", false],
    ["::ffff:192.0.2.2", false],
    ["::", false],
    ["::2", false],
    ["fd00::1", false],
    ["128.0.0.1", false],
    ["", false],
  ])("%s is loopback: %s", (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });

  it("throttles IPv4 per address and IPv6 per /64, whatever the spelling", () => {
    expect(throttleKey("203.0.113.7")).toBe("203.0.113.7");
    expect(throttleKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(throttleKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(throttleKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(throttleKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(throttleKey("2001:db8:1:3::1")).not.toBe(throttleKey("2001:db8:1:2::1"));
  });
});

describe("FailureThrottle", () => {
  it("allows `burst` failures, then one per refill interval, and forgets a full bucket", () => {
    let now = 0;
    const throttle = new FailureThrottle({ burst: 3, refillMs: 1000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterMs("a")).toBe(0);
      throttle.fail("a");
    }
    expect(throttle.retryAfterMs("a")).toBe(1000);
    expect(throttle.retryAfterMs("b")).toBe(0);
    now = 400;
    expect(throttle.retryAfterMs("a")).toBe(600);
    now = 1000;
    expect(throttle.retryAfterMs("a")).toBe(0);
    throttle.fail("a");
    expect(throttle.retryAfterMs("a")).toBe(1000);
    now = 10_000;
    expect(throttle.retryAfterMs("a")).toBe(0);
  });

  it("remembers at most maxTracked addresses, forgetting the longest quiet first", () => {
    const throttle = new FailureThrottle({ burst: 1, refillMs: 60_000, maxTracked: 2, now: () => 0 });
    throttle.fail("a");
    throttle.fail("b");
    throttle.fail("c");
    expect(throttle.retryAfterMs("a")).toBe(0);
    expect(throttle.retryAfterMs("b")).toBeGreaterThan(0);
    expect(throttle.retryAfterMs("c")).toBeGreaterThan(0);
  });
});
