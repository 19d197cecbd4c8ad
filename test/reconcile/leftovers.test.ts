import { describe, expect, it } from "vitest";
import type { MappingState } from "../../src/db/entry-map.js";
import type { EntryAction } from "../../src/sync/entries/plan-entry.js";
import type { DestinationEntry } from "../../src/sync/model.js";
import { describeLeftovers, findLeftovers, leftoverReport, listingAfter, mappingsAfter, type LeftoverInput } from "../../src/sync/reconcile/leftovers.js";
import { formatSummary, type RunSummary } from "../../src/sync/reconcile/summary.js";

const ANN = "user-ann";
const BOB = "user-bob";
const STRANGER = "user-stranger";
const ALPHA = "project-alpha";
const BETA = "project-beta";
const OTHER = "project-not-mirrored";

const entry = (over: Partial<DestinationEntry> = {}): DestinationEntry => ({
  userId: ANN,
  start: "2026-11-20T09:00:00Z",
  end: "2026-11-20T10:30:00Z",
  description: "new text",
  billable: false,
  projectId: ALPHA,
  taskId: null,
  tagIds: [],
  ...over,
});

const live = (sourceEntryId: string, destinationEntryId: string, state: MappingState["state"] = "live"): MappingState => ({
  sourceEntryId,
  destinationEntryId,
  contentHash: null,
  state,
  updatedAt: 0,
});

/** Ann's copy "copy" of source s1, plus whatever the row adds. */
function world(extra: Record<string, DestinationEntry | null>, tweak: (input: LeftoverInput) => Partial<LeftoverInput> = () => ({})): LeftoverInput {
  const base: LeftoverInput = {
    destinations: new Map<string, DestinationEntry | null>([["copy", entry()], ...Object.entries(extra)]),
    mappings: new Map([["s1", live("s1", "copy")]]),
    mappedElsewhere: new Set(),
    mirroredProjectIds: new Set([ALPHA, BETA]),
    memberDestinationUserIds: new Set([ANN, BOB]),
  };
  return { ...base, ...tweak(base) };
}

const stale = entry({ description: "old text" });

const rows: Array<{ name: string; input: LeftoverInput; expected: string[] }> = [
  { name: "the stale copy: same user, times and project, another text", input: world({ x: stale }), expected: ["x"] },
  { name: "on another mirrored project", input: world({ x: { ...stale, projectId: BETA } }), expected: ["x"] },
  { name: "times written with milliseconds", input: world({ x: { ...stale, start: "2026-11-20T09:00:00.000Z", end: "2026-11-20T10:30:00.000Z" } }), expected: ["x"] },
  { name: "same text too: an exact twin is for adoption, not deletion", input: world({ x: entry() }), expected: [] },
  { name: "another start", input: world({ x: { ...stale, start: "2026-11-20T09:01:00Z" } }), expected: [] },
  { name: "another end", input: world({ x: { ...stale, end: "2026-11-20T10:31:00Z" } }), expected: [] },
  { name: "a project the pair does not mirror", input: world({ x: { ...stale, projectId: OTHER } }), expected: [] },
  { name: "a user who is no member", input: world({ x: { ...stale, userId: STRANGER } }), expected: [] },
  {
    name: "the copy of a user who is no longer a member",
    input: world({ x: { ...stale, userId: STRANGER } }, (b) => ({ destinations: new Map([...b.destinations, ["copy", entry({ userId: STRANGER })]]) })),
    expected: [],
  },
  { name: "another member at the same time: not the copy's owner", input: world({ x: { ...stale, userId: BOB } }), expected: [] },
  { name: "a break next to a regular copy", input: world({ x: { ...stale, type: "BREAK" } }), expected: [] },
  { name: "running or project-less (no content)", input: world({ x: null }), expected: [] },
  {
    name: "mapped by this pair, even as a tombstone",
    input: world({ x: stale }, (b) => ({ mappings: new Map([...b.mappings, ["s2", live("s2", "x", "tombstone")]]) })),
    expected: [],
  },
  { name: "mapped by another pair", input: world({ x: stale }, () => ({ mappedElsewhere: new Set(["x"]) })), expected: [] },
  { name: "the run adopts it", input: world({ x: stale }, () => ({ keep: new Set(["x"]) })), expected: [] },
  {
    name: "the twin's mapping is a tombstone: no live copy",
    input: world({ x: stale }, () => ({ mappings: new Map([["s1", live("s1", "copy", "tombstone")]]) })),
    expected: [],
  },
  {
    name: "the twin is mapped but not in the listing",
    input: world({ x: stale }, (b) => ({ destinations: new Map([...b.destinations].filter(([id]) => id !== "copy")) })),
    expected: [],
  },
  {
    name: "two stale copies of one copy, sorted by start then id",
    input: world({ b: stale, a: { ...stale, description: "older text" }, early: entry({ start: "2026-11-19T09:00:00Z", end: "2026-11-19T10:00:00Z", description: "y" }), earlyCopy: entry({ start: "2026-11-19T09:00:00Z", end: "2026-11-19T10:00:00Z" }) }, (b) => ({
      mappings: new Map([...b.mappings, ["s3", live("s3", "earlyCopy")]]),
    })),
    expected: ["early", "a", "b"],
  },
];

describe("findLeftovers", () => {
  it.each(rows)("$name", ({ input, expected }) => {
    expect(findLeftovers(input).map((l) => l.destinationId)).toEqual(expected);
  });

  it("gives each its hours and the copy it shadows", () => {
    const [found] = findLeftovers(world({ x: stale }));
    expect(found).toMatchObject({ destinationId: "x", copyId: "copy", hours: 1.5, entry: { description: "old text" } });
  });
});

describe("listingAfter", () => {
  const input = world({ x: stale });
  it("a copy the run moves no longer vouches for an entry at its old times", () => {
    const moved: EntryAction = { kind: "update", sourceId: "s1", destinationId: "copy", entry: entry({ start: "2026-11-20T11:00:00Z", end: "2026-11-20T12:00:00Z" }) };
    expect(findLeftovers({ ...input, destinations: listingAfter(input.destinations, [moved]) })).toEqual([]);
  });
  it("nor does a copy the run deletes", () => {
    const gone: EntryAction = { kind: "delete", sourceId: "s1", destinationId: "copy", reason: "deleted in the source", tombstone: true };
    expect(findLeftovers({ ...input, destinations: listingAfter(input.destinations, [gone]) })).toEqual([]);
  });
  it("a copy updated to a new text still vouches for its times", () => {
    const retext: EntryAction = { kind: "update", sourceId: "s1", destinationId: "copy", entry: entry({ description: "newest text" }) };
    expect(findLeftovers({ ...input, destinations: listingAfter(input.destinations, [retext]) }).map((l) => l.destinationId)).toEqual(["x"]);
  });
});

describe("the summary", () => {
  const found = findLeftovers(world({ x: stale, y: { ...stale, projectId: BETA, description: "other old text" } }));
  const report = leftoverReport(found, new Map([[ALPHA, "Alpha"]]), false);
  const summary = (over: Partial<RunSummary>): RunSummary => ({
    pairId: "acme",
    runId: 1,
    since: new Date(0),
    until: new Date(1),
    dryRun: false,
    outcome: "succeeded",
    counts: { created: 0, updated: 0, deleted: 0, adopted: 0, unchanged: 1, failed: 0, skipped: 0 },
    projects: [],
    projectFailures: [],
    requests: 3,
    durationMs: 10,
    ...over,
  });

  it("lists count, total hours and each entry's date, duration, project (name, else id) and text", () => {
    const text = formatSummary(summary({ leftovers: report }));
    expect(text).toContain("2 leftover(s) of the original tool, 3 h in total");
    expect(text).toContain('2026-11-20 09:00 UTC, 1.5 h, Alpha, "old text" (x)');
    expect(text).toContain(`2026-11-20 09:00 UTC, 1.5 h, ${BETA}, "other old text" (y)`);
    expect(text).toContain("run with --remove-leftovers to delete them");
    expect(text).not.toContain("leftovers removed");
  });

  it("counts the removed ones, and says why asked-for removal did not happen", () => {
    const asked = { ...report, removeRequested: true };
    expect(formatSummary(summary({ leftovers: { ...asked, removed: 2 } }))).toMatch(/ · leftovers removed 2 · 3 API request/);
    expect(formatSummary(summary({ leftovers: { ...asked, removed: 0, notRemoved: "not confirmed" } }))).toContain("not removed: not confirmed");
    expect(formatSummary(summary({ dryRun: true, leftovers: asked }))).toContain("--remove-leftovers would delete them (dry run: nothing deleted)");
  });

  it("says nothing when there are none", () => {
    expect(describeLeftovers(leftoverReport([], new Map(), false), false)).toEqual([]);
    expect(formatSummary(summary({}))).not.toContain("leftover");
  });
});

describe("mappingsAfter", () => {
  it("a dry run counts the copies it would adopt", () => {
    const input = world({ x: stale, legacy: entry({ start: "2026-11-21T09:00:00Z", end: "2026-11-21T10:00:00Z" }), old: entry({ start: "2026-11-21T09:00:00Z", end: "2026-11-21T10:00:00Z", description: "z" }) });
    expect(findLeftovers(input).map((l) => l.destinationId)).toEqual(["x"]);
    const adopt: EntryAction = { kind: "adopt", sourceId: "s9", destinationId: "legacy", entry: entry(), rewrite: false };
    expect(findLeftovers({ ...input, mappings: mappingsAfter(input.mappings, [adopt]) }).map((l) => l.destinationId)).toEqual(["x", "old"]);
  });
});
