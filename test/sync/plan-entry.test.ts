import { describe, expect, it } from "vitest";
import { copy } from "./copies.js";
import type { MappingState } from "../../src/db/entry-map.js";
import type { Desired } from "../../src/sync/entries/desired.js";
import { contentHash } from "../../src/sync/entries/mirrored-content.js";
import { planEntry, planSourceDeletion, recheck, type CopyState, type EntryAction } from "../../src/sync/entries/plan-entry.js";
import type { DestinationEntry } from "../../src/sync/model.js";

const LISTED_AT = Date.parse("2026-11-21T00:00:00Z");
const START = "2026-11-20T09:00:00Z";

const mirror = (over: Partial<DestinationEntry> = {}): Desired => ({ kind: "mirror", entry: copy(over), missing: { tags: [] } });
const state = (over: Partial<MappingState> = {}): MappingState => ({
  sourceEntryId: "e1",
  destinationEntryId: "d1",
  contentHash: contentHash(copy()),
  state: "live",
  updatedAt: LISTED_AT - 60_000,
  ...over,
});
const webhook: CopyState = { confirmed: false, start: START };

describe("planEntry on the webhook path (the map's hash stands for the copy)", () => {
  it.each<[string, Desired, MappingState | undefined, CopyState, EntryAction]>([
    ["new entry → create", mirror(), undefined, webhook, { kind: "create", sourceId: "e1", entry: copy(), liftTombstone: false }],
    ["same content as the map's hash → unchanged, no write", mirror(), state(), webhook, {
      kind: "unchanged", sourceId: "e1", destinationId: "d1", hash: contentHash(copy()), storedHash: contentHash(copy()),
    }],
    ["edited → update the mapped copy", mirror({ description: "edited" }), state(), webhook, {
      kind: "update", sourceId: "e1", destinationId: "d1", entry: copy({ description: "edited" }),
    }],
    ["an interrupted create → create, looking for its orphan first", mirror(), state({ state: "pending", destinationEntryId: null, contentHash: "h-intent" }), webhook, {
      kind: "create", sourceId: "e1", entry: copy(), recover: { intentHash: "h-intent" }, liftTombstone: false,
    }],
    ["tombstoned, not read from the source → skip: only a read may bring it back", mirror(), state({ state: "tombstone" }), webhook, {
      kind: "skip", sourceId: "e1", reason: "deleted in the source", outOfScope: true,
    }],
    ["tombstoned, read from the source just now → create, lifting the tombstone", mirror(), state({ state: "tombstone" }), { ...webhook, confirmed: true }, {
      kind: "create", sourceId: "e1", entry: copy(), liftTombstone: true,
    }],
    ["moved to another client's project → delete the copy, forget the row", { kind: "absent", reason: "other-client" }, state(), webhook, {
      kind: "delete", sourceId: "e1", destinationId: "d1", reason: "other-client", tombstone: false,
    }],
    ["left the scope during an interrupted create → delete its orphan", { kind: "absent", reason: "other-client" }, state({ state: "pending", destinationEntryId: null, contentHash: "h-intent" }), webhook, {
      kind: "delete", sourceId: "e1", destinationId: null, orphan: { near: START, hash: "h-intent" }, reason: "other-client", tombstone: false,
    }],
    ["another user's, never mirrored → absent", { kind: "absent", reason: "other-user" }, undefined, webhook, {
      kind: "skip", sourceId: "e1", reason: "other-user", outOfScope: true,
    }],
    ["its project has no counterpart → wait for it", { kind: "needs-project", sourceProjectId: "p", projectName: "Mobile", willBeCreated: false }, undefined, webhook, {
      kind: "skip", sourceId: "e1", reason: 'waiting for project "Mobile"', waitingFor: "Mobile",
    }],
    ["a dry run's project to be created → a create without a project id", { kind: "needs-project", sourceProjectId: "p", projectName: "Mobile", willBeCreated: true }, undefined, webhook, {
      kind: "create", sourceId: "e1", entry: null, projectToCreate: "Mobile",
    }],
  ])("%s", (_name, wanted, mapping, copyState, expected) => {
    expect(planEntry("e1", wanted, mapping, copyState)).toEqual(expected);
  });
});

describe("planEntry with a listing (reconciliation)", () => {
  const listed = (content: DestinationEntry | null): CopyState => ({ confirmed: true, listed: { content } });
  it("trusts the listing over the map's hash: a copy edited by hand is written again", () => {
    expect(planEntry("e1", mirror(), state(), listed(copy({ description: "by hand" })))).toMatchObject({ kind: "update", destinationId: "d1" });
  });
  it("a copy missing from the listing is updated (the writer re-creates it when it is gone)", () => {
    expect(planEntry("e1", mirror(), state(), { confirmed: true, listed: "not listed" })).toMatchObject({ kind: "update" });
  });
  it("adopts a match instead of creating, rewriting it only when it differs", () => {
    const adoptable = () => ({ destinationId: "h1", content: copy({ billable: false }) });
    expect(planEntry("e1", mirror(), undefined, { confirmed: true, adoptable })).toEqual({
      kind: "adopt", sourceId: "e1", destinationId: "h1", entry: copy(), rewrite: true,
    });
  });
  it("respects a tombstone written after the listing began", () => {
    expect(planEntry("e1", mirror(), state({ state: "tombstone" }), { confirmed: true, tombstoneIsNews: true })).toEqual({
      kind: "skip", sourceId: "e1", reason: "deleted in the source during this run",
    });
  });
});

describe("planSourceDeletion", () => {
  it("deletes the mapped copy and keeps a tombstone", () => {
    expect(planSourceDeletion("e1", state())).toEqual({ kind: "delete", sourceId: "e1", destinationId: "d1", reason: "deleted in the source", tombstone: true });
  });
  it("looks for an interrupted create's orphan near the entry's start", () => {
    expect(planSourceDeletion("e1", state({ state: "pending", destinationEntryId: null, contentHash: "h" }), START)).toMatchObject({
      destinationId: null, orphan: { near: START, hash: "h" }, tombstone: true,
    });
  });
  it("tombstones an entry that was never mirrored, so a late create event cannot bring it back", () => {
    expect(planSourceDeletion("e1", undefined)).toMatchObject({ kind: "delete", destinationId: null, tombstone: true });
  });
});

describe("recheck: a run's action against the map as it is under the entry's lock", () => {
  const create: EntryAction = { kind: "create", sourceId: "e1", entry: copy(), liftTombstone: false };
  it.each<[string, EntryAction, MappingState | undefined, Partial<EntryAction>]>([
    ["the worker created the copy since the listing → step aside", create, state(), { kind: "skip" }],
    ["a tombstone newer than the listing → step aside", create, state({ state: "tombstone", updatedAt: LISTED_AT + 1 }), { kind: "skip" }],
    ["an older tombstone → create, lifting it", create, state({ state: "tombstone" }), { kind: "create", liftTombstone: true }],
    ["an intent appeared → create, recovering", create, state({ state: "pending", destinationEntryId: null, contentHash: "h" }), { kind: "create", recover: { intentHash: "h" } }],
    ["an update of a copy re-mapped meanwhile → step aside", { kind: "update", sourceId: "e1", destinationId: "d-old", entry: copy() }, state(), { kind: "skip" }],
    ["a delete of the mapped copy → as planned", { kind: "delete", sourceId: "e1", destinationId: "d1", reason: "x", tombstone: true }, state(), { kind: "delete" }],
    [
      "the orphan of an intent still there → looked for and deleted",
      { kind: "delete", sourceId: "e1", destinationId: null, orphan: { near: START, hash: "h" }, reason: "other-client", tombstone: false },
      state({ state: "pending", destinationEntryId: null, contentHash: "h" }),
      { kind: "delete", destinationId: null },
    ],
    [
      "the orphan of an intent the worker finished meanwhile → step aside",
      { kind: "delete", sourceId: "e1", destinationId: null, orphan: { near: START, hash: "h" }, reason: "other-client", tombstone: false },
      state(),
      { kind: "skip" },
    ],
  ])("%s", (_name, action, mapping, expected) => {
    expect(recheck(action, mapping, LISTED_AT)).toMatchObject(expected);
  });
});
