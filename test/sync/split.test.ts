import { describe, expect, it } from "vitest";
import { splitCandidates, splitSearchWindow } from "../../src/sync/entries/split.js";
import type { PairScope, SourceEntry } from "../../src/sync/model.js";

const scope: PairScope = {
  members: [{ sourceUserId: "u", destinationUserId: "du", field: "source.userId" }],
  sourceClientId: "c",
  defaults: {},
};
const entry = (id: string, over: Partial<SourceEntry> = {}): SourceEntry => ({
  id,
  workspaceId: "w",
  userId: "u",
  start: "2026-11-20T10:30:00Z",
  end: "2026-11-20T12:00:00Z",
  description: "design",
  billable: false,
  project: { id: "p", name: "P", clientId: "c" },
  taskName: null,
  tagNames: [],
  ...over,
});

describe("splitSearchWindow", () => {
  it("spans a day before the known part's start to a day after its end", () => {
    expect(splitSearchWindow({ start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:30:00Z" })).toEqual({
      start: new Date("2026-11-19T09:00:00Z"),
      end: new Date("2026-11-21T10:30:00Z"),
    });
  });
  it("uses the start for a part without end", () => {
    expect(splitSearchWindow({ start: "2026-11-20T09:00:00Z", end: null }).end).toEqual(new Date("2026-11-21T09:00:00Z"));
  });
});

describe("splitCandidates", () => {
  const known = new Set(["mapped"]);
  const part = { id: "x", userId: "u" };
  it.each<[string, SourceEntry, boolean]>([
    ["a new in-scope entry", entry("y"), true],
    ["the known part itself", entry("x"), false],
    ["an entry the map already knows (copy or tombstone)", entry("mapped"), false],
    ["another person's entry", entry("y", { userId: "v" }), false],
    ["another client's entry", entry("y", { project: { id: "q", name: "Q", clientId: "other" } }), false],
    ["an entry without project", entry("y", { project: null }), false],
    ["a running timer", entry("y", { end: null }), false],
  ])("%s: %s", (_name, listed, expected) => {
    expect(splitCandidates([listed], part, scope, (id) => known.has(id)).length === 1).toBe(expected);
  });
});
