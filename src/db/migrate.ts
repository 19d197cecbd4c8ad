import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { openDatabase, type AppDatabase } from "./connection.js";

/**
 * The project's `migrations/` folder, found from this file's own location rather than the cwd, so it
 * is the same whether this runs as `src/db/migrate.ts` (tsx, vitest) or `dist/src/db/migrate.js`.
 * The project root is the nearest ancestor holding `package.json`.
 */
export function findMigrationsFolder(startDir: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = startDir;
  for (;;) {
    if (existsSync(join(dir, "package.json"))) {
      const folder = join(dir, "migrations");
      if (!existsSync(join(folder, "meta", "_journal.json"))) {
        throw new Error(`No migrations/meta/_journal.json next to ${join(dir, "package.json")}`);
      }
      return folder;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json in ${startDir} or any parent directory`);
    dir = parent;
  }
}

/** Applies pending migrations; a database that is already current is left untouched. */
export function migrateDatabase(app: AppDatabase, migrationsFolder: string = findMigrationsFolder()): void {
  try {
    migrate(app.db, { migrationsFolder });
  } catch (error) {
    // Drizzle reads the applied version before it takes the write lock, so when two processes start
    // together the slower one replays an applied migration and fails. A second pass sees the current
    // version and does nothing; a genuine failure fails again and is thrown from here.
    try {
      migrate(app.db, { migrationsFolder });
    } catch {
      throw error;
    }
  }
}

export function openAndMigrate(path: string): AppDatabase {
  const app = openDatabase(path);
  try {
    migrateDatabase(app);
  } catch (error) {
    app.close();
    throw error;
  }
  return app;
}
