import { describe, expect, it } from "vitest";
import { allowance, judgeBudget, MINUTE_MS, usedInHour } from "../../../src/clockify/quota/hourly-budget.js";

const at = (minute: number, second = 0) => minute * MINUTE_MS + second * 1000;
const minutes = (entries: [number, number][]) => new Map(entries);

describe("allowance", () => {
  it.each([
    [30, "webhook", 30],
    [30, "heal", 27],
    [30, "bulk", 24],
    [1, "bulk", 1],
    [3, "bulk", 2],
  ] as const)("%d per hour: %s may use %d", (perHour, purpose, expected) => {
    expect(allowance(perHour, purpose)).toBe(expected);
  });
});

describe("judgeBudget", () => {
  it("counts the current minute and the 59 before it", () => {
    const used = minutes([
      [940, 5],
      [941, 2],
      [1000, 3],
    ]);
    expect(usedInHour(used, at(1000, 30))).toBe(5);
    expect(usedInHour(used, at(1001))).toBe(3);
  });

  it.each([
    // [requests per minute, purpose, now, expected]
    [[[1000, 23]], "bulk", at(1010), { ok: true, used: 23, allowed: 24 }],
    [[[1000, 24]], "bulk", at(1010), { ok: false, used: 24, allowed: 24, until: at(1060) }],
    [[[1000, 24]], "webhook", at(1010), { ok: true, used: 24, allowed: 30 }],
    [[[1000, 30]], "webhook", at(1010, 5), { ok: false, used: 30, allowed: 30, until: at(1060) }],
    // Freeing the oldest minute is not enough when the next ones are full too: the later minute says when.
    [
      [
        [1000, 4],
        [1005, 14],
        [1009, 12],
      ],
      "bulk",
      at(1010),
      { ok: false, used: 30, allowed: 24, until: at(1065) },
    ],
    [[[940, 30]], "bulk", at(1000), { ok: true, used: 0, allowed: 24 }],
  ] as const)("%j, %s at minute %d: %j", (entries, purpose, now, expected) => {
    expect(judgeBudget(minutes(entries.map(([m, c]) => [m, c])), 30, purpose, now)).toEqual(expected);
  });
});
