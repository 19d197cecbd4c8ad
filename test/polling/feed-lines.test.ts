import { describe, expect, it } from "vitest";
import { feedPageSchema, type FeedLine } from "../../src/clockify/change-feed.js";
import { parseFeedLines, unseenChanges } from "../../src/polling/feed-lines.js";

const END = 1_800_000_000_000;

describe("feedPageSchema", () => {
  it.each([
    { name: "the spec's wrapper", body: { response: [{ id: "e1", documentCode: "TIME_ENTRY" }] }, lines: 1 },
    { name: "a bare array (seen live for an empty log)", body: [], lines: 0 },
    { name: "a bare array of lines", body: [{ id: "e1" }, { id: "e2" }], lines: 2 },
    { name: "a wrapper without response", body: {}, lines: 0 },
    { name: "a wrapper with response null", body: { response: null }, lines: 0 },
    { name: "unknown fields kept, nulls allowed", body: { response: [{ id: "e1", document: null, extra: 1 }], total: 3 }, lines: 1 },
  ])("reads $name", ({ body, lines }) => {
    expect(feedPageSchema.parse(body)).toHaveLength(lines);
  });

  it("refuses an answer that is no page at all", () => {
    expect(feedPageSchema.safeParse("nope").success).toBe(false);
    expect(feedPageSchema.safeParse({ response: "x" }).success).toBe(false);
  });
});

describe("parseFeedLines", () => {
  const line = (l: FeedLine) => l;
  it.each([
    {
      name: "the document's id wins over the line's",
      line: line({ id: "log1", documentCode: "TIME_ENTRY", deletedAt: "2026-12-01T10:00:00Z", document: { id: "e1", userId: "u1" } }),
      want: { entryId: "e1", userId: "u1", identified: true, cause: "feed:deleted:2026-12-01T10:00:00Z" },
    },
    {
      name: "an empty document: the line's own id, marked unidentified",
      line: line({ id: "x1", documentCode: "TIME_ENTRY", deletedAt: "2026-12-01T10:00:00Z", document: {} }),
      want: { entryId: "x1", userId: null, identified: false },
    },
    {
      name: "no time on the line: keyed by the poll's window end",
      line: line({ id: "e2" }),
      want: { entryId: "e2", identified: false, cause: `feed:deleted:window:${END}` },
    },
    {
      name: "an explicit entityId",
      line: line({ id: "log", entityId: "e3", changedAt: "2026-12-01T09:00:00Z" }),
      want: { entryId: "e3", identified: true, cause: "feed:deleted:2026-12-01T09:00:00Z" },
    },
  ])("$name", ({ line: l, want }) => {
    const { changes, ignored } = parseFeedLines("deleted", [l], END);
    expect(ignored).toBe(0);
    expect(changes).toEqual([expect.objectContaining({ kind: "deleted", ...want })]);
  });

  it("ignores other document types and lines naming nothing, and keeps one change per entry", () => {
    const { changes, ignored } = parseFeedLines(
      "updated",
      [
        { id: "p1", documentCode: "PROJECTS" },
        { documentCode: "TIME_ENTRY", document: {} },
        { id: "e1", updatedAt: "2026-12-01T09:00:00Z" },
        { id: "e1", updatedAt: "2026-12-01T09:05:00Z" },
      ],
      END,
    );
    expect(ignored).toBe(2);
    expect(changes.map((c) => c.cause)).toEqual(["feed:updated:2026-12-01T09:05:00Z"]);
  });
});

describe("unseenChanges", () => {
  const change = { kind: "created" as const, entryId: "e1", userId: null, identified: true, cause: "feed:created:t1" };
  it("drops a change an earlier poll pulled and forgets what no window reaches", () => {
    const first = unseenChanges([change], new Map(), 100, 0);
    expect(first.fresh).toHaveLength(1);
    expect(unseenChanges([change], first.seen, 200, 50).fresh).toHaveLength(0);
    expect(unseenChanges([{ ...change, cause: "feed:updated:t2" }], first.seen, 200, 50).fresh).toHaveLength(1);
    expect(unseenChanges([], first.seen, 300, 101).seen.size).toBe(0);
  });
});
