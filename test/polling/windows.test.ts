import { describe, expect, it } from "vitest";
import { dueRechecks, feedWindows, type WindowSettings } from "../../src/polling/windows.js";

const S: WindowSettings = { overlapMs: 60_000, deletedDelayMs: 120_000, maxWindowMs: 29 * 86_400_000, firstLookBackMs: 3_600_000 };
const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const MIN = 60_000;

describe("feedWindows", () => {
  it.each([
    {
      name: "first poll: an hour back, deletions as far back but 2 minutes short of now",
      cursors: {},
      changes: { start: NOW - 60 * MIN, end: NOW },
      deleted: { start: NOW - 62 * MIN, end: NOW - 2 * MIN },
      gap: false,
    },
    {
      name: "next poll: each window overlaps the last by a minute",
      cursors: { changes: NOW - 5 * MIN, deleted: NOW - 7 * MIN },
      changes: { start: NOW - 6 * MIN, end: NOW },
      deleted: { start: NOW - 8 * MIN, end: NOW - 2 * MIN },
      gap: false,
    },
    {
      name: "a deleted cursor ahead of what may be visible (the clock stepped back): no /deleted request",
      cursors: { changes: NOW - 10_000, deleted: NOW - 2 * MIN + S.overlapMs },
      changes: { start: NOW - 10_000 - MIN, end: NOW },
      deleted: undefined,
      gap: false,
    },
    {
      name: "back after 40 days: clamped to the feed's reach, and a gap for the listing",
      cursors: { changes: NOW - 40 * 86_400_000, deleted: NOW - 40 * 86_400_000 },
      changes: { start: NOW - S.maxWindowMs, end: NOW },
      deleted: { start: NOW - S.maxWindowMs, end: NOW - 2 * MIN },
      gap: true,
    },
  ])("$name", ({ cursors, changes, deleted, gap }) => {
    const w = feedWindows(cursors, NOW, S);
    expect(w.changes).toEqual(changes);
    expect(w.deleted).toEqual(deleted);
    expect(w.gap).toBe(gap);
    expect(w.next.changes).toBe(NOW);
  });

  it("keeps the deleted cursor where it was when no /deleted window was asked", () => {
    const cursors = { changes: NOW - 10_000, deleted: NOW + MIN };
    expect(feedWindows(cursors, NOW, S).next.deleted).toBe(NOW + MIN);
  });

  it("leaves no moment uncovered between successive polls, whatever their spacing", () => {
    let cursors = {};
    let coveredChanges = 0;
    let coveredDeleted = 0;
    for (let t = NOW; t < NOW + 30 * MIN; t += 37_000) {
      const w = feedWindows(cursors, t, S);
      if (coveredChanges) expect(w.changes.start).toBeLessThanOrEqual(coveredChanges);
      coveredChanges = w.changes.end;
      if (w.deleted) {
        if (coveredDeleted) expect(w.deleted.start).toBeLessThanOrEqual(coveredDeleted);
        coveredDeleted = w.deleted.end;
      }
      cursors = w.next;
    }
  });
});

describe("dueRechecks", () => {
  const young = new Map([
    ["a", NOW - 10 * MIN],
    ["b", NOW - MIN],
  ]);
  it.each([
    { name: "no /deleted window this poll: keep all, read none", deleted: undefined, recheck: [], keep: ["a", "b"] },
    { name: "a window starting after a's first sighting: a is safe, b is read", deleted: { start: NOW - 5 * MIN, end: NOW }, recheck: ["b"], keep: ["b"] },
    { name: "a window starting before both: both are read", deleted: { start: NOW - 20 * MIN, end: NOW }, recheck: ["a", "b"], keep: ["a", "b"] },
    { name: "a window starting after both: none left", deleted: { start: NOW, end: NOW + MIN }, recheck: [], keep: [] },
  ])("$name", ({ deleted, recheck, keep }) => {
    const due = dueRechecks(young, deleted);
    expect(due.recheck).toEqual(recheck);
    expect([...due.keep.keys()]).toEqual(keep);
  });
});
