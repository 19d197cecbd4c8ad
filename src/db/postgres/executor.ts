import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type pg from "pg";
import type { Executor } from "../sql/executor.js";

const dialect = new PgDialect();

type Queryable = pg.Pool | pg.PoolClient;

async function query<T>(on: Queryable, sql: SQL): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
  const { sql: text, params } = dialect.sqlToQuery(sql);
  return on.query<T & pg.QueryResultRow>(text, params);
}

function on(client: Queryable, transaction: Executor["transaction"]): Executor {
  return {
    dialect: "postgres",
    all: async <T>(sql: SQL) => (await query<T>(client, sql)).rows,
    get: async <T>(sql: SQL) => (await query<T>(client, sql)).rows[0],
    run: async (sql: SQL) => (await query(client, sql)).rowCount ?? 0,
    transaction,
  };
}

/** The store's SQL on a pool: each statement on any free connection, a transaction on one of its own. */
export function postgresExecutor(pool: pg.Pool): Executor {
  return on(pool, async (work) => {
    const client = await pool.connect();
    let broken: unknown;
    try {
      await client.query("begin");
      const inside: Executor = on(client, (nested) => nested(inside));
      const result = await work(inside);
      await client.query("commit");
      return result;
    } catch (error) {
      broken = await client.query("rollback").then(
        () => undefined,
        (rollbackError: unknown) => rollbackError,
      );
      throw error;
    } finally {
      // A connection whose rollback failed is in an unknown state: the pool drops it instead of reusing it.
      client.release(broken instanceof Error ? broken : undefined);
    }
  });
}
