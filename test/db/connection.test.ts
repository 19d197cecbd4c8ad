import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connection.js";
import { useTempDatabases } from "./temp-database.js";

const temp = useTempDatabases();

describe("openDatabase", () => {
  it("sets the pragmas the sync relies on", () => {
    const app = openDatabase(join(temp.dir(), "pragmas.db"));
    try {
      expect(app.sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(app.sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(app.sqlite.pragma("busy_timeout", { simple: true })).toBe(5000);
      // 1 = NORMAL
      expect(app.sqlite.pragma("synchronous", { simple: true })).toBe(1);
    } finally {
      app.close();
    }
  });

  it("creates missing parent directories", () => {
    const path = join(temp.dir(), "nested", "deeper", "sync.db");
    const app = openDatabase(path);
    try {
      expect(existsSync(path)).toBe(true);
    } finally {
      app.close();
    }
  });

  it("opens :memory: without touching the file system", () => {
    const app = openDatabase(":memory:");
    try {
      expect(app.sqlite.memory).toBe(true);
      expect(app.sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(existsSync(":memory:")).toBe(false);
    } finally {
      app.close();
    }
  });

  it("close is idempotent", () => {
    const app = openDatabase(join(temp.dir(), "close.db"));
    app.close();
    expect(app.sqlite.open).toBe(false);
    expect(() => app.close()).not.toThrow();
  });
});
