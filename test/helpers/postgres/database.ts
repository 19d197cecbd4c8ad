import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

/** The tests' Postgres (see global-setup.ts), or "" when there is none. */
export const postgresUrl: string = inject("postgresUrl");
export const hasPostgres = postgresUrl !== "";

export interface TestPostgresDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new empty database on the tests' Postgres, for one test file (or one test); drop() removes it. */
export async function freshPostgresDatabase(prefix = "t"): Promise<TestPostgresDatabase> {
  if (!hasPostgres) throw new Error("no Postgres for the tests (see test/helpers/postgres/global-setup.ts)");
  const name = `${prefix.replace(/[^a-z0-9_]/g, "_")}_${randomBytes(6).toString("hex")}`;
  await admin((client) => client.query(`create database "${name}"`));
  return {
    url: withDatabase(postgresUrl, name),
    name,
    drop: () => admin((client) => client.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}
