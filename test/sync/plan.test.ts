import { describe, expect, it } from "vitest";
import { copy, oneUserScope, sourceEntry } from "./copies.js";
import type { EntryMapping } from "../../src/db/schema.js";
import { desired } from "../../src/sync/entries/desired.js";
import { contentHash } from "../../src/sync/entries/mirrored-content.js";
import type { EntryAction } from "../../src/sync/entries/plan-entry.js";
import type { DestinationEntry, DestinationLookup, PairScope, SourceEntry } from "../../src/sync/model.js";
import { massDeleteLimit, planWindow, unlistedMappedSources, type WindowInput } from "../../src/sync/entries/plan-window.js";

const LISTED_AT = Date.parse("2026-11-21T00:00:00Z");
const EARLIER = LISTED_AT - 60_000;
const LATER = LISTED_AT + 5_000;

const scope = oneUserScope;

/** p-src is mapped to p-dst; p-mobile ("Mobile") is in scope but has no destination project yet. */
const lookup: DestinationLookup = {
  projectFor: (id) => (id === "p-src" ? { id: "p-dst" } : undefined),
  taskFor: (projectId, name) => (projectId === "p-dst" && name === "Design" ? "t-dst" : undefined),
  tagFor: (name) => ({ urgent: "tag-u", billable: "tag-b" })[name],
};
const decide = (entry: SourceEntry) => desired(entry, lookup, scope);

const src = (id: string, over: Partial<SourceEntry> = {}): SourceEntry => sourceEntry({ id, ...over });


/** A full entry_map row, every column set. */
const mapping = (sourceEntryId: string, over: Partial<EntryMapping> = {}): EntryMapping => ({
  pairId: "acme",
  sourceEntryId,
  destinationEntryId: `d-${sourceEntryId}`,
  contentHash: contentHash(copy()),
  state: "live",
  origin: "created",
  createdAt: EARLIER - 86_400_000,
  updatedAt: EARLIER,
  ...over,
});

interface Scenario {
  sources?: SourceEntry[];
  destinations?: Array<[string, DestinationEntry | null]>;
  mappings?: EntryMapping[];
  mappedElsewhere?: string[];
  goneSources?: string[];
}

const input = (s: Scenario): WindowInput => ({
  sources: s.sources ?? [],
  destinations: new Map(s.destinations ?? []),
  mappings: new Map((s.mappings ?? []).map((m) => [m.sourceEntryId, m])),
  mappedElsewhere: new Set(s.mappedElsewhere ?? []),
  goneSources: new Set(s.goneSources ?? []),
  decide,
  listedAt: LISTED_AT,
});

const plan = (s: Scenario) => planWindow(input(s));

const older = copy({ description: "old words" });

const cases: Array<[string, Scenario, EntryAction[]]> = [
  // ── create ────────────────────────────────────────────────────────────────────────────────────────
  ["create: unmapped in-scope entry, empty destination", { sources: [src("e1")] }, [
    { kind: "create", sourceId: "e1", entry: copy(), liftTombstone: false },
  ]],
  ["create: task and tags resolved by name", { sources: [src("e1", { taskName: "Design", tagNames: ["urgent", "billable"] })] }, [
    { kind: "create", sourceId: "e1", entry: copy({ taskId: "t-dst", tagIds: ["tag-b", "tag-u"] }), liftTombstone: false },
  ]],
  ["create: destination entry differs in description", { sources: [src("e1")], destinations: [["h1", copy({ description: "other" })]] }, [
    { kind: "create", sourceId: "e1", entry: copy(), liftTombstone: false },
  ]],
  ["create: destination entry differs in start", { sources: [src("e1")], destinations: [["h1", copy({ start: "2026-11-20T09:00:01Z" })]] }, [
    { kind: "create", sourceId: "e1", entry: copy(), liftTombstone: false },
  ]],
  ["create: destination entry differs in end", { sources: [src("e1")], destinations: [["h1", copy({ end: "2026-11-20T10:30:00Z" })]] }, [
    { kind: "create", sourceId: "e1", entry: copy(), liftTombstone: false },
  ]],
  ["create: destination entry differs in project", { sources: [src("e1")], destinations: [["h1", copy({ projectId: "p-other" })]] }, [
    { kind: "create", sourceId: "e1", entry: copy(), liftTombstone: false },
  ]],
  ["create: running or project-less destination entry (null content) is not adoptable", { sources: [src("e1")], destinations: [["h1", null]] }, [
    { kind: "create", sourceId: "e1", entry: copy(), liftTombstone: false },
  ]],

  // ── adopt ─────────────────────────────────────────────────────────────────────────────────────────
  ["adopt: identical content → no rewrite", { sources: [src("e1")], destinations: [["h1", copy()]] }, [
    { kind: "adopt", sourceId: "e1", destinationId: "h1", entry: copy(), rewrite: false },
  ]],
  ["adopt: billable differs → rewrite", { sources: [src("e1")], destinations: [["h1", copy({ billable: false })]] }, [
    { kind: "adopt", sourceId: "e1", destinationId: "h1", entry: copy(), rewrite: true },
  ]],
  ["adopt: tags differ → rewrite", { sources: [src("e1", { tagNames: ["urgent"] })], destinations: [["h1", copy()]] }, [
    { kind: "adopt", sourceId: "e1", destinationId: "h1", entry: copy({ tagIds: ["tag-u"] }), rewrite: true },
  ]],
  ["adopt: task differs → rewrite", { sources: [src("e1", { taskName: "Design" })], destinations: [["h1", copy()]] }, [
    { kind: "adopt", sourceId: "e1", destinationId: "h1", entry: copy({ taskId: "t-dst" }), rewrite: true },
  ]],
  [
    "adopt: times differing only in precision (…:00Z vs …:00.000Z) still match, no rewrite",
    { sources: [src("e1")], destinations: [["h1", copy({ start: "2026-11-20T09:00:00.000Z", end: "2026-11-20T10:00:00.000Z" })]] },
    [{ kind: "adopt", sourceId: "e1", destinationId: "h1", entry: copy(), rewrite: false }],
  ],
  [
    "adopt: precision the other way round (source in ms, destination in seconds)",
    { sources: [src("e1", { start: "2026-11-20T09:00:00.000Z", end: "2026-11-20T10:00:00.000Z" })], destinations: [["h1", copy()]] },
    [{
      kind: "adopt", sourceId: "e1", destinationId: "h1",
      entry: copy({ start: "2026-11-20T09:00:00.000Z", end: "2026-11-20T10:00:00.000Z" }), rewrite: false,
    }],
  ],
  [
    "adopt: never a destination entry live-mapped by this pair",
    { sources: [src("e1"), src("e2")], destinations: [["d-e1", copy()]], mappings: [mapping("e1")] },
    [
      { kind: "unchanged", sourceId: "e1", destinationId: "d-e1", hash: contentHash(copy()), storedHash: contentHash(copy()) },
      { kind: "create", sourceId: "e2", entry: copy(), liftTombstone: false },
    ],
  ],
  [
    "adopt: never a live-mapped copy even when its own source is not listed",
    { sources: [src("e2")], destinations: [["d-e1", copy()]], mappings: [mapping("e1")] },
    [{ kind: "create", sourceId: "e2", entry: copy(), liftTombstone: false }],
  ],
  [
    "adopt: never a destination entry mapped by another pair",
    { sources: [src("e1")], destinations: [["h1", copy()]], mappedElsewhere: ["h1"] },
    [{ kind: "create", sourceId: "e1", entry: copy(), liftTombstone: false }],
  ],
  [
    "adopt: two identical source entries, one destination entry → one adopt, one create",
    { sources: [src("e1"), src("e2")], destinations: [["h1", copy()]] },
    [
      { kind: "adopt", sourceId: "e1", destinationId: "h1", entry: copy(), rewrite: false },
      { kind: "create", sourceId: "e2", entry: copy(), liftTombstone: false },
    ],
  ],
  [
    "adopt: two identical source entries, two destination entries → each adopts its own",
    { sources: [src("e1"), src("e2")], destinations: [["h1", copy()], ["h2", copy()]] },
    [
      { kind: "adopt", sourceId: "e1", destinationId: "h1", entry: copy(), rewrite: false },
      { kind: "adopt", sourceId: "e2", destinationId: "h2", entry: copy(), rewrite: false },
    ],
  ],
  [
    "adopt: interrupted create (pending, hash of older content) adopts the orphan it left, rewriting it",
    {
      sources: [src("e1")],
      destinations: [["orphan", older]],
      mappings: [mapping("e1", { state: "pending", destinationEntryId: null, contentHash: contentHash(older) })],
    },
    [{ kind: "adopt", sourceId: "e1", destinationId: "orphan", entry: copy(), rewrite: true }],
  ],
  [
    "adopt: control: the same orphan without a pending intent is not adopted",
    { sources: [src("e1")], destinations: [["orphan", older]] },
    [{ kind: "create", sourceId: "e1", entry: copy(), liftTombstone: false }],
  ],
  [
    "adopt: a pending intent whose hash matches nothing → create",
    {
      sources: [src("e1")],
      destinations: [["h1", copy({ description: "unrelated" })]],
      mappings: [mapping("e1", { state: "pending", destinationEntryId: null, contentHash: contentHash(older) })],
    },
    // The intent stays: the writer looks near the entry's start for the orphan before creating.
    [{ kind: "create", sourceId: "e1", entry: copy(), recover: { intentHash: contentHash(older) }, liftTombstone: false }],
  ],
  [
    "adopt: an orphan mapped by another pair is not taken by the intent either",
    {
      sources: [src("e1")],
      destinations: [["orphan", older]],
      mappings: [mapping("e1", { state: "pending", destinationEntryId: null, contentHash: contentHash(older) })],
      mappedElsewhere: ["orphan"],
    },
    [{ kind: "create", sourceId: "e1", entry: copy(), recover: { intentHash: contentHash(older) }, liftTombstone: false }],
  ],

  // ── update ────────────────────────────────────────────────────────────────────────────────────────
  [
    "update: mapped live copy whose content differs",
    { sources: [src("e1", { description: "new words" })], destinations: [["d-e1", copy()]], mappings: [mapping("e1")] },
    [{ kind: "update", sourceId: "e1", destinationId: "d-e1", entry: copy({ description: "new words" }) }],
  ],
  [
    "update: mapped copy edited by hand in the destination (billable flipped)",
    { sources: [src("e1")], destinations: [["d-e1", copy({ billable: false })]], mappings: [mapping("e1")] },
    [{ kind: "update", sourceId: "e1", destinationId: "d-e1", entry: copy() }],
  ],
  [
    "update: mapped copy absent from the destination listing",
    { sources: [src("e1")], destinations: [], mappings: [mapping("e1")] },
    [{ kind: "update", sourceId: "e1", destinationId: "d-e1", entry: copy() }],
  ],
  [
    "update: mapped copy listed as running or project-less",
    { sources: [src("e1")], destinations: [["d-e1", null]], mappings: [mapping("e1")] },
    [{ kind: "update", sourceId: "e1", destinationId: "d-e1", entry: copy() }],
  ],

  // ── unchanged ─────────────────────────────────────────────────────────────────────────────────────
  [
    "unchanged: content equal, stored hash reported",
    { sources: [src("e1")], destinations: [["d-e1", copy()]], mappings: [mapping("e1", { contentHash: "stale-hash" })] },
    [{ kind: "unchanged", sourceId: "e1", destinationId: "d-e1", hash: contentHash(copy()), storedHash: "stale-hash" }],
  ],
  [
    "unchanged: stored hash null is reported as null",
    { sources: [src("e1")], destinations: [["d-e1", copy()]], mappings: [mapping("e1", { contentHash: null })] },
    [{ kind: "unchanged", sourceId: "e1", destinationId: "d-e1", hash: contentHash(copy()), storedHash: null }],
  ],
  [
    "unchanged: equal up to time precision and tag order",
    {
      sources: [src("e1", { tagNames: ["urgent", "billable"] })],
      destinations: [["d-e1", copy({ start: "2026-11-20T09:00:00.000Z", tagIds: ["tag-u", "tag-b"] })]],
      mappings: [mapping("e1")],
    },
    [{
      kind: "unchanged", sourceId: "e1", destinationId: "d-e1",
      hash: contentHash(copy({ tagIds: ["tag-b", "tag-u"] })), storedHash: contentHash(copy()),
    }],
  ],

  // ── delete ────────────────────────────────────────────────────────────────────────────────────────
  [
    "delete: mapped copy of an entry moved to another client",
    {
      sources: [src("e1", { project: { id: "p-b", name: "Website", clientId: "client-b" } })],
      destinations: [["d-e1", copy()]],
      mappings: [mapping("e1")],
    },
    [{ kind: "delete", sourceId: "e1", destinationId: "d-e1", reason: "other-client", tombstone: false }],
  ],
  [
    "delete: mapped copy of an entry that lost its project",
    { sources: [src("e1", { project: null })], destinations: [["d-e1", copy()]], mappings: [mapping("e1")] },
    [{ kind: "delete", sourceId: "e1", destinationId: "d-e1", reason: "no-project", tombstone: false }],
  ],
  [
    "delete: mapped copy of an entry restarted as a running timer",
    { sources: [src("e1", { end: null })], destinations: [["d-e1", copy()]], mappings: [mapping("e1")] },
    [{ kind: "delete", sourceId: "e1", destinationId: "d-e1", reason: "running", tombstone: false }],
  ],
  [
    "delete: mapped copy whose source entry is gone → tombstone",
    { sources: [], destinations: [["d-e9", copy()]], mappings: [mapping("e9")], goneSources: ["e9"] },
    [{ kind: "delete", sourceId: "e9", destinationId: "d-e9", reason: "deleted in the source", tombstone: true }],
  ],
  [
    "delete: none for a mapped copy whose source is not listed and not known gone",
    { sources: [], destinations: [["d-e9", copy()]], mappings: [mapping("e9")] },
    [],
  ],

  // ── skip ──────────────────────────────────────────────────────────────────────────────────────────
  ["skip: running unmapped entry", { sources: [src("e1", { end: null })] }, [{ kind: "skip", sourceId: "e1", reason: "running", outOfScope: true }]],
  [
    "skip: tombstone written after the listing began is respected",
    {
      sources: [src("e1")],
      destinations: [["h1", copy()]],
      mappings: [mapping("e1", { state: "tombstone", updatedAt: LATER })],
    },
    [{ kind: "skip", sourceId: "e1", reason: "deleted in the source during this run" }],
  ],
  [
    "skip: tombstone written at the listing instant counts as newer",
    { sources: [src("e1")], mappings: [mapping("e1", { state: "tombstone", destinationEntryId: null, updatedAt: LISTED_AT })] },
    [{ kind: "skip", sourceId: "e1", reason: "deleted in the source during this run" }],
  ],
  [
    "skip: needs a destination project; the reason names it",
    { sources: [src("e1", { project: { id: "p-mobile", name: "Mobile", clientId: "client-a" } })] },
    [{ kind: "skip", sourceId: "e1", reason: expect.stringContaining('"Mobile"') as string, waitingFor: "Mobile" }],
  ],
  [
    "skip: needs-project leaves a mapped copy alone",
    {
      sources: [src("e1", { project: { id: "p-mobile", name: "Mobile", clientId: "client-a" } })],
      destinations: [["d-e1", copy()]],
      mappings: [mapping("e1")],
    },
    [{ kind: "skip", sourceId: "e1", reason: expect.stringContaining('"Mobile"') as string, waitingFor: "Mobile" }],
  ],

  // ── tombstone lifted ──────────────────────────────────────────────────────────────────────────────
  [
    "create: a tombstone older than the listing, entry listed → create lifting the tombstone",
    { sources: [src("e1")], mappings: [mapping("e1", { state: "tombstone", updatedAt: EARLIER })] },
    [{ kind: "create", sourceId: "e1", entry: copy(), liftTombstone: true }],
  ],

  // ── out of scope, unmapped: nothing at all ────────────────────────────────────────────────────────
  ["none: another user's entry", { sources: [src("e1", { userId: "u2" })], destinations: [["h1", copy()]] }, []],
  ["none: another user's running entry", { sources: [src("e1", { userId: "u2", end: null })] }, []],
  [
    "none: unmapped entry of another client",
    { sources: [src("e1", { project: { id: "p-b", name: "Website", clientId: "client-b" } })], destinations: [["h1", copy()]] },
    [],
  ],
  ["none: unmapped entry without client", { sources: [src("e1", { project: { id: "p-src", name: "Website", clientId: null } })] }, []],
  ["none: unmapped entry without project", { sources: [src("e1", { project: null })] }, []],
  ["none: unlisted destination entries the service did not make", { destinations: [["h1", copy()], ["h2", null]] }, []],
];

describe("planWindow", () => {
  it.each(cases)("%s", (_name, scenario, expected) => {
    const result = plan(scenario);
    expect(result.actions).toEqual(expected);
  });

  it("plans a duplicated source id once", () => {
    const result = plan({ sources: [src("e1"), src("e1", { description: "newer" }), src("e1")], destinations: [["d-e1", copy()]], mappings: [mapping("e1")] });
    expect(result.actions).toEqual([
      { kind: "unchanged", sourceId: "e1", destinationId: "d-e1", hash: contentHash(copy()), storedHash: contentHash(copy()) },
    ]);
    expect(result.mappedInWindow).toBe(1);
    expect(plan({ sources: [src("e2"), src("e2")] }).actions).toHaveLength(1);
  });

  it("counts live mappings that touch the window", () => {
    const result = plan({
      sources: [src("a"), src("b", { description: "changed" }), src("c", { project: null }), src("p"), src("t")],
      destinations: [["d-a", copy()], ["d-b", copy()], ["d-c", copy()], ["d-x", copy()], ["d-y", copy()]],
      mappings: [
        mapping("a"), // listed, unchanged
        mapping("b"), // listed, update
        mapping("c"), // listed, delete (no project)
        mapping("x"), // unlisted, copy in the window, not known gone
        mapping("y"), // unlisted, copy in the window, gone
        mapping("z"), // unlisted, copy outside the window: not counted
        mapping("p", { state: "pending", destinationEntryId: null }), // not live
        mapping("t", { state: "tombstone", destinationEntryId: "d-t", updatedAt: EARLIER }), // not live
      ],
      goneSources: ["y"],
    });
    expect(result.mappedInWindow).toBe(5);
  });

  it("reports counts that match the actions", () => {
    const result = plan({
      sources: [
        src("new"),
        src("adopt-me", { description: "hand made" }),
        src("upd", { description: "changed" }),
        src("same"),
        src("moved", { project: null }),
        src("running", { end: null }),
        src("waiting", { project: { id: "p-mobile", name: "Mobile", clientId: "client-a" } }),
      ],
      destinations: [["h1", copy({ description: "hand made" })], ["d-upd", copy()], ["d-same", copy()], ["d-moved", copy()], ["d-gone", copy()]],
      mappings: [mapping("upd"), mapping("same"), mapping("moved"), mapping("gone")],
      goneSources: ["gone"],
    });
    expect(result.counts).toEqual({ create: 1, adopt: 1, update: 1, unchanged: 1, delete: 2, skip: 2 });
    const tally: Record<string, number> = { create: 0, update: 0, adopt: 0, delete: 0, unchanged: 0, skip: 0 };
    for (const a of result.actions) tally[a.kind] = (tally[a.kind] ?? 0) + 1;
    expect(result.counts).toEqual(tally);
    expect(result.mappedInWindow).toBe(4);
  });

  it("never updates or deletes a destination entry the service did not create or adopt", () => {
    // Hand-made destination entries, some identical to mapped copies or to out-of-scope source entries,
    // one mapped by another pair, one running; and every kind of source change around them.
    const handMade = ["h-same", "h-changed", "h-moved", "h-gone", "h-elsewhere", "h-running", "h-other-user"];
    const result = plan({
      sources: [
        src("same"),
        src("changed", { description: "changed" }),
        src("moved", { project: { id: "p-b", name: "Website", clientId: "client-b" } }),
        src("stopped", { end: null }),
        src("other-user", { userId: "u2" }),
        src("fresh", { description: "fresh" }),
      ],
      destinations: [
        ["d-same", copy()],
        ["d-changed", copy()],
        ["d-moved", copy()],
        ["d-stopped", copy()],
        ["d-gone", copy()],
        ["h-same", copy()],
        ["h-changed", copy()],
        ["h-moved", copy()],
        ["h-gone", copy()],
        ["h-elsewhere", copy({ description: "fresh" })],
        ["h-running", null],
        ["h-other-user", copy({ description: "other" })],
      ],
      mappings: [mapping("same"), mapping("changed"), mapping("moved"), mapping("stopped"), mapping("gone"), mapping("absent")],
      mappedElsewhere: ["h-elsewhere"],
      goneSources: ["gone", "absent"],
    });
    const mappedIds = new Set(["d-same", "d-changed", "d-moved", "d-stopped", "d-gone", "d-absent"]);
    const touched = result.actions.flatMap((a) => (a.kind === "update" || a.kind === "delete" ? [a.destinationId] : []));
    expect(touched.length).toBeGreaterThan(0);
    for (const id of touched) expect(mappedIds).toContain(id);
    for (const id of handMade) expect(touched).not.toContain(id);
    expect(result.actions.filter((a) => a.kind === "delete").map((a) => a.sourceId).sort()).toEqual(["gone", "moved", "stopped"]);
    expect(result.actions.find((a) => a.sourceId === "fresh")).toEqual({
      kind: "create",
      sourceId: "fresh",
      entry: copy({ description: "fresh" }),
      liftTombstone: false,
    });
  });

  it("does not mutate its inputs", () => {
    const scenario: Scenario = { sources: [src("e1"), src("e2")], destinations: [["h1", copy()]], mappings: [mapping("e3")], goneSources: ["e3"] };
    const built = input(scenario);
    const before = JSON.stringify([built.sources, [...built.destinations], [...built.mappings], [...built.goneSources]]);
    planWindow(built);
    expect(JSON.stringify([built.sources, [...built.destinations], [...built.mappings], [...built.goneSources]])).toBe(before);
  });
});

describe("unlistedMappedSources", () => {
  it("lists live mappings whose source was not listed and whose copy is in the destination window", () => {
    const mappings = new Map(
      [
        mapping("listed"),
        mapping("unlisted"),
        mapping("outside"),
        mapping("pending", { state: "pending", destinationEntryId: null }),
        mapping("tomb", { state: "tombstone", destinationEntryId: "d-tomb" }),
      ].map((m) => [m.sourceEntryId, m]),
    );
    const destinations = new Map<string, unknown>([["d-listed", copy()], ["d-unlisted", null], ["d-tomb", copy()], ["d-pending", copy()]]);
    expect(unlistedMappedSources(mappings, new Set(["listed"]), destinations)).toEqual(["unlisted"]);
  });

  it("is empty when every mapped source was listed", () => {
    const mappings = new Map([["a", mapping("a")]]);
    expect(unlistedMappedSources(mappings, new Set(["a"]), new Map([["d-a", copy()]]))).toEqual([]);
  });
});

describe("massDeleteLimit", () => {
  it.each([
    [0, 10],
    [1, 10],
    [49, 10],
    [50, 10],
    [54, 10],
    [55, 11],
    [59, 11],
    [99, 19],
    [100, 20],
    [1003, 200],
  ])("allows %i mapped entries %i deletes", (mapped, limit) => {
    expect(massDeleteLimit(mapped)).toBe(limit);
  });
});

describe("planWindow with several members and a description prefix", () => {
  const team: PairScope = {
    members: [
      { sourceUserId: "u1", destinationUserId: "u1", field: "users[0]" },
      { sourceUserId: "u2", destinationUserId: "d2", field: "users[1]" },
    ],
    sourceClientId: "client-a",
    defaults: { descriptionPrefix: "[A] " },
  };
  const teamInput = (s: Scenario): WindowInput => ({
    ...input(s),
    decide: (entry) => desired(entry, lookup, team),
    ownerOf: (entry) => team.members.find((m) => m.sourceUserId === entry.userId)?.destinationUserId,
    descriptionPrefix: "[A] ",
  });

  it("adopts the original tool's unprefixed copy of the same owner, rewriting it with the prefix", () => {
    const actions = planWindow(teamInput({ sources: [src("e1")], destinations: [["h1", copy()]] })).actions;
    expect(actions).toEqual([{ kind: "adopt", sourceId: "e1", destinationId: "h1", entry: copy({ description: "[A] work" }), rewrite: true }]);
  });

  it("never adopts another member's entry of the same meeting", () => {
    const actions = planWindow(teamInput({ sources: [src("e1", { userId: "u2" })], destinations: [["h1", copy()]] })).actions;
    expect(actions).toEqual([{ kind: "create", sourceId: "e1", entry: copy({ userId: "d2", description: "[A] work" }), liftTombstone: false }]);
  });

  it("looks for an interrupted create's orphan only among the owner's entries when the entry leaves the scope", () => {
    const pending = mapping("e1", { state: "pending", destinationEntryId: null, contentHash: "h-intent" });
    const actions = planWindow(teamInput({ sources: [src("e1", { userId: "u2", project: null })], mappings: [pending] })).actions;
    expect(actions).toEqual([
      { kind: "delete", sourceId: "e1", destinationId: null, orphan: { near: "2026-11-20T09:00:00Z", hash: "h-intent", owner: "d2" }, reason: "no-project", tombstone: false },
    ]);
  });
});
