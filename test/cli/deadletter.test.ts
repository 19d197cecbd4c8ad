import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openAndMigrate } from "../../src/db/migrate.js";
import { claimEntities, deadLetterEvents, enqueueDeliveries } from "../../src/db/inbox.js";
import { getInboxEvent } from "../db/stored-rows.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
let dir: string;
let dbPath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "clockify-sync-cli-"));
  dbPath = join(dir, "sync.db");
  const database = openAndMigrate(dbPath);
  await enqueueDeliveries(database, [
        ["e1", "e2"].map((id) => ({
          pairId: "acme",
          workspaceId: "ws",
          side: "source" as const,
          eventType: "NEW_TIME_ENTRY",
          entityId: id,
          body: `{"id":"${id}"}`,
          dedupeKey: id,
        })),
      ]);
  const claimed = await claimEntities(database, { limit: 10, leaseMs: 1000 });
  await deadLetterEvents(database, claimed.flatMap((c) => c.rows.map((r) => r.id)), "Clockify PUT failed: HTTP 403: locked period");
  database.close();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "deadletter", ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_PATH: dbPath },
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe("npm run deadletter", () => {
  it("lists dead letters with their reason", async () => {
    const { code, out } = await cli("list");
    expect(code).toBe(0);
    expect(out).toContain("#1  acme  NEW_TIME_ENTRY  entity e1");
    expect(out).toContain("locked period");
    expect(out).toContain("2 dead letter(s)");
  });

  it("retries one by id, then all; a retried event is pending with a fresh budget", async () => {
    expect((await cli("retry", "1")).out).toContain("1 event(s) queued again");
    const database = openAndMigrate(dbPath);
    expect(getInboxEvent(database, 1)).toMatchObject({ status: "pending", attempts: 0, lastError: null });
    expect(getInboxEvent(database, 2)?.status).toBe("dead");
    database.close();
    expect((await cli("retry", "--all")).out).toContain("1 event(s) queued again");
    expect((await cli("list")).out).toContain("no dead letters");
  });

  it("rejects bad usage with exit code 2 and changes nothing", async () => {
    expect((await cli("retry")).code).toBe(2);
    expect((await cli("retry", "1", "--all")).code).toBe(2);
    const bad = await cli("retry", "abc");
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('not a dead letter id: "abc"');
    expect((await cli("list", "--json")).out).toContain('"id": 2');
  });
});
