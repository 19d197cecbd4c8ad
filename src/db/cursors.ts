import { eq } from "drizzle-orm";
import type { AppDatabase } from "./connection.js";
import { cursors } from "./schema.js";
import { now as clockNow } from "../clock.js";

/** Where the reader named `name` got to (epoch ms), or undefined when it never ran. */
export async function readCursor({ db }: AppDatabase, name: string): Promise<number | undefined> {
  return db.select({ position: cursors.position }).from(cursors).where(eq(cursors.name, name)).get()?.position;
}

export async function writeCursor({ db }: AppDatabase, name: string, position: number, now: number = clockNow()): Promise<void> {
  db.insert(cursors)
    .values({ name, position, updatedAt: now })
    .onConflictDoUpdate({ target: cursors.name, set: { position, updatedAt: now } })
    .run();
}

/** When the reader named `name` last moved on (epoch ms), or undefined when it never ran. */
export async function cursorUpdatedAt({ db }: AppDatabase, name: string): Promise<number | undefined> {
  return db.select({ updatedAt: cursors.updatedAt }).from(cursors).where(eq(cursors.name, name)).get()?.updatedAt;
}

export async function deleteCursor({ db }: AppDatabase, name: string): Promise<void> {
  db.delete(cursors).where(eq(cursors.name, name)).run();
}
