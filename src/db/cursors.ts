import { sql } from "drizzle-orm";
import type { Store } from "./sql/executor.js";
import { now as clockNow } from "../clock.js";

/** Where the reader named `name` got to (epoch ms), or undefined when it never ran. */
export async function readCursor({ exec }: Store, name: string): Promise<number | undefined> {
  return (await exec.get<{ position: number }>(sql`select position from cursors where name = ${name}`))?.position;
}

export async function writeCursor({ exec }: Store, name: string, position: number, now: number = clockNow()): Promise<void> {
  await exec.run(sql`
    insert into cursors (name, position, updated_at) values (${name}, ${position}, ${now})
    on conflict (name) do update set position = excluded.position, updated_at = excluded.updated_at`);
}

/** When the reader named `name` last moved on (epoch ms), or undefined when it never ran. */
export async function cursorUpdatedAt({ exec }: Store, name: string): Promise<number | undefined> {
  return (await exec.get<{ updatedAt: number }>(sql`select updated_at as "updatedAt" from cursors where name = ${name}`))?.updatedAt;
}

export async function deleteCursor({ exec }: Store, name: string): Promise<void> {
  await exec.run(sql`delete from cursors where name = ${name}`);
}
