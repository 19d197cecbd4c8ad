import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { intervalForBudget, pollIntervalMinutes } from "../../src/polling/interval.js";

describe("intervalForBudget", () => {
  it.each([
    { perHour: undefined, cost: 3, minutes: 2 },
    { perHour: 30, cost: 3, minutes: 12 },
    { perHour: 30, cost: 6, minutes: 24 },
    { perHour: 30, cost: 2, minutes: 8 },
    { perHour: 1000, cost: 3, minutes: 2 },
    { perHour: 1, cost: 3, minutes: 360 },
  ])("$perHour an hour at $cost a poll: every $minutes minutes", ({ perHour, cost, minutes }) => {
    expect(intervalForBudget(perHour, cost)).toBe(minutes);
    // At most half the budget goes to polls.
    if (perHour !== undefined) expect((60 / minutes) * cost).toBeLessThanOrEqual(perHour / 2);
  });
});

const config = (polling: Record<string, unknown>, workspaces: unknown[]) =>
  parseConfig(
    {
      pairs: [{ id: "a", source: { apiKey: "k", workspaceId: "src", userId: "u", clientId: "c" }, destination: { workspaceId: "dst" } }],
      clockify: { workspaces },
      polling,
    },
    {},
  );

describe("pollIntervalMinutes", () => {
  it("takes the config's interval when it names one", () => {
    expect(pollIntervalMinutes(config({ intervalMinutes: 7 }, [{ workspaceId: "src", requestsPerHour: 30 }]), "feed")).toBe(7);
  });
  it("paces the feed by the source's budget only, a listing by both sides'", () => {
    const c = config({}, [{ workspaceId: "dst", requestsPerHour: 30 }]);
    expect(pollIntervalMinutes(c, "feed")).toBe(2);
    expect(pollIntervalMinutes(c, "listing")).toBe(16);
  });
  it("uses what a poll was measured to cost", () => {
    const c = config({}, [{ workspaceId: "src", requestsPerHour: 30 }]);
    expect(pollIntervalMinutes(c, "feed")).toBe(12);
    expect(pollIntervalMinutes(c, "feed", 2)).toBe(8);
  });
});
