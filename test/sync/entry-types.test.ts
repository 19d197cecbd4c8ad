import { describe, expect, it } from "vitest";
import { copy, oneUserScope, sourceEntry } from "./copies.js";
import type { MappingState } from "../../src/db/entry-map.js";
import type { HydratedTimeEntry } from "../../src/clockify/schemas.js";
import { sha256 } from "../../src/hash.js";
import { desired, namesNeeded, type Desired } from "../../src/sync/entries/desired.js";
import { contentHash, fromDestination, toRequest } from "../../src/sync/entries/mirrored-content.js";
import { NOT_CREATABLE, planEntry, type EntryAction } from "../../src/sync/entries/plan-entry.js";
import { planWindow } from "../../src/sync/entries/plan-window.js";
import type { DestinationLookup, SourceEntry } from "../../src/sync/model.js";
import { formatSummary, type RunSummary } from "../../src/sync/reconcile/summary.js";
import { sourceEntryFromApi } from "../../src/sync/source-entry.js";
import { entryEventBodySchema, sourceEntryFromEvent } from "../../src/webhooks/events.js";

/** Entry types (API-NOTES §8, §11): BREAK is copied as a break, time off cannot be created and is skipped. */

const scope = oneUserScope;
const PROJECT = { id: "p-src", name: "Website", clientId: "client-a" };
const source = (over: Partial<SourceEntry> = {}): SourceEntry => sourceEntry({ project: PROJECT, ...over });
const lookup: DestinationLookup = {
  projectFor: (id) => (id === "p-src" ? { id: "p-dst" } : undefined),
  taskFor: () => undefined,
  tagFor: () => undefined,
};
const mirrorOf = (over: Parameters<typeof copy>[0] = {}): Desired => ({ kind: "mirror", entry: copy(over), missing: { tags: [] } });

describe("desired by entry type", () => {
  it.each<[string, Partial<SourceEntry>, Desired]>([
    ["a regular entry (no type) → mirrored without type", {}, mirrorOf()],
    ["type REGULAR spelled out → the same copy", { type: "REGULAR" }, mirrorOf()],
    ["a BREAK → mirrored as a BREAK", { type: "BREAK" }, mirrorOf({ type: "BREAK" })],
    ["a HOLIDAY → not creatable", { type: "HOLIDAY" }, { kind: "absent", reason: "not-creatable" }],
    ["TIME_OFF → not creatable", { type: "TIME_OFF" }, { kind: "absent", reason: "not-creatable" }],
    ["a type Clockify adds later → not creatable", { type: "OVERTIME" }, { kind: "absent", reason: "not-creatable" }],
    ["project-less time off of the pair's user → still reported as not creatable", { type: "HOLIDAY", project: null }, { kind: "absent", reason: "not-creatable" }],
    ["another user's HOLIDAY → another user's", { type: "HOLIDAY", userId: "u2" }, { kind: "absent", reason: "other-user" }],
    ["a HOLIDAY on another client's project → another client's", { type: "HOLIDAY", project: { ...PROJECT, clientId: "client-b" } }, { kind: "absent", reason: "other-client" }],
    ["a running BREAK → running", { type: "BREAK", end: null }, { kind: "absent", reason: "running" }],
    ["a project-less BREAK → no project", { type: "BREAK", project: null }, { kind: "absent", reason: "no-project" }],
  ])("%s", (_name, over, expected) => {
    expect(desired(source(over), lookup, scope)).toEqual(expected);
  });

  it("asks the lookup for no names for time off", () => {
    expect(namesNeeded(source({ type: "TIME_OFF" }), scope)).toBeNull();
    expect(namesNeeded(source({ type: "BREAK" }), scope)).not.toBeNull();
  });
});

describe("planEntry by entry type", () => {
  const live = (hash: string): MappingState => ({ sourceEntryId: "e1", destinationEntryId: "d1", contentHash: hash, state: "live", updatedAt: 0 });
  const webhook = { confirmed: false, start: "2026-11-20T09:00:00Z" };
  const notCreatable: Desired = { kind: "absent", reason: "not-creatable" };
  it.each<[string, Desired, MappingState | undefined, EntryAction]>([
    ["new BREAK → created as a BREAK", mirrorOf({ type: "BREAK" }), undefined, { kind: "create", sourceId: "e1", entry: copy({ type: "BREAK" }), liftTombstone: false }],
    ["REGULAR edited into a BREAK → update", mirrorOf({ type: "BREAK" }), live(contentHash(copy())), { kind: "update", sourceId: "e1", destinationId: "d1", entry: copy({ type: "BREAK" }) }],
    ["BREAK edited back into REGULAR → update", mirrorOf(), live(contentHash(copy({ type: "BREAK" }))), { kind: "update", sourceId: "e1", destinationId: "d1", entry: copy() }],
    ["BREAK unchanged → unchanged", mirrorOf({ type: "BREAK" }), live(contentHash(copy({ type: "BREAK" }))), {
      kind: "unchanged", sourceId: "e1", destinationId: "d1", hash: contentHash(copy({ type: "BREAK" })), storedHash: contentHash(copy({ type: "BREAK" })),
    }],
    ["time off, never copied → skip, in scope (counted, not failed)", notCreatable, undefined, { kind: "skip", sourceId: "e1", reason: NOT_CREATABLE }],
    ["time off with a copy → the copy is deleted like any absent entry", notCreatable, live(contentHash(copy())), {
      kind: "delete", sourceId: "e1", destinationId: "d1", reason: "not-creatable", tombstone: false,
    }],
  ])("%s", (_name, wanted, mapping, expected) => {
    expect(planEntry("e1", wanted, mapping, webhook)).toEqual(expected);
  });

  it("keeps time off in a reconcile plan and counts it as skipped; other users' entries stay uncounted", () => {
    const sources = [source({ id: "h", type: "HOLIDAY", project: null }), source({ id: "b", type: "BREAK" }), source({ id: "x", userId: "u2" })];
    const plan = planWindow({
      sources,
      destinations: new Map(),
      mappings: new Map(),
      mappedElsewhere: new Set(),
      goneSources: new Set(),
      decide: (e) => desired(e, lookup, scope),
      listedAt: 0,
    });
    expect(plan.actions).toEqual([
      { kind: "skip", sourceId: "h", reason: NOT_CREATABLE },
      { kind: "create", sourceId: "b", entry: copy({ type: "BREAK" }), liftTombstone: false },
    ]);
    expect(plan.counts).toMatchObject({ create: 1, skip: 1 });
  });
});

describe("mirrored content by entry type", () => {
  it("keeps the hash of a regular copy what it was before types were mirrored", () => {
    const regular = copy({ taskId: "t", tagIds: ["b", "a"] });
    const before = sha256(["2026-11-20T09:00:00Z", "2026-11-20T10:00:00Z", "work", "1", "p-dst", "t", "a,b"].join("\u0000"));
    expect(contentHash(regular)).toBe(before);
    expect(contentHash({ ...regular, type: "BREAK" })).not.toBe(before);
  });

  it("sends BREAK in the body and reads a destination BREAK back to the same content", () => {
    expect(toRequest(copy({ type: "BREAK" }))).toMatchObject({ type: "BREAK" });
    expect(toRequest(copy())).not.toHaveProperty("type");
    const read = (type: string | null) =>
      fromDestination({
        id: "d1",
        userId: "u1",
        workspaceId: "w",
        description: "work",
        billable: true,
        projectId: "p-dst",
        taskId: null,
        tagIds: [],
        type,
        timeInterval: { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z" },
      });
    expect(read("BREAK")).toEqual(copy({ type: "BREAK" }));
    expect(read("REGULAR")).toEqual(copy());
    expect(read(null)).toEqual(copy());
    // Time off in the destination is never a copy: not compared, never adopted.
    expect(read("HOLIDAY")).toBeNull();
    expect(read("TIME_OFF")).toBeNull();
  });
});

describe("reading the type of a source entry", () => {
  const body = (type: unknown) =>
    entryEventBodySchema.parse({
      id: "e1",
      workspaceId: "ws-src",
      userId: "u1",
      description: "work",
      billable: true,
      projectId: null,
      project: null,
      timeInterval: { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z" },
      ...(type === undefined ? {} : { type }),
    });
  it.each<[unknown, string | undefined]>([
    [undefined, undefined],
    [null, undefined],
    ["REGULAR", undefined],
    ["BREAK", "BREAK"],
    ["HOLIDAY", "HOLIDAY"],
    ["TIME_OFF", "TIME_OFF"],
    ["SOMETHING_NEW", "SOMETHING_NEW"],
  ])("webhook body type %s → %s", (type, expected) => {
    expect(sourceEntryFromEvent(body(type))?.type).toBe(expected);
  });

  it("reads the type of an API answer the same way", () => {
    const answer = (type: string | null): HydratedTimeEntry => ({
      id: "e1",
      workspaceId: "ws-src",
      userId: "u1",
      description: "",
      billable: false,
      projectId: null,
      taskId: null,
      tagIds: [],
      type,
      timeInterval: { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z" },
      project: null,
      task: null,
      tags: [],
    });
    expect(sourceEntryFromApi(answer("TIME_OFF")).type).toBe("TIME_OFF");
    expect(sourceEntryFromApi(answer("REGULAR"))).not.toHaveProperty("type");
    expect(sourceEntryFromApi(answer(null))).not.toHaveProperty("type");
  });
});

describe("the run summary line", () => {
  const summary = (skipped: number, notCreatable?: number): RunSummary => ({
    pairId: "acme",
    runId: 1,
    since: new Date(0),
    until: new Date(0),
    dryRun: false,
    outcome: "succeeded",
    counts: { created: 1, updated: 0, deleted: 0, adopted: 0, unchanged: 0, failed: 0, skipped },
    ...(notCreatable === undefined ? {} : { notCreatable }),
    projects: [],
    projectFailures: [],
    requests: 3,
    durationMs: 100,
  });
  it("says how many were skipped and how many of them were time off", () => {
    expect(formatSummary(summary(2, 1))).toContain("failed 0, skipped 2 (1 time off/holiday: not creatable through the API)");
    expect(formatSummary(summary(1))).toContain("failed 0, skipped 1 ·");
    expect(formatSummary(summary(0))).toContain("failed 0 ·");
  });
});
