import { request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { call, Receiver, startWorld } from "./helpers.js";
import type { ErrorBody, TestWorld } from "./helpers.js";

let w: TestWorld;
beforeAll(async () => {
  w = await startWorld({ seed: 42 });
});
afterAll(async () => {
  await w.sim.close();
});
beforeEach(() => {
  w.sim.faults.reset();
});

const projects = (): string => `/workspaces/${w.ws}/projects`;

describe("API faults", () => {
  it("adds latencyMs before answering", async () => {
    w.sim.faults.latencyMs = 80;
    const started = performance.now();
    expect((await call(w.sim, w.owner.apiKey, "GET", "/user")).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it("fails the next n requests without doing the work", async () => {
    w.sim.faults.failNext(2, 502);
    const first = await call<ErrorBody>(w.sim, w.owner.apiKey, "POST", projects(), { name: "Never made" });
    const second = await call(w.sim, w.owner.apiKey, "GET", "/user");
    const third = await call(w.sim, w.owner.apiKey, "GET", "/user");
    expect([first.status, second.status, third.status]).toEqual([502, 502, 200]);
    expect(first.body).toMatchObject({ code: 502 });
    expect(typeof first.body.message).toBe("string");
    expect(w.sim.world.listProjects(w.ws).map((p) => p.name)).not.toContain("Never made");
  });

  it("answers errorStatus with probability errorRate, reproducibly for a seed", async () => {
    w.sim.faults.errorRate = 1;
    w.sim.faults.errorStatus = 500;
    expect((await call(w.sim, w.owner.apiKey, "GET", "/user")).status).toBe(500);

    const pattern = async (world: TestWorld): Promise<number[]> => {
      world.sim.faults.reset();
      world.sim.faults.errorRate = 0.5;
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await call(world.sim, world.owner.apiKey, "GET", "/user")).status);
      return statuses;
    };
    const twin = await startWorld({ seed: 42 });
    const fresh = await startWorld({ seed: 42 });
    try {
      const a = await pattern(fresh);
      const b = await pattern(twin);
      expect(a).toEqual(b);
      expect(a).toContain(503);
      expect(a).toContain(200);
    } finally {
      await twin.sim.close();
      await fresh.sim.close();
    }
  });

  it("fails exactly the requests failWhen picks", async () => {
    w.sim.faults.failWhen = (req) =>
      req.method === "POST" && req.route === "/v1/workspaces/{workspaceId}/projects" && req.apiKeyUserId === w.member.id ? 504 : undefined;
    expect((await call(w.sim, w.member.apiKey, "POST", projects(), { name: "Blocked" })).status).toBe(504);
    expect((await call(w.sim, w.owner.apiKey, "POST", projects(), { name: "Allowed" })).status).toBe(201);
    expect((await call(w.sim, w.member.apiKey, "GET", projects())).status).toBe(200);
  });

  it("delayWhen: afterMs executes at once and holds the answer; beforeMs drops what its client gave up on", async () => {
    const timedOut = async (name: string) => {
      const res = await request(`${w.sim.apiBaseUrl}${projects()}`, {
        method: "POST",
        headers: { "x-api-key": w.owner.apiKey, "content-type": "application/json" },
        body: JSON.stringify({ name }),
        signal: AbortSignal.timeout(40),
      }).catch((e: unknown) => e);
      expect(res).toMatchObject({ name: "TimeoutError" });
    };
    const names = () => w.sim.world.listProjects(w.ws).map((p) => p.name);
    w.sim.faults.delayWhen = (req) => (req.method === "POST" ? { afterMs: 120 } : undefined);
    await timedOut("Answer lost");
    expect(names()).toContain("Answer lost");
    w.sim.faults.delayWhen = (req) => (req.method === "POST" ? { beforeMs: 120 } : undefined);
    await timedOut("Request lost");
    await new Promise((r) => setTimeout(r, 150));
    expect(names()).not.toContain("Request lost");
    // A client that waits long enough gets the request executed and answered.
    w.sim.faults.delayWhen = () => ({ beforeMs: 20, afterMs: 20 });
    expect((await call(w.sim, w.owner.apiKey, "POST", projects(), { name: "Slow but fine" })).status).toBe(201);
    expect(names()).toContain("Slow but fine");
  });

  it("answers 429 over rateLimitPerSecond, per API key", async () => {
    w.sim.faults.rateLimitPerSecond = 5;
    const burst = await Promise.all(Array.from({ length: 12 }, () => call<ErrorBody>(w.sim, w.member.apiKey, "GET", "/user")));
    const statuses = burst.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    expect(burst.find((a) => a.status === 429)?.body).toEqual({ message: "Too many requests", code: 429 });
    expect((await call(w.sim, w.owner.apiKey, "GET", "/user")).status).toBe(200);
  });
});

describe("webhook faults", () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await Receiver.start();
    for (const hook of w.sim.world.listWebhooks(w.ws)) {
      await call(w.sim, w.owner.apiKey, "DELETE", `/workspaces/${w.ws}/webhooks/${hook.id}`);
    }
    w.sim.world.addWebhook(w.ws, { url: receiver.url, webhookEvent: "NEW_TIME_ENTRY", triggerSourceType: "WORKSPACE_ID", triggerSource: [] });
    w.sim.deliveries.log.length = 0;
    return async () => {
      await w.sim.deliveries.idle();
      await receiver.close();
    };
  });

  const emitEntries = (n: number, day: number): string[] =>
    Array.from({ length: n }, (_, i) => {
      const start = Date.UTC(2026, 5, day, 8 + i);
      return w.sim.world.createTimeEntry(w.ws, w.owner.id, { start, end: start + 600_000 }, { emit: true }).id;
    });

  it("drops deliveries at dropRate and logs them", async () => {
    w.sim.faults.webhook.dropRate = 1;
    const [id] = emitEntries(1, 1);
    await w.sim.deliveries.idle();
    expect(receiver.received).toHaveLength(0);
    expect(w.sim.deliveries.log).toEqual([expect.objectContaining({ entityId: id, attempt: 0, error: expect.stringMatching(/dropped/) })]);
  });

  it("duplicates deliveries at duplicateRate with the same body", async () => {
    w.sim.faults.webhook.duplicateRate = 1;
    emitEntries(1, 2);
    await w.sim.deliveries.idle();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]?.body).toBe(receiver.received[1]?.body);
  });

  it("holds deliveries for reorderWindowMs and sends them shuffled", async () => {
    w.sim.faults.webhook.reorderWindowMs = 40;
    const started = performance.now();
    const ids = emitEntries(8, 3);
    await w.sim.deliveries.idle();
    const got = receiver.bodies().map((b) => String(b.id));
    expect([...got].sort()).toEqual([...ids].sort());
    expect(got).not.toEqual(ids);
    expect((receiver.received[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(35);
  });

  it("delays each delivery by delayMs and idle() waits for it", async () => {
    w.sim.faults.webhook.delayMs = [60, 80];
    const started = performance.now();
    emitEntries(2, 4);
    expect(w.sim.deliveries.pending).toBeGreaterThan(0);
    await w.sim.deliveries.idle();
    expect(receiver.received).toHaveLength(2);
    for (const r of receiver.received) expect(r.at - started).toBeGreaterThanOrEqual(55);
  });
});
