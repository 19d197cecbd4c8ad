import { describe, expect, it } from "vitest";
import type { MappingState } from "../../src/db/entry-map.js";
import { MappingIndex } from "../../src/sync/reconcile/mapping-index.js";

const rows: MappingState[] = [
  { sourceEntryId: "a", destinationEntryId: "d-a", contentHash: "h-a", state: "live", updatedAt: 1_764_000_000_123 },
  { sourceEntryId: "b", destinationEntryId: null, contentHash: "h-b", state: "pending", updatedAt: 2 },
  { sourceEntryId: "c", destinationEntryId: "d-c", contentHash: null, state: "tombstone", updatedAt: 3 },
];

describe("MappingIndex", () => {
  it("gives back every row as it was, by source entry id and in order", () => {
    const index = new MappingIndex(rows);
    const map = new Map(rows.map((m) => [m.sourceEntryId, m]));
    expect(index.size).toBe(3);
    for (const m of rows) expect(index.get(m.sourceEntryId)).toEqual(m);
    expect(index.get("missing")).toBeUndefined();
    expect(index.has("b")).toBe(true);
    expect([...index]).toEqual([...map]);
    expect([...index.values()]).toEqual(rows);
    expect([...index.keys()]).toEqual(["a", "b", "c"]);
  });
});
