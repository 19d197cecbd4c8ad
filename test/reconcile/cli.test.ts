import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRecentReconcileRuns } from "../db/stored-rows.js";
import { openAndMigrate } from "../../src/db/migrate.js";
import type { ProjectDto } from "../../src/sandbox/index.js";
import { seedEntries, startHarness, writes, type Harness } from "./support.js";
import { runProjectCli, type CliResult } from "../helpers/cli.js";
import { acmePair } from "../helpers/world.js";



let h: Harness;
let configPath: string;
let databasePath: string;
let project: ProjectDto;

/** `npm run reconcile -- …` as a child process; async, so the simulator in this process keeps answering. */
function reconcileCli(...args: string[]): Promise<CliResult> {
  return runProjectCli("reconcile", args, {
    CLOCKIFY_SYNC_CONFIG: configPath,
    DATABASE_PATH: databasePath,
    CLOCKIFY_API_URL: h.sim.apiBaseUrl,
  });
}

beforeAll(async () => {
  h = await startHarness();
  configPath = join(h.dir, "config.json");
  // The CLI opens its own database file (the harness's stays unused).
  databasePath = join(h.dir, "cli.db");
  await writeFile(
    configPath,
    JSON.stringify({
      pairs: [acmePair(h)],
      clockify: { requestsPerSecond: 50 },
    }),
  );
  project = h.sim.world.addProject(h.source.workspaceId, { name: "Alpha", clientId: h.source.clientId });
  h.sim.world.addProject(h.destination.workspaceId, { name: "Alpha" });
  seedEntries(h, h.source.workspaceId, project.id, 3);
});
afterAll(async () => {
  await h.close();
});

describe("npm run reconcile", () => {
  it("--dry-run prints the plan and writes nothing", async () => {
    h.sim.stats.reset();
    const result = await reconcileCli("--dry-run");
    expect(result.stderr).not.toMatch(/error:/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^acme \(dry run\): succeeded — created 3, /m);
    expect(result.stdout).toContain("  create (3):");
    expect(result.stdout).toMatch(/entry 0/);
    expect(writes(h.sim)).toEqual([]);
    expect(h.sim.world.listTimeEntries(h.destination.workspaceId)).toHaveLength(0);
  });

  it("a normal run prints one summary line per pair with its request count, and exits 0", async () => {
    h.sim.stats.reset();
    const result = await reconcileCli();
    expect(result.code).toBe(0);
    const line = result.stdout.split("\n").find((l) => l.startsWith("acme: "));
    expect(line).toMatch(/^acme: succeeded — created 3, updated 0, deleted 0, adopted 0, unchanged 0, failed 0/);
    expect(line).toMatch(/ API request\(s\)/);
    const requests = Number(/· (\d+) API request\(s\)/.exec(line ?? "")?.[1]);
    expect(requests).toBe(h.sim.stats.count());
    expect(h.sim.world.listTimeEntries(h.destination.workspaceId)).toHaveLength(3);

    const database = openAndMigrate(databasePath);
    try {
      expect(listRecentReconcileRuns(database)[0]).toMatchObject({ trigger: "cli", outcome: "succeeded", created: 3, requests });
    } finally {
      database.close();
    }
  });

  it("exits 2 on bad input, naming the problem", async () => {
    const [pair, since, order] = await Promise.all([
      reconcileCli("--pair", "nope"),
      reconcileCli("--since", "notadate"),
      reconcileCli("--since", "2026-11-02T00:00:00Z", "--until", "2026-11-01T00:00:00Z"),
    ]);
    expect(pair.code).toBe(2);
    expect(pair.stderr).toMatch(/no pair "nope"/);
    expect(pair.stderr).toMatch(/pairs: acme/);
    expect(since.code).toBe(2);
    expect(since.stderr).toMatch(/--since/);
    expect(order.code).toBe(2);
    expect(order.stderr).toMatch(/--since must be before --until/);
  });

  it("exits 1 when the run fails", async () => {
    seedEntries(h, h.source.workspaceId, project.id, 1, { from: Date.now() - 3_600_000, prefix: "late" });
    const destinationWs = h.destination.workspaceId;
    h.sim.faults.failWhen = (req) => (req.workspaceId === destinationWs && req.method !== "GET" ? 403 : undefined);
    try {
      const result = await reconcileCli();
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^acme: failed — created 0, .*failed 1/m);
    } finally {
      h.sim.faults.failWhen = undefined;
    }
    expect(h.sim.world.listTimeEntries(destinationWs)).toHaveLength(3);
  });
});
