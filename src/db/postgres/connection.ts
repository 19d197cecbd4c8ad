import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import type { Executor } from "../sql/executor.js";
import { postgresExecutor } from "./executor.js";

const INT8 = 20;

/** int8 (bigint: epoch milliseconds, counts) as a number: every value the store keeps is far below 2^53. */
const types = new pg.TypeOverrides();
types.setTypeParser(INT8, Number);

export interface PostgresDatabase {
  readonly exec: Executor;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

export interface PostgresOptions {
  /** Connections in the pool. */
  max?: number;
  /** Names the instance in pg_stat_activity. */
  applicationName?: string;
}

export function openPostgres(url: string, options: PostgresOptions = {}): PostgresDatabase {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types, application_name: options.applicationName ?? "clockify-sync" });
  // An idle connection the server dropped (a restart, a failover) is an error event on the pool, which
  // would otherwise end the process: the pool replaces it at the next query.
  pool.on("error", () => undefined);
  let closed: Promise<void> | undefined;
  return {
    exec: postgresExecutor(pool),
    pool,
    close: () => (closed ??= pool.end()),
  };
}

/** Any fixed number: the key of the advisory lock under which one instance at a time migrates. */
const MIGRATION_LOCK = 7_242_655_001;

/**
 * Applies pending migrations. Instances that start together take turns under an advisory lock, so the
 * second finds the schema current instead of replaying what the first applied.
 */
export async function migratePostgres(database: PostgresDatabase, migrationsFolder: string): Promise<void> {
  const client = await database.pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await migrate(drizzle(client), { migrationsFolder });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
