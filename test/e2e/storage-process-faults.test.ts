import { afterEach, describe, expect, it } from "vitest";
import { attachStrace, holdWriteLock, startProcessWorld, type ProcessWorld } from "./support/process-world.js";
import { waitUntil } from "./support/e2e.js";

/**
 * Faults injected into the real server process: an I/O error on every write (strace), another process
 * holding the write lock, and the fsyncs a power loss needs. The simulator stands in for Clockify and
 * redelivers every webhook the server did not answer 2xx, as Clockify does.
 */
let w: ProcessWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function healthz(url: string): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, ms: performance.now() - started };
}

/** Deliveries the simulator made to the server, by HTTP status. */
function deliveryStatuses(world: ProcessWorld): number[] {
  return world.sim.deliveries.log.map((d) => d.status ?? 0);
}

describe("the server process under storage faults", () => {
  it("survives EIO on every write: 503s and /healthz 503 while it lasts, each entry copied once after", async () => {
    w = await startProcessWorld();
    const world = w;
    world.entry("before 1");
    world.entry("before 2");
    await waitUntil("the first entries are mirrored", () => world.destinationDescriptions().length === 2, 20_000);

    const tracer = await attachStrace(world.server.pid, ["-e", "trace=pwrite64", "-e", "inject=pwrite64:error=EIO", "-o", "/dev/null"]);
    for (let i = 1; i <= 5; i++) world.entry(`during ${i}`);
    await waitUntil("deliveries are refused with 503", () => deliveryStatuses(world).filter((s) => s === 503).length >= 5);
    const broken = await healthz(world.server.url);
    expect(broken.status).toBe(503);
    expect(broken.body).toMatchObject({ status: "unhealthy", database: "failing" });
    expect(JSON.stringify(broken.body)).toContain("SQLITE_IOERR");

    await tracer.detach();
    world.entry("after 1");
    await waitUntil(
      "every entry is mirrored",
      () => world.destinationDescriptions().length === 8,
      20_000,
    );
    expect((await healthz(world.server.url)).status).toBe(200);
    expect(world.destinationDescriptions()).toEqual(
      ["after 1", "before 1", "before 2", "during 1", "during 2", "during 3", "during 4", "during 5"],
    );
    expect(world.server.child.exitCode).toBeNull();
    // One line when the problem began, one when it cleared: not a line per refused delivery.
    const lines = world.server.output().split("\n");
    expect(lines.filter((l) => l.includes("webhooks cannot be stored")).length).toBeLessThanOrEqual(2);
    expect(lines.some((l) => l.includes("database writes work again"))).toBe(true);
  });

  it("answers 503 fast while another process holds the write lock, and keeps /healthz answering", async () => {
    w = await startProcessWorld();
    const world = w;
    const lock = await holdWriteLock(world.server.databasePath);
    try {
      const started = performance.now();
      world.entry("while locked");
      await waitUntil("a delivery is refused", () => deliveryStatuses(world).includes(503), 5000);
      const refusedAfterMs = performance.now() - started;
      const health = await healthz(world.server.url);
      // Bounds on behaviour, not speed claims: before the fix one delivery took 5 s and froze the loop.
      expect(refusedAfterMs).toBeLessThan(2000);
      expect(health.ms).toBeLessThan(2000);
      expect(health.status).toBe(503);
    } finally {
      await lock.release();
    }
    await waitUntil("the entry is mirrored after the lock is gone", () => world.destinationDescriptions().length === 1, 20_000);
    expect((await healthz(world.server.url)).status).toBe(200);
    expect(world.server.child.exitCode).toBeNull();
  });

  it("fsyncs each acknowledged webhook before answering it", async () => {
    w = await startProcessWorld();
    const world = w;
    const tracer = await attachStrace(world.server.pid, ["-f", "-e", "trace=fsync,fdatasync"]);
    for (let i = 1; i <= 10; i++) {
      const acknowledged = deliveryStatuses(world).filter((s) => s === 200).length;
      world.entry(`durable ${i}`);
      await waitUntil(`delivery ${i} is acknowledged`, () => deliveryStatuses(world).filter((s) => s === 200).length > acknowledged);
    }
    await tracer.detach();
    const syncs = tracer.output().split("\n").filter((l) => /\b(fsync|fdatasync)\(/.test(l));
    expect(syncs.length).toBeGreaterThanOrEqual(10);
  });
});
