import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe } from "vitest";
import { findMigrationsFolder, openAndMigrate } from "../../src/db/migrate.js";
import { migratePostgres, openPostgres } from "../../src/db/postgres/connection.js";
import type { Dialect, Executor } from "../../src/db/sql/executor.js";
import { sql } from "drizzle-orm";
import { freshPostgresDatabase, hasPostgres } from "./postgres/database.js";

/** Every table of the store (both schemas hold the same). */
export const STORE_TABLES = ["project_map", "entry_map", "inbox", "reconcile_runs", "webhooks", "leases", "check_results", "blocked_copies", "api_usage", "cursors"];

export interface Engine {
  dialect: Dialect;
  exec: Executor;
  /** SQLite: the file's path; Postgres: the database's URL. */
  location: string;
}

async function openSqlite(): Promise<{ engine: Engine; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "clockify-sync-engine-"));
  const path = join(dir, "sync.db");
  const database = openAndMigrate(path);
  return {
    engine: { dialect: "sqlite", exec: database.exec, location: path },
    async close() {
      database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgresEngine(): Promise<{ engine: Engine; close(): Promise<void> }> {
  const fresh = await freshPostgresDatabase("store");
  const database = openPostgres(fresh.url);
  await migratePostgres(database, join(findMigrationsFolder(), "postgres"));
  return {
    engine: { dialect: "postgres", exec: database.exec, location: fresh.url },
    async close() {
      await database.close();
      await fresh.drop();
    },
  };
}

/**
 * The same suite on a migrated SQLite file and on a migrated Postgres database (skipped, with the
 * global setup's one line, when the machine has no Postgres). Every table is emptied before each test.
 */
export function describeEachEngine(title: string, suite: (engine: () => Engine) => void): void {
  for (const [dialect, open] of [
    ["sqlite", openSqlite],
    ["postgres", openPostgresEngine],
  ] as const) {
    describe.skipIf(dialect === "postgres" && !hasPostgres)(`${title} (${dialect})`, () => {
      let opened: Awaited<ReturnType<typeof open>> | undefined;
      beforeAll(async () => {
        opened = await open();
      });
      afterAll(async () => {
        await opened?.close();
      });
      beforeEach(async () => {
        const exec = opened?.engine.exec;
        if (!exec) return;
        if (dialect === "postgres") await exec.run(sql.raw(`truncate ${STORE_TABLES.join(", ")} restart identity`));
        else for (const table of STORE_TABLES) await exec.run(sql.raw(`delete from ${table}`));
      });
      suite(() => {
        if (!opened) throw new Error("the engine did not open");
        return opened.engine;
      });
    });
  }
}

/** "table.column" for every column of the store, "?" after a nullable one, sorted: what both schemas must agree on. */
export async function tableColumns({ exec, dialect }: Engine): Promise<string[]> {
  const query =
    dialect === "sqlite"
      ? sql`select m.name as "table", p.name as "column", case when p."notnull" = 1 or p.pk > 0 then 0 else 1 end as nullable
            from sqlite_master m, pragma_table_info(m.name) p where m.type = 'table' and m.name not like 'sqlite_%' and m.name not like '__drizzle%'`
      : sql`select table_name as "table", column_name as "column", case when is_nullable = 'YES' then 1 else 0 end as nullable
            from information_schema.columns where table_schema = 'public' and table_name not like '__drizzle%'`;
  const rows = await exec.all<{ table: string; column: string; nullable: number }>(query);
  return rows.map((c) => `${c.table}.${c.column}${Number(c.nullable) ? "?" : ""}`).sort();
}

/** Both engines at once, for a test that compares them (Postgres tests skip without one). */
export async function openBothEngines(): Promise<{ sqlite: Engine; postgres: Engine; close(): Promise<void> }> {
  const [a, b] = [await openSqlite(), await openPostgresEngine()];
  return { sqlite: a.engine, postgres: b.engine, close: async () => (await a.close(), await b.close()) };
}
