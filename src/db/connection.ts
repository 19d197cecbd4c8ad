import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import * as schema from "./schema.js";

export type Schema = typeof schema;
export type DrizzleDatabase = BetterSQLite3Database<Schema>;

export interface AppDatabase {
  /** The raw handle, for pragmas, backups and tests; queries go through `db`. */
  readonly sqlite: Database.Database;
  readonly db: DrizzleDatabase;
  /** Closes the handle; calling it again is harmless. */
  close(): void;
}

/** ":memory:" and "" (a private temporary database) have no directory to create. */
function hasDirectory(path: string): boolean {
  return path !== ":memory:" && path !== "";
}

const BUSY_TIMEOUT_MS = 5000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * WAL lets the webhook receiver keep writing while a reconcile run reads. Switching a new file to WAL can
 * answer SQLITE_BUSY at once, without consulting busy_timeout, when another process opens it at the same
 * moment (server and CLI started together on a fresh install), so this retries for as long as
 * busy_timeout would have waited. Once a file is in WAL mode the setting persists and this is a no-op.
 */
function enableWal(sqlite: Database.Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      sqlite.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      const busy = error instanceof Database.SqliteError && error.code.startsWith("SQLITE_BUSY");
      if (!busy || Date.now() >= deadline) throw error;
      sleepSync(10 + Math.random() * 40);
    }
  }
}

export function openDatabase(path: string): AppDatabase {
  if (hasDirectory(path)) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  try {
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    enableWal(sqlite);
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const db = drizzle(sqlite, { schema });
  return {
    sqlite,
    db,
    close() {
      if (sqlite.open) sqlite.close();
    },
  };
}
