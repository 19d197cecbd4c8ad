import { chmodSync, closeSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import * as schema from "./schema.js";
import type { Executor } from "./sql/executor.js";
import { sqliteExecutor } from "./sqlite/executor.js";

export type Schema = typeof schema;
export type DrizzleDatabase = BetterSQLite3Database<Schema>;

export interface AppDatabase {
  /** The raw handle, for pragmas, backups and tests; queries go through `db`. */
  readonly sqlite: Database.Database;
  readonly db: DrizzleDatabase;
  /** The store's SQL, as on Postgres (sql/executor.ts); the modules move to it from `db` one by one. */
  readonly exec: Executor;
  /** Closes the handle; calling it again is harmless. */
  close(): void;
}

/** ":memory:" and "" (a private temporary database) have no directory to create. */
function hasDirectory(path: string): boolean {
  return path !== ":memory:" && path !== "";
}

/** What a CLI waits for a lock by default; the server passes shorter waits. */
const DEFAULT_BUSY_TIMEOUT_MS = 5000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * WAL lets the webhook receiver keep writing while a reconcile run reads. Switching a new file to WAL can
 * answer SQLITE_BUSY at once, without consulting busy_timeout, when another process opens it at the same
 * moment (server and CLI started together on a fresh install), so this retries for as long as
 * busy_timeout would have waited. Once a file is in WAL mode the setting persists and this is a no-op.
 */
function enableWal(sqlite: Database.Database, waitMs: number): void {
  const deadline = performance.now() + waitMs;
  for (;;) {
    try {
      sqlite.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      const busy = error instanceof Database.SqliteError && error.code.startsWith("SQLITE_BUSY");
      if (!busy || performance.now() >= deadline) throw error;
      sleepSync(10 + Math.random() * 40);
    }
  }
}

export interface OpenOptions {
  /**
   * How long a statement waits, synchronously, for another connection's write lock. The wait blocks the
   * whole event loop, so a server's connections keep it short and back off instead; a CLI can wait.
   */
  busyTimeoutMs?: number;
  /**
   * FULL fsyncs the WAL at every commit: what a commit promises then survives a power loss, not only a
   * crash of this process. The webhook intake needs that before it answers 2xx; elsewhere NORMAL is
   * enough (what a lost commit did is redone: replayed events, re-read entries).
   */
  synchronous?: "NORMAL" | "FULL";
}

/**
 * The file holds entry descriptions and token hashes: it is created readable by its owner only, and an
 * existing one that is wider is narrowed. SQLite gives -wal and -shm the database file's mode; ones left
 * wider by an older version are narrowed too.
 */
function restrictPermissions(path: string): void {
  closeSync(openSync(path, "a", 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}

export function openDatabase(path: string, options: OpenOptions = {}): AppDatabase {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (hasDirectory(path)) {
    mkdirSync(dirname(path), { recursive: true });
    restrictPermissions(path);
  }
  const sqlite = new Database(path);
  try {
    sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
    enableWal(sqlite, Math.max(busyTimeoutMs, DEFAULT_BUSY_TIMEOUT_MS));
    sqlite.pragma(`synchronous = ${options.synchronous ?? "NORMAL"}`);
    sqlite.pragma("foreign_keys = ON");
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const db = drizzle(sqlite, { schema });
  return {
    sqlite,
    db,
    exec: sqliteExecutor(sqlite),
    close() {
      if (sqlite.open) sqlite.close();
    },
  };
}
