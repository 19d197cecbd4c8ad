import { describe, expect, it } from "vitest";
import { formatReport } from "../../src/cli/status.js";
import { recordBlocked } from "../../src/db/blocked.js";
import { renderStatusPage } from "../../src/http/status-page.js";
import { allWarnings, collectStatus } from "../../src/status/collect.js";
import { useTempDatabases } from "../db/temp-database.js";
import { HOUR, NOW, seedAcme, statusConfig } from "./seed.js";

const temp = useTempDatabases();
const ENTRY_DAY = Date.parse("2026-10-28T09:00:00Z");

async function seedBlocked() {
  const database = temp.open();
  await seedAcme(database);
  await recordBlocked(database, { pairId: "acme", sourceEntryId: "src-locked", kind: "lock", action: "write", entryStartAt: ENTRY_DAY, message: "locked <b>" }, NOW - 5 * HOUR);
  await recordBlocked(database, { pairId: "acme", sourceEntryId: "src-locked", kind: "lock", action: "write", entryStartAt: ENTRY_DAY, message: "locked <b>" }, NOW - HOUR);
  await recordBlocked(database, { pairId: "acme", sourceEntryId: "src-approved", kind: "approval", action: "delete", entryStartAt: null, message: "approved" }, NOW - HOUR);
  // A pair that is no longer configured is not listed.
  await recordBlocked(database, { pairId: "gone", sourceEntryId: "src-x", kind: "lock", action: "write", entryStartAt: 1, message: "x" }, NOW);
  return database;
}

describe("blocked copies in the status", () => {
  it("lists them per pair and overall, oldest entry first, without making them warnings", async () => {
    const database = await seedBlocked();
    const report = await collectStatus(database, statusConfig(), NOW);
    expect(report.blockedTotal).toBe(2);
    expect(report.blocked.map((b) => [b.sourceEntryId, b.kind, b.action, b.entryStartAt, b.firstTriedAt, b.lastTriedAt, b.attempts])).toEqual([
      ["src-locked", "lock", "write", ENTRY_DAY, NOW - 5 * HOUR, NOW - HOUR, 2],
      ["src-approved", "approval", "delete", null, NOW - HOUR, NOW - HOUR, 1],
    ]);
    expect(report.pairs.map((p) => [p.id, p.blockedCopies])).toEqual([
      ["acme", 2],
      ["globex", 0],
    ]);
    expect(allWarnings(report).filter((w) => w.includes("blocked"))).toEqual([]);
  });

  it("shows them in the text of clockify-sync status", async () => {
    const text = formatReport(await collectStatus(await seedBlocked(), statusConfig(), NOW));
    expect(text).toContain("blocked copies       2 (locked period or approved entry; listed below)");
    expect(text).toContain("pair acme · entry src-locked of 2026-10-28 09:00:00 UTC · blocked by lock (write) · tried 2 times, first 5 h ago, last 1 h ago");
    expect(text).toContain("pair acme · entry src-approved of unknown date · blocked by approval (delete) · tried once");
  });

  it("shows them on the status page, escaped", async () => {
    const report = await collectStatus(await seedBlocked(), statusConfig(), NOW);
    const page = renderStatusPage({ view: { report, nextScheduledRunAt: undefined }, adminEnabled: false });
    expect(page).toContain(`<tr data-blocked="src-locked">`);
    expect(page).toContain(`<tr data-blocked="src-approved">`);
    expect(page).toContain("locked period");
    expect(page).toContain("approval");
    expect(page).toContain('title="locked &lt;b&gt;"');
    expect(page).not.toContain("locked <b>");
  });

  it("says there are none", async () => {
    const database = temp.open();
    const report = await collectStatus(database, statusConfig(), NOW);
    expect(report.blocked).toEqual([]);
    expect(formatReport(report)).not.toContain("blocked");
    expect(renderStatusPage({ view: { report, nextScheduledRunAt: undefined }, adminEnabled: false })).toContain("No copy is blocked by a lock or an approval.");
  });
});
