import { describe, expect, it } from "vitest";
import type { DestinationEntry } from "../../src/sync/model.js";
import { DestinationIndex } from "../../src/sync/reconcile/destination-index.js";

const entry = (over: Partial<DestinationEntry> = {}): DestinationEntry => ({
  userId: "u-1",
  start: "2026-11-20T09:00:00Z",
  end: "2026-11-20T10:30:00Z",
  description: "review",
  billable: true,
  projectId: "p-1",
  taskId: "t-1",
  tagIds: ["tag-a", "tag-b"],
  ...over,
});

describe("DestinationIndex", () => {
  const cases: Array<[string, DestinationEntry | null]> = [
    ["a regular copy with task and tags", entry()],
    ["no task, no tags, not billable", entry({ taskId: null, tagIds: [], billable: false })],
    ["a break", entry({ type: "BREAK", description: "" })],
    ["instants not in Clockify's form, kept as given", entry({ start: "2026-11-20T09:00:00.250Z", end: "not a time" })],
    ["not a copy (running, project-less)", null],
  ];
  it.each(cases)("gives back what it was given: %s", (_, content) => {
    const index = new DestinationIndex().set("x", entry({ description: "other" })).set("d", content);
    expect(index.get("d")).toEqual(content);
    expect(index.has("d")).toBe(true);
    expect(index.get("missing")).toBeUndefined();
    expect(index.size).toBe(2);
  });

  it("iterates like the Map it stands for, and replaces an entry set twice", () => {
    const map = new Map<string, DestinationEntry | null>([
      ["a", entry()],
      ["b", null],
      ["c", entry({ userId: "u-2", projectId: "p-2", tagIds: ["tag-a", "tag-b"] })],
    ]);
    const index = new DestinationIndex();
    for (const [id, content] of map) index.set(id, content);
    index.set("a", entry({ description: "edited" }));
    map.set("a", entry({ description: "edited" }));
    expect([...index]).toEqual([...map]);
    expect([...index.keys()]).toEqual([...map.keys()]);
    expect([...index.values()]).toEqual([...map.values()]);
    const seen: string[] = [];
    index.forEach((_, id) => seen.push(id));
    expect(seen).toEqual(["a", "b", "c"]);
  });
});
