import { describe, expect, it } from "vitest";
import type { EntryAction } from "../../src/sync/entries/plan-entry.js";
import type { SourceEntry } from "../../src/sync/model.js";
import { countByMember, formatMemberCounts } from "../../src/sync/reconcile/member-counts.js";
import { copy } from "../sync/copies.js";

const members = [
  { sourceUserId: "u-ada", destinationUserId: "u-ada", field: "users[0]" },
  { sourceUserId: "u-bob", destinationUserId: "u-robert", field: "users[1]" },
];
const source = (id: string, userId: string) => ({ id, userId }) as SourceEntry;

describe("countByMember", () => {
  it("splits the plan by the member whose entry it is, and leaves out others and unlisted deletes", () => {
    const sources = [source("a1", "u-ada"), source("a2", "u-ada"), source("b1", "u-bob"), source("b2", "u-bob"), source("c1", "u-carol")];
    const actions: EntryAction[] = [
      { kind: "create", sourceId: "a1", entry: copy(), liftTombstone: false },
      { kind: "unchanged", sourceId: "a2", destinationId: "d2", hash: "h", storedHash: "h" },
      { kind: "update", sourceId: "b1", destinationId: "d3", entry: copy({ userId: "u-robert" }) },
      { kind: "adopt", sourceId: "b2", destinationId: "d4", entry: copy({ userId: "u-robert" }), rewrite: false },
      { kind: "create", sourceId: "c1", entry: copy(), liftTombstone: false },
      { kind: "delete", sourceId: "gone", destinationId: "d9", reason: "deleted in the source", tombstone: true },
    ];
    const rows = countByMember(members, sources, actions);
    expect(rows).toEqual([
      { field: "users[0]", sourceUserId: "u-ada", destinationUserId: "u-ada", entries: 2, created: 1, adopted: 0, updated: 0, deleted: 0, unchanged: 1 },
      { field: "users[1]", sourceUserId: "u-bob", destinationUserId: "u-robert", entries: 2, created: 0, adopted: 1, updated: 1, deleted: 0, unchanged: 0 },
    ]);
    const bob = rows[1];
    if (!bob) throw new Error("no row for Bob");
    expect(formatMemberCounts(bob)).toBe("users[1] (u-bob → u-robert): 2 entries; 0 created, 1 adopted, 1 updated, 0 deleted, 0 unchanged");
  });
});
