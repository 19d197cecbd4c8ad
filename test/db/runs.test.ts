import { describe, expect, it } from "vitest";
import {
  finishReconcileRun,
  memberCountsOf,
  startReconcileRun,
  type RunStart,
} from "../../src/db/runs.js";
import { latestRealReconcileRun } from "../../src/db/status-queries.js";
import { describeEachEngine } from "../helpers/engines.js";

const nightly: RunStart = { pairId: "pair-1", trigger: "schedule", windowStart: 100, windowEnd: 200, dryRun: false };

describeEachEngine("reconcile runs", (engine) => {
  it("starts a run as running with zero counts", async () => {
    const app = engine();
    const run = await startReconcileRun(app, { ...nightly, dryRun: true }, 1_000);
    expect(run).toEqual({
      id: expect.any(Number),
      ...nightly,
      dryRun: true,
      startedAt: 1_000,
      finishedAt: null,
      outcome: "running",
      created: 0,
      updated: 0,
      deleted: 0,
      adopted: 0,
      unchanged: 0,
      failed: 0,
      requests: 0,
      error: null,
      memberCounts: null,
    });
  });

  it("finishes a run with counts and outcome, keeping counts that were not given", async () => {
    const app = engine();
    const run = await startReconcileRun(app, nightly, 1_000);
    await finishReconcileRun(app, run.id, { outcome: "aborted", created: 9, requests: 40 }, 1_500);
    const finished = await finishReconcileRun(
          app,
          run.id,
          { outcome: "failed", updated: 2, deleted: 1, adopted: 4, unchanged: 10, failed: 1, error: "HTTP 500" },
          2_000,
        );
    expect(finished).toMatchObject({
      outcome: "failed",
      finishedAt: 2_000,
      created: 9,
      updated: 2,
      deleted: 1,
      adopted: 4,
      unchanged: 10,
      failed: 1,
      requests: 40,
      error: "HTTP 500",
    });
    expect(await finishReconcileRun(app, run.id + 1000, { outcome: "succeeded" })).toBeUndefined();
    // Member counts are stored as given and read back by the same run row.
    const members = [{ field: "source.userId", sourceUserId: "u", destinationUserId: "u", entries: 1, created: 1, adopted: 0, updated: 0, deleted: 0, unchanged: 0 }];
    const withMembers = await finishReconcileRun(app, run.id, { outcome: "succeeded", memberCounts: members }, 3_000);
    expect(withMembers && memberCountsOf(withMembers)).toEqual(members);
    expect(withMembers).toMatchObject({ outcome: "succeeded", error: null, created: 9, dryRun: false });
  });

  it("returns the latest real run per pair: newest start, then newest id, dry runs left out", async () => {
    const app = engine();
    expect(await latestRealReconcileRun(app, "pair-1")).toBeUndefined();
    await startReconcileRun(app, nightly, 1_000);
    const b = await startReconcileRun(app, { ...nightly, pairId: "pair-2" }, 2_000);
    await startReconcileRun(app, { ...nightly, trigger: "cli" }, 3_000);
    const d = await startReconcileRun(app, { ...nightly, trigger: "admin" }, 3_000);
    await startReconcileRun(app, { ...nightly, dryRun: true }, 4_000);

    expect((await latestRealReconcileRun(app, "pair-1"))?.id).toBe(d.id);
    expect((await latestRealReconcileRun(app, "pair-2"))?.id).toBe(b.id);
  });
});

describe("a run's per-member counts", () => {
  it("are stored as JSON and read back; a row that does not parse reads as none", () => {
    const rows = [{ field: "users[1]", sourceUserId: "u-bob", destinationUserId: "u-robert", entries: 2, created: 1, adopted: 0, updated: 0, deleted: 0, unchanged: 1 }];
    expect(memberCountsOf({ memberCounts: JSON.stringify(rows) })).toEqual(rows);
    expect(memberCountsOf({ memberCounts: null })).toEqual([]);
    // A row without adopted reads as none adopted.
    const { adopted: _adopted, ...older } = rows[0] ?? { adopted: 0 };
    expect(memberCountsOf({ memberCounts: JSON.stringify([older]) })).toEqual(rows);
    expect(memberCountsOf({ memberCounts: "{not json" })).toEqual([]);
    expect(memberCountsOf({ memberCounts: JSON.stringify([{ field: "x" }]) })).toEqual([]);
  });
});
