import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type AppDatabase } from "../../src/db/connection.js";
import { findMigrationsFolder, migrateDatabase, openAndMigrate } from "../../src/db/migrate.js";
import { upsertProjectMapping } from "../../src/db/project-map.js";
import { MIGRATION_COUNT, useTempDatabases } from "./temp-database.js";

const temp = useTempDatabases();
const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
const APP_TABLES = ["api_usage", "blocked_copies", "check_results", "cursors", "entry_map", "inbox", "leases", "project_map", "reconcile_runs", "webhooks"];

function tableNames(app: AppDatabase): string[] {
  return app.sqlite
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
    .pluck()
    .all() as string[];
}

function schemaSql(app: AppDatabase): string[] {
  return app.sqlite.prepare("select sql from sqlite_master where sql is not null order by name").pluck().all() as string[];
}

function appliedMigrations(app: AppDatabase): number {
  return app.sqlite.prepare("select count(*) from __drizzle_migrations").pluck().get() as number;
}

async function addProject(app: AppDatabase): Promise<void> {
  await upsertProjectMapping(app, {
        pairId: "pair-1",
        sourceProjectId: "src-p1",
        destinationProjectId: "dst-p1",
        name: "Website",
        origin: "source",
      });
}

describe("migrateDatabase", () => {
  it("creates every table on an empty database", () => {
    const app = openDatabase(join(temp.dir(), "empty.db"));
    try {
      expect(tableNames(app)).toEqual([]);
      migrateDatabase(app);
      expect(tableNames(app)).toEqual(["__drizzle_migrations", ...APP_TABLES]);
      expect(appliedMigrations(app)).toBe(MIGRATION_COUNT);
    } finally {
      app.close();
    }
  });

  it("is a no-op when run again on the same connection", async () => {
    const app = temp.open();
    await addProject(app);
    const before = schemaSql(app);
    migrateDatabase(app);
    migrateDatabase(app);
    expect(schemaSql(app)).toEqual(before);
    expect(appliedMigrations(app)).toBe(MIGRATION_COUNT);
    expect(app.sqlite.prepare("select count(*) from project_map").pluck().get()).toBe(1);
  });

  it("is a no-op after reopening the file, and keeps existing rows", async () => {
    const path = join(temp.dir(), "reopen.db");
    const first = openAndMigrate(path);
    await addProject(first);
    const before = schemaSql(first);
    first.close();

    const second = openAndMigrate(path);
    try {
      expect(schemaSql(second)).toEqual(before);
      expect(appliedMigrations(second)).toBe(MIGRATION_COUNT);
      expect(second.sqlite.prepare("select name from project_map").pluck().all()).toEqual(["Website"]);
    } finally {
      second.close();
    }
  });

  it("works on :memory:", () => {
    const app = openAndMigrate(":memory:");
    try {
      expect(tableNames(app)).toEqual(["__drizzle_migrations", ...APP_TABLES]);
    } finally {
      app.close();
    }
  });
});

describe("finding the migrations folder", () => {
  const originalCwd = process.cwd();
  afterEach(() => {
    process.chdir(originalCwd);
  });

  it("does not depend on the working directory", () => {
    process.chdir(tmpdir());
    expect(process.cwd()).not.toBe(originalCwd);
    expect(findMigrationsFolder()).toBe(join(projectRoot, "migrations"));
    const app = openAndMigrate(join(temp.dir(), "elsewhere.db"));
    try {
      expect(tableNames(app)).toEqual(["__drizzle_migrations", ...APP_TABLES]);
    } finally {
      app.close();
    }
  });

  it("resolves from the compiled location dist/src/db too", () => {
    expect(findMigrationsFolder(join(projectRoot, "dist", "src", "db"))).toBe(join(projectRoot, "migrations"));
  });

  it("fails clearly when the nearest package.json has no migrations next to it", async () => {
    const root = join(temp.dir(), "other-project");
    await mkdir(join(root, "src", "db"), { recursive: true });
    await writeFile(join(root, "package.json"), "{}");
    expect(() => findMigrationsFolder(join(root, "src", "db"))).toThrow(/No migrations\/meta\/_journal\.json/);
  });
});
