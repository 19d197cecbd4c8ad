import type Database from "better-sqlite3";
import type { SQL } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type { Executor } from "../sql/executor.js";

const dialect = new SQLiteSyncDialect();

/**
 * The store's SQL on one better-sqlite3 connection. Statements run synchronously and are prepared once
 * per text. A transaction's work awaits between its statements, and the connection is shared by every
 * caller of the process, so while one is open every other caller's statement (and transaction) waits for
 * it to end, or it would run inside it.
 */
export function sqliteExecutor(sqlite: Database.Database): Executor {
  const prepared = new Map<string, Database.Statement>();
  const statement = (query: SQL): [Database.Statement, unknown[]] => {
    const { sql, params } = dialect.sqlToQuery(query);
    let found = prepared.get(sql);
    if (!found) prepared.set(sql, (found = sqlite.prepare(sql)));
    return [found, params];
  };
  // async: a statement SQLite refuses rejects, as on Postgres, instead of throwing at the call.
  const direct: Executor = {
    dialect: "sqlite",
    all: async <T>(query: SQL) => {
      const [stmt, params] = statement(query);
      return stmt.all(...params) as T[];
    },
    get: async <T>(query: SQL) => {
      const [stmt, params] = statement(query);
      return stmt.get(...params) as T | undefined;
    },
    run: async (query: SQL) => {
      const [stmt, params] = statement(query);
      return stmt.run(...params).changes;
    },
    transaction: (work) => work(direct),
  };

  // Transactions run one after another, chained on `tail`; `open` while one runs.
  let tail: Promise<unknown> = Promise.resolve();
  let open = false;
  const outside = <T>(run: () => Promise<T>): Promise<T> => (open ? tail.then(run) : run());
  const inTransaction = async <T>(work: (tx: Executor) => Promise<T>): Promise<T> => {
    open = true;
    try {
      sqlite.exec("begin");
      const result = await work(direct);
      sqlite.exec("commit");
      return result;
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec("rollback");
      throw error;
    } finally {
      open = false;
    }
  };
  return {
    dialect: "sqlite",
    all: (query) => outside(() => direct.all(query)),
    get: (query) => outside(() => direct.get(query)),
    run: (query) => outside(() => direct.run(query)),
    transaction(work) {
      const result = tail.then(() => inTransaction(work));
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
