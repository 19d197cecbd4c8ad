import { sql, type SQL } from "drizzle-orm";

export type Dialect = "sqlite" | "postgres";

/**
 * How the store's functions run their SQL on either engine. They are written once, in SQL both engines
 * read alike (drizzle's `sql` tag binds the parameters in each one's style), and get rows back under the
 * aliases the SQL gives them; the few statements that differ ask `dialect`.
 */
export interface Executor {
  readonly dialect: Dialect;
  all<T>(query: SQL): Promise<T[]>;
  get<T>(query: SQL): Promise<T | undefined>;
  /** Runs a statement; resolves with the number of rows it changed. */
  run(query: SQL): Promise<number>;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it rejects. `work` must
   * await nothing but its own statements (no network), since it holds the database meanwhile. A
   * transaction begun inside it is part of it.
   */
  transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T>;
}

/** What the store's functions need of a database, whichever the engine: SQLite's AppDatabase has it, so has Postgres's. */
export interface Store {
  readonly exec: Executor;
}

/** `a, b, c` of bound values, for `in (…)`; callers handle an empty list themselves (`in ()` is no SQL). */
export function sqlList(values: readonly unknown[]): SQL {
  return sql.join(values.map((value) => sql`${value}`), sql`, `);
}
