import Database from "better-sqlite3";
import { now as clockNow } from "../clock.js";
import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";

/** The two ways the service writes its database: webhook intake, and the worker applying the inbox. */
export type StoragePath = "intake" | "worker";

export interface StorageState {
  ok: boolean;
  /** When the current problem began (epoch ms); null while ok. */
  since: number | null;
  /** SQLite's code for the last failure (SQLITE_FULL, SQLITE_IOERR_WRITE, SQLITE_BUSY, ...). */
  code: string | null;
  /** Failures since the problem began. */
  failures: number;
}

export type SqliteError = InstanceType<typeof Database.SqliteError>;

/** Errors of the database itself, as opposed to a bug or a Clockify answer: trying later may succeed. */
export function isStorageError(error: unknown): error is SqliteError {
  return error instanceof Database.SqliteError;
}

function codeOf(error: unknown): string {
  return isStorageError(error) ? error.code : "OTHER";
}

/**
 * What the service knows about its own writes: a disk that filled up, an I/O error, a lock held by
 * another process. One log line when a problem begins (or changes), one when it clears, however many
 * writes fail in between; every failure is counted in metrics, and /healthz reads the state.
 */
export class StorageHealth {
  private readonly states = new Map<StoragePath, StorageState>();

  constructor(
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {
    for (const path of ["intake", "worker"] as const) metrics?.storageHealthy.set({ path }, 1);
  }

  failed(path: StoragePath, operation: string, error: unknown): void {
    const code = codeOf(error);
    this.metrics?.storageErrors.inc({ path, operation, code });
    this.metrics?.storageHealthy.set({ path }, 0);
    const state = this.state(path);
    if (state.ok || state.code !== code) {
      this.logger.error(
        { path, operation, code, err: error instanceof Error ? error.message : String(error) },
        path === "intake"
          ? "webhooks cannot be stored: answering 503 until the database takes writes again"
          : "the worker cannot write its database: backing off, retrying until it can",
      );
    }
    this.states.set(path, { ok: false, since: state.since ?? clockNow(), code, failures: state.failures + 1 });
  }

  succeeded(path: StoragePath): void {
    const state = this.states.get(path);
    if (!state || state.ok) return;
    this.metrics?.storageHealthy.set({ path }, 1);
    this.logger.info(
      { path, code: state.code, failures: state.failures, downMs: state.since === null ? 0 : clockNow() - state.since },
      "database writes work again",
    );
    this.states.set(path, { ok: true, since: null, code: null, failures: 0 });
  }

  state(path: StoragePath): StorageState {
    return this.states.get(path) ?? { ok: true, since: null, code: null, failures: 0 };
  }
}
