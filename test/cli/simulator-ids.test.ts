import { describe, expect, it } from "vitest";
import { startSimulator } from "../../src/sandbox/index.js";
import { watch } from "../process/spawn.js";

/** The ids `clockify-sync simulator` prints for its seeded world, one start of it. */
async function printedIds(seed: string): Promise<string[]> {
  const sim = watch(["src/cli/main.ts", "simulator", "--port", "0", "--seed", seed]);
  await sim.saw(/Ctrl-C to stop/);
  sim.child.kill("SIGTERM");
  expect(await sim.endsWithin(10_000)).toEqual({ code: 0, signal: null });
  const lines = sim.stdout().split("\n").filter((l) => /^ {2}(Ada|Grace|Agency|Customer) /.test(l));
  expect(lines).toHaveLength(4);
  return lines.flatMap((l) => l.match(/\b[0-9a-f]{24}\b/g) ?? []);
}

describe("the simulator's ids", () => {
  it("are the same on every start with the same seed, and differ between seeds", async () => {
    const [first, other] = await Promise.all([printedIds("1"), printedIds("2")]);
    // The next start in a later second: ids holding the clock's time would differ from the first's.
    const done = Math.floor(Date.now() / 1000);
    while (Math.floor(Date.now() / 1000) <= done) await new Promise((r) => setTimeout(r, 20));
    const second = await printedIds("1");
    expect(first).toHaveLength(5); // Ada, Grace, Agency and its client, Customer
    expect(second).toEqual(first);
    expect(other).toHaveLength(5);
    for (const id of other) expect(first).not.toContain(id);
  });

  it("made after seeding carry the clock's time and sort after the seeded ones, all unique", async () => {
    const epoch = Date.UTC(2025, 0, 1) / 1000;
    const sim = await startSimulator({ seed: 7, idEpochSeconds: epoch });
    try {
      const seeded = [sim.world.addUser({ name: "A", email: "a@example.com" }).id, sim.world.addUser({ name: "B", email: "b@example.com" }).id];
      sim.idsFollowClock();
      const later = [sim.world.addUser({ name: "C", email: "c@example.com" }).id, sim.world.addUser({ name: "D", email: "d@example.com" }).id];
      const time = (id: string) => parseInt(id.slice(0, 8), 16);
      for (const id of seeded) expect(time(id)).toBe(epoch);
      for (const id of later) expect(time(id)).toBeGreaterThan(epoch);
      const all = [...seeded, ...later];
      expect(new Set(all).size).toBe(all.length);
      expect([...all].sort()).toEqual(all);
    } finally {
      await sim.close();
    }
  });

  it("carry the clock's time when no epoch is pinned (tests and the demo)", async () => {
    const before = Math.floor(Date.now() / 1000);
    const sim = await startSimulator({ seed: 7 });
    try {
      const id = sim.world.addUser({ name: "A", email: "a@example.com" }).id;
      expect(parseInt(id.slice(0, 8), 16)).toBeGreaterThanOrEqual(before);
    } finally {
      await sim.close();
    }
  });
});
