import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openAndMigrate } from "../../src/db/migrate.js";
import { MIGRATION_COUNT, useTempDatabases } from "./temp-database.js";

const temp = useTempDatabases();
const child = fileURLToPath(new URL("./fixtures/open-and-migrate-at.ts", import.meta.url));
const PROCESSES = 8;
const ROUNDS = 40;
const INTERVAL_MS = 60;

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", child, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    proc.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    proc.on("error", reject);
    proc.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("several processes opening a fresh database at once", () => {
  // The races on a fresh file (switching to WAL, drizzle reading the applied version before it locks)
  // only show up across processes and only sometimes, hence many rounds. A pass can be luck; a failure
  // is a real bug.
  it("all succeed and the migration is applied once", async () => {
    const dir = temp.dir();
    const startAt = Date.now() + 2_500; // time for every child to boot before round 0
    const args = [dir, String(startAt), String(ROUNDS), String(INTERVAL_MS)];
    const results = await Promise.all(Array.from({ length: PROCESSES }, () => run(args)));
    expect(results.filter((result) => result.code !== 0).map((result) => result.stderr)).toEqual([]);

    for (let round = 0; round < ROUNDS; round++) {
      const app = openAndMigrate(join(dir, `round-${round}.db`));
      try {
        expect(app.sqlite.prepare("select count(*) from __drizzle_migrations").pluck().get()).toBe(MIGRATION_COUNT);
        expect(app.sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
      } finally {
        app.close();
      }
    }
  });
});
