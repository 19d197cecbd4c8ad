import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openAndMigrate } from "../../src/db/migrate.js";
import { seedAcme, statusConfigJson, WS } from "../status/seed.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
let dir: string;
let dbPath: string;
let configPath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "clockify-sync-cli-status-"));
  dbPath = join(dir, "sync.db");
  configPath = join(dir, "config.json");
  await writeFile(configPath, JSON.stringify(statusConfigJson()));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function seed(): Promise<void> {
  const database = openAndMigrate(dbPath);
  // Relative to the real clock: the CLI reads it.
  await seedAcme(database, Date.now());
  database.close();
}

async function cli(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "status", ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_PATH: dbPath, CLOCKIFY_SYNC_CONFIG: configPath },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("npm run status", () => {
  it("prints each pair's facts and warnings readably, exiting 1 when there are warnings", async () => {
    await seed();
    const { code, stdout } = await cli();
    expect(code).toBe(1);
    expect(stdout).toMatch(/^clockify-sync status at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/m);
    expect(stdout).toMatch(/^pair acme$/m);
    expect(stdout).toMatch(/^ {2}mapped projects +2$/m);
    expect(stdout).toMatch(/^ {2}mapped entries +3 live, 1 tombstone\(s\), 1 create\(s\) in flight$/m);
    expect(stdout).toMatch(/^ {2}inbox +1 waiting, oldest 2\.0 h; 1 dead letter\(s\)$/m);
    expect(stdout).toMatch(/^ {2}last reconciliation +.*\(9 h ago\), schedule: succeeded in 2\.1 s$/m);
    expect(stdout).toContain("created 1, updated 2, deleted 0, adopted 0, unchanged 40, failed 0; 7 API request(s)");
    expect(stdout).toMatch(new RegExp(`^ {2}last webhook +source ${WS.SRC}: .*\\(2 h ago\\), 1 registered webhook\\(s\\)$`, "m"));
    expect(stdout).toContain(`destination ${WS.DST}: never, 1 registered webhook(s)`);
    expect(stdout).not.toContain(`  ! workspace ${WS.DST} (destination)`);
    expect(stdout).toContain("  ! 1 dead letter(s)");
    expect(stdout).toMatch(/^pair globex$/m);
    expect(stdout).toMatch(/^2 warning\(s\); recent activity and dead letters: npm run status -- --json/m);
  });

  it("--json gives the whole report for machines, times as ISO strings", async () => {
    await seed();
    const { code, stdout } = await cli("--json");
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as {
      generatedAt: string;
      pairs: Array<{
        id: string;
        mappedEntries: { live: number; tombstones: number };
        lastReconcile: { startedAt: string; trigger: string; requests: number } | null;
        workspaces: Array<{ lastWebhookAt: string | null }>;
        warnings: string[];
      }>;
      recentActivity: Array<{ entityId: string; destinationId: string; latencyMs: number }>;
      deadLetters: Array<{ id: number; lastError: string; receivedAt: string }>;
    };
    expect(report.generatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(report.pairs.map((p) => p.id)).toEqual(["acme", "globex"]);
    const acme = report.pairs[0];
    expect(acme?.mappedEntries).toMatchObject({ live: 3, tombstones: 1 });
    expect(acme?.lastReconcile).toMatchObject({ trigger: "schedule", requests: 7 });
    expect(acme?.lastReconcile?.startedAt).toMatch(/Z$/);
    expect(acme?.workspaces[1]?.lastWebhookAt).toBeNull();
    expect(acme?.warnings).toHaveLength(1);
    expect(report.recentActivity.map((a) => [a.entityId, a.destinationId, a.latencyMs])).toEqual([
      ["e3", "dst-e3", 1500],
      ["e2", "dst-e2", 1500],
      ["e1", "dst-e1", 1500],
    ]);
    expect(report.deadLetters).toEqual([expect.objectContaining({ id: 4, lastError: expect.stringContaining("locked period") })]);
  });

  it("exits 0 with no warnings when all is well, and --pair narrows to one pair", async () => {
    const database = openAndMigrate(dbPath);
    database.close();
    const { code, stdout } = await cli("--pair", "acme");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^pair acme$/m);
    expect(stdout).not.toContain("globex");
    expect(stdout).toContain("last reconciliation  none yet");
    expect(stdout.trimEnd().endsWith("no warnings")).toBe(true);
  });

  it("rejects an unknown pair with exit code 2", async () => {
    const { code, stderr } = await cli("--pair", "nope");
    expect(code).toBe(2);
    expect(stderr).toContain('no pair "nope" in the config (pairs: acme, globex)');
  });
});
