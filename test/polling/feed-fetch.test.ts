import { describe, expect, it } from "vitest";
import { ClockifyError, classifyStatus } from "../../src/clockify/errors.js";
import { isFeedRefusal } from "../../src/polling/feed-fetch.js";

const failure = (status: number) => new ClockifyError(status === 0 ? "network" : classifyStatus(status), "GET", "/workspaces/{workspaceId}/entities/created", status, undefined, "x");

describe("isFeedRefusal: when auto polling turns to the listing", () => {
  it.each([
    { status: 403, refusal: true, why: "a plan or key without the feature" },
    { status: 404, refusal: true, why: "no such endpoint here" },
    { status: 400, refusal: true, why: "a type or window it does not take" },
    { status: 405, refusal: true, why: "a host without the endpoint" },
    { status: 501, refusal: true, why: "not implemented" },
    { status: 401, refusal: false, why: "the key is wrong: a problem of its own, not of the feed" },
    { status: 429, refusal: false, why: "rate limited: ask again next poll" },
    { status: 503, refusal: false, why: "Clockify is down: ask again next poll" },
    { status: 0, refusal: false, why: "no answer: ask again next poll" },
  ])("$status: $why", ({ status, refusal }) => {
    expect(isFeedRefusal(failure(status))).toBe(refusal);
  });

  it("takes an answer that is no feed page as a refusal, and anything else as not", () => {
    expect(isFeedRefusal(new ClockifyError("bad_response", "GET", "/x", 200, undefined, "not a page"))).toBe(true);
    expect(isFeedRefusal(new Error("boom"))).toBe(false);
  });
});
