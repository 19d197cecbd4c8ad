import { describe, expect, it } from "vitest";
import { openBothEngines, tableColumns } from "../helpers/engines.js";
import { hasPostgres } from "../helpers/postgres/database.js";

describe.skipIf(!hasPostgres)("the two schemas", () => {
  it("migrated, SQLite and Postgres hold the same tables with the same columns and nullability", async () => {
    const both = await openBothEngines();
    try {
      const [sqlite, postgres] = [await tableColumns(both.sqlite), await tableColumns(both.postgres)];
      expect(postgres).toEqual(sqlite);
      expect(sqlite.length).toBeGreaterThan(80);
    } finally {
      await both.close();
    }
  });
});
