import { describe, expect, it } from "vitest";
import { contentHash, fromDestination, normalizeInstant, toRequest } from "../../src/sync/entries/mirrored-content.js";
import type { DestinationEntry } from "../../src/sync/model.js";

const base: DestinationEntry = {
  userId: "u",
  start: "2026-11-20T09:00:00Z",
  end: "2026-11-20T10:00:00Z",
  description: "work",
  billable: false,
  projectId: "p",
  taskId: null,
  tagIds: ["b", "a"],
};

describe("content", () => {
  it("hashes equal content equally, whatever the precision and tag order", () => {
    expect(contentHash(base)).toBe(contentHash({ ...base, start: "2026-11-20T09:00:00.000Z", tagIds: ["a", "b"] }));
  });
  it.each([
    ["start", { start: "2026-11-20T09:00:01Z" }],
    ["end", { end: "2026-11-20T10:00:01Z" }],
    ["description", { description: "work!" }],
    ["billable", { billable: true }],
    ["project", { projectId: "q" }],
    ["task", { taskId: "t" }],
    ["tags", { tagIds: ["a"] }],
  ])("changes the hash when %s changes", (_field, change) => {
    expect(contentHash({ ...base, ...change })).not.toBe(contentHash(base));
  });
  it("separates fields so values cannot run into each other", () => {
    expect(contentHash({ ...base, description: "ab", projectId: "c" })).not.toBe(
      contentHash({ ...base, description: "a", projectId: "bc" }),
    );
  });
  it("builds a full-replacement body and reads a destination entry back to the same content", () => {
    const body = toRequest(base);
    expect(body).toEqual({
      start: "2026-11-20T09:00:00Z",
      end: "2026-11-20T10:00:00Z",
      description: "work",
      billable: false,
      projectId: "p",
      tagIds: ["a", "b"],
    });
    const back = fromDestination({
      id: "d1",
      userId: "u",
      workspaceId: "w",
      description: "work",
      billable: false,
      projectId: "p",
      taskId: null,
      tagIds: ["b", "a"],
      timeInterval: { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", duration: "PT1H" },
    });
    expect(back && contentHash(back)).toBe(contentHash(base));
    expect(normalizeInstant("2026-11-20T09:00:00.999Z")).toBe("2026-11-20T09:00:00Z");
  });
});
