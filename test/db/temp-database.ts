import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import type { AppDatabase } from "../../src/db/connection.js";
import { openAndMigrate } from "../../src/db/migrate.js";

export interface TempDatabases {
  /** The current test's own empty directory. */
  dir(): string;
  /** A migrated database file in that directory; closed after the test. */
  open(fileName?: string): AppDatabase;
}

/** Gives every test in the calling file a fresh temp directory of real SQLite files, removed afterwards. */
export function useTempDatabases(): TempDatabases {
  let dir: string | undefined;
  const opened: AppDatabase[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "clockify-sync-db-test-"));
  });

  afterEach(async () => {
    for (const app of opened.splice(0)) app.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const currentDir = (): string => {
    if (!dir) throw new Error("useTempDatabases: no test is running");
    return dir;
  };

  return {
    dir: currentDir,
    open(fileName = "sync.db") {
      const app = openAndMigrate(join(currentDir(), fileName));
      opened.push(app);
      return app;
    },
  };
}

/** How many migrations the repository ships: what a fully migrated database has applied. */
export const MIGRATION_COUNT = (
  JSON.parse(readFileSync(new URL("../../migrations/meta/_journal.json", import.meta.url), "utf8")) as {
    entries: unknown[];
  }
).entries.length;
