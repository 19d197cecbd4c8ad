import { expect, it } from "vitest";
import { blockedEntryIds, clearBlocked, listBlocked, recordBlocked, type BlockedCopyInput } from "../../src/db/blocked.js";
import { sql } from "drizzle-orm";
import { describeEachEngine } from "../helpers/engines.js";

const lockRefusal = (sourceEntryId: string, entryStartAt: number | null, pairId = "pair-1"): BlockedCopyInput => ({
  pairId,
  sourceEntryId,
  kind: "lock",
  action: "write",
  entryStartAt,
  message: "locked",
});

describeEachEngine("blocked copies", (engine) => {
  it("records a refusal once per entry, keeping the first try and counting tries", async () => {
    const app = engine();
    await recordBlocked(app, lockRefusal("e1", 5_000), 100);
    await recordBlocked(app, { ...lockRefusal("e1", null), kind: "approval", message: "approved" }, 200);
    expect(await listBlocked(app)).toEqual([
      { pairId: "pair-1", sourceEntryId: "e1", kind: "approval", action: "write", entryStartAt: 5_000, message: "approved", firstTriedAt: 100, lastTriedAt: 200, attempts: 2 },
    ]);
  });

  it("lists oldest entries first, unknown dates last, and filters by pair", async () => {
    const app = engine();
    await recordBlocked(app, lockRefusal("late", 9_000), 1);
    await recordBlocked(app, lockRefusal("undated", null), 1);
    await recordBlocked(app, lockRefusal("early", 1_000), 1);
    await recordBlocked(app, lockRefusal("other", 500, "pair-2"), 1);
    expect((await listBlocked(app, ["pair-1"])).map((b) => b.sourceEntryId)).toEqual(["early", "late", "undated"]);
    expect((await listBlocked(app)).map((b) => b.sourceEntryId)).toEqual(["other", "early", "late", "undated"]);
    expect(await listBlocked(app, [])).toEqual([]);
    expect(await blockedEntryIds(app, "pair-2")).toEqual(["other"]);
  });

  it("clears one entry of one pair and says whether it was there", async () => {
    const app = engine();
    await recordBlocked(app, lockRefusal("e1", 1), 1);
    await recordBlocked(app, lockRefusal("e1", 1, "pair-2"), 1);
    expect(await clearBlocked(app, "pair-1", "e1")).toBe(true);
    expect(await clearBlocked(app, "pair-1", "e1")).toBe(false);
    expect((await listBlocked(app)).map((b) => b.pairId)).toEqual(["pair-2"]);
  });

  it("refuses a kind the table does not know", async () => {
    const app = engine();
    await expect(
      app.exec.run(sql`insert into blocked_copies (pair_id, source_entry_id, kind, action, message, first_tried_at, last_tried_at) values ('p', 'e', 'other', 'write', 'm', 1, 1)`),
    ).rejects.toThrow(/CHECK|check constraint/);
  });
});
