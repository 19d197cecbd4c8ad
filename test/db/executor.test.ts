import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { describeEachEngine, STORE_TABLES, tableColumns } from "../helpers/engines.js";

const cursor = (name: string, position: number) =>
  sql`insert into cursors (name, position, updated_at) values (${name}, ${position}, ${position})`;
const positions = sql`select name, position, updated_at as "updatedAt" from cursors order by name`;

describeEachEngine("the store's SQL executor", (engine) => {
  it("binds parameters, returns rows under their aliases, epoch milliseconds as numbers, and counts changes", async () => {
    const { exec } = engine();
    const at = Date.UTC(2026, 11, 4, 19, 0, 0, 123);
    expect(await exec.run(cursor("a", at))).toBe(1);
    expect(await exec.all(positions)).toEqual([{ name: "a", position: at, updatedAt: at }]);
    expect(await exec.get(sql`select count(*) as n from cursors where name = ${"a"}`)).toEqual({ n: 1 });
    expect(await exec.get(sql`select name from cursors where name = ${"nobody"}`)).toBeUndefined();
    expect(await exec.run(sql`update cursors set position = position + 1 where name in (${"a"}, ${"b"})`)).toBe(1);
  });

  it("a transaction commits what its work wrote, and rolls all of it back when the work throws (a nested one with it)", async () => {
    const { exec } = engine();
    await exec.transaction(async (tx) => {
      await tx.run(cursor("kept", 1));
    });
    await expect(
      exec.transaction(async (tx) => {
        await tx.run(cursor("lost", 2));
        await tx.transaction(async (inner) => inner.run(cursor("lost too", 3)));
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await exec.all<{ name: string }>(positions)).map((r) => r.name)).toEqual(["kept"]);
  });

  it("a statement from outside a transaction in progress is not part of it: it survives the rollback", async () => {
    const { exec } = engine();
    let outside: Promise<number> | undefined;
    await expect(
      exec.transaction(async (tx) => {
        await tx.run(cursor("inside", 1));
        outside = exec.run(cursor("outside", 2));
        // Give the other caller every chance to run while the transaction is open.
        for (let i = 0; i < 5; i++) await tx.get(sql`select 1 as one`);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await outside).toBe(1);
    expect((await exec.all<{ name: string }>(positions)).map((r) => r.name)).toEqual(["outside"]);
  });

  it("transactions that overlap in time all commit, none inside another", async () => {
    const { exec } = engine();
    await exec.run(cursor("even", 0));
    await exec.run(cursor("odd", 0));
    const bump = (name: string, i: number) =>
      exec.transaction(async (tx) => {
        await tx.run(sql`update cursors set position = position + 1 where name = ${name}`);
        await tx.run(sql`update cursors set updated_at = ${i} where name = ${name}`);
      });
    await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 === 0 ? "even" : "odd", i)));
    expect((await exec.all<{ position: number }>(positions)).map((r) => r.position)).toEqual([10, 10]);
  });

  it("holds every table of the store", async () => {
    expect((await tableColumns(engine())).map((c) => c.split(".")[0]).filter((t, i, all) => all.indexOf(t) === i)).toEqual([...STORE_TABLES].sort());
  });
});
