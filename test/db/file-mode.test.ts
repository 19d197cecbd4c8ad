import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openAndMigrate } from "../../src/db/migrate.js";

/** The database holds entry descriptions: only its owner may read it, -wal and -shm included. */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const mode = (path: string) => statSync(path).mode & 0o777;

describe("database file permissions", () => {
  it("creates the file, its -wal and its -shm readable by the owner only, whatever the umask", () => {
    const dir = mkdtempSync(join(tmpdir(), "clockify-sync-mode-"));
    dirs.push(dir);
    const path = join(dir, "sync.db");
    const umask = process.umask(0o022);
    try {
      const db = openAndMigrate(path);
      db.sqlite.prepare("select count(*) from inbox").get();
      expect(mode(path)).toBe(0o600);
      expect(mode(`${path}-wal`)).toBe(0o600);
      expect(mode(`${path}-shm`)).toBe(0o600);
      db.close();
    } finally {
      process.umask(umask);
    }
  });

  it("narrows an existing file (and a leftover -wal) that others could read", () => {
    const dir = mkdtempSync(join(tmpdir(), "clockify-sync-mode-"));
    dirs.push(dir);
    const path = join(dir, "sync.db");
    openAndMigrate(path).close();
    chmodSync(path, 0o644);
    writeFileSync(`${path}-wal`, "");
    chmodSync(`${path}-wal`, 0o666);
    const db = openAndMigrate(path);
    expect(mode(path)).toBe(0o600);
    expect(mode(`${path}-wal`)).toBe(0o600);
    db.close();
  });
});
