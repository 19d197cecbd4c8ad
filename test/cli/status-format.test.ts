import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatReport } from "../../src/cli/status.js";
import { recordCheckResults } from "../../src/db/checks.js";
import { openAndMigrate } from "../../src/db/migrate.js";
import { collectStatus } from "../../src/status/collect.js";
import { HOUR, NOW, seedAcme, statusConfig } from "../status/seed.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("clockify-sync status, as text", () => {
  it("puts the checks' problems first, before the pairs, and counts them as warnings", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clockify-sync-status-format-"));
    dirs.push(dir);
    const database = openAndMigrate(join(dir, "sync.db"));
    try {
      await seedAcme(database, NOW);
      const message = "destination: Customer requires a tag on every entry; set destination.tagIds";
      await recordCheckResults(database, "acme", [{ pairId: "acme", check: "destination.settings", level: "error", message }], NOW - 2 * HOUR);
      const text = formatReport(await collectStatus(database, statusConfig(), NOW));
      const problems = text.indexOf("problems found by the checks (details: clockify-sync doctor)");
      expect(problems).toBeGreaterThan(0);
      expect(text).toContain(`  ! error · pair acme · destination.settings: ${message} (since 2 h ago)`);
      expect(problems).toBeLessThan(text.indexOf("pair acme\n"));
      expect(text).toMatch(/^\d+ warning\(s\)/m);
    } finally {
      database.close();
    }
  });

  it("shows no problems block when the checks found none", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clockify-sync-status-format-"));
    dirs.push(dir);
    const database = openAndMigrate(join(dir, "sync.db"));
    try {
      await seedAcme(database, NOW);
      expect(formatReport(await collectStatus(database, statusConfig(), NOW))).not.toContain("problems found by the checks");
    } finally {
      database.close();
    }
  });
});
