import { describe, expect, it } from "vitest";
import { ClockifyError, classifyStatus } from "../../src/clockify/errors.js";
import type { FailureSite } from "../../src/clockify/explain.js";
import { classifyBlock, startMs } from "../../src/sync/blocked.js";
import { MembersError } from "../../src/sync/resolve-members.js";

const site = (side: "source" | "destination"): FailureSite => ({
  pairId: "pair-1",
  side,
  pair: { source: { workspaceId: "ws-s", clientId: "c-1" }, destination: { workspaceId: "ws-d" }, users: { source: {}, destination: {} }, sharedKey: false },
});

function refusal(status: number, code: number | undefined, method = "PUT", side?: "source" | "destination"): ClockifyError {
  const error = new ClockifyError(classifyStatus(status), method, "/workspaces/{workspaceId}/time-entries/{id}", status, code, "refused");
  return side ? error.locate(site(side)) : error;
}

describe("classifyBlock", () => {
  const cases: Array<[string, unknown, string | undefined]> = [
    ["403 code 1003 on a write", refusal(403, 1003), "lock"],
    ["403 code 1003 on a delete", refusal(403, 1003, "DELETE"), "lock"],
    ["403 code 1003 located at the destination", refusal(403, 1003, "POST", "destination"), "lock"],
    ["403 code 4005 on an update", refusal(403, 4005), "approval"],
    ["403 code 4005 on a delete", refusal(403, 4005, "DELETE", "destination"), "approval"],
    ["403 code 1003 from the source", refusal(403, 1003, "GET", "source"), undefined],
    ["403 without a code (Access Denied)", refusal(403, undefined), undefined],
    ["403 code 4030 (force timer)", refusal(403, 4030), undefined],
    ["400 code 1003", refusal(400, 1003), undefined],
    ["400 code 501", refusal(400, 501), undefined],
    ["429", refusal(429, undefined), undefined],
    ["500", refusal(500, undefined), undefined],
    ["a plain Error", new Error("code 1003"), undefined],
    ["a members error", new MembersError("pair-1", ["nobody matches"]), undefined],
    ["a string", "403 code 4005", undefined],
  ];
  it.each(cases)("%s", (_name, error, kind) => {
    expect(classifyBlock(error)?.kind).toBe(kind);
  });

  it("says what lifts the block", () => {
    expect(classifyBlock(refusal(403, 1003))?.reason).toMatch(/lock/);
    expect(classifyBlock(refusal(403, 4005))?.reason).toMatch(/approv/);
  });
});

describe("startMs", () => {
  it.each([
    ["2026-11-02T09:00:00Z", Date.parse("2026-11-02T09:00:00Z")],
    ["not a date", null],
    ["", null],
    [undefined, null],
    [null, null],
  ])("%s", (input, expected) => {
    expect(startMs(input)).toBe(expected);
  });
});
