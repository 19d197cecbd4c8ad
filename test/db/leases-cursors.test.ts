import { expect, it } from "vitest";
import { cursorUpdatedAt, deleteCursor, readCursor, writeCursor } from "../../src/db/cursors.js";
import { acquireLease, pairsReconciledElsewhere, readLease, reconcileLeaseKey, releaseLease, renewLease } from "../../src/db/leases.js";
import { describeEachEngine } from "../helpers/engines.js";

const T = Date.UTC(2026, 11, 4, 20, 0, 0);

describeEachEngine("leases", (engine) => {
  it("one owner at a time: free, held, expired, re-taken by its owner, released only by its owner", async () => {
    const store = engine();
    expect(await acquireLease(store, "k", 1000, "a", T)).toBe(true);
    expect(await acquireLease(store, "k", 1000, "b", T + 500)).toBe(false);
    expect(await readLease(store, "k")).toEqual({ owner: "a", expiresAt: T + 1000 });
    expect(await acquireLease(store, "k", 1000, "a", T + 500)).toBe(true);
    expect(await readLease(store, "k")).toEqual({ owner: "a", expiresAt: T + 1500 });
    // Expired: anyone may take it.
    expect(await acquireLease(store, "k", 1000, "b", T + 1500)).toBe(true);
    expect(await releaseLease(store, "k", "a")).toBe(false);
    expect(await renewLease(store, "k", 5000, "a", T + 1600)).toBe(false);
    expect(await renewLease(store, "k", 5000, "b", T + 1600)).toBe(true);
    expect(await readLease(store, "k")).toEqual({ owner: "b", expiresAt: T + 6600 });
    expect(await releaseLease(store, "k", "b")).toBe(true);
    expect(await readLease(store, "k")).toBeUndefined();
  });

  it("of many takers at once exactly one wins", async () => {
    const store = engine();
    const wins = await Promise.all(Array.from({ length: 12 }, (_, i) => acquireLease(store, "race", 60_000, `owner-${i}`, T)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const winner = `owner-${wins.indexOf(true)}`;
    expect((await readLease(store, "race"))?.owner).toBe(winner);
  });

  it("names the pairs other owners reconcile now, not its own and not expired ones", async () => {
    const store = engine();
    await acquireLease(store, reconcileLeaseKey("mine"), 1000, "me", T);
    await acquireLease(store, reconcileLeaseKey("theirs"), 1000, "them", T);
    await acquireLease(store, reconcileLeaseKey("stale"), 10, "them", T - 100);
    await acquireLease(store, "service", 1000, "them", T);
    expect([...(await pairsReconciledElsewhere(store, "me", T))]).toEqual(["theirs"]);
  });
});

describeEachEngine("cursors", (engine) => {
  it("reads what was written, with when it moved, and forgets a deleted one", async () => {
    const store = engine();
    expect(await readCursor(store, "poll:x")).toBeUndefined();
    await writeCursor(store, "poll:x", T - 60_000, T);
    await writeCursor(store, "poll:x", T, T + 5);
    expect(await readCursor(store, "poll:x")).toBe(T);
    expect(await cursorUpdatedAt(store, "poll:x")).toBe(T + 5);
    await deleteCursor(store, "poll:x");
    expect(await readCursor(store, "poll:x")).toBeUndefined();
    expect(await cursorUpdatedAt(store, "poll:x")).toBeUndefined();
  });
});
