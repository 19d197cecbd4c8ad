import { setTimeout as sleep } from "node:timers/promises";
import { request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { call, startWorld } from "./helpers.js";
import type { TestWorld } from "./helpers.js";

let w: TestWorld;
beforeAll(async () => {
  w = await startWorld({ recordBodies: true });
});
afterAll(async () => {
  await w.sim.close();
});
beforeEach(() => {
  w.sim.stats.reset();
});

describe("request stats", () => {
  it("counts by method, spec route template and status", async () => {
    await call(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/projects`);
    await call(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/projects?page=2`);
    await call(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/projects`, { name: "Counted" });
    await call(w.sim, undefined, "GET", "/user");
    const route = "/v1/workspaces/{workspaceId}/projects";
    expect(w.sim.stats.count()).toBe(4);
    expect(w.sim.stats.count({ route })).toBe(3);
    expect(w.sim.stats.count({ method: "GET", route, status: 200 })).toBe(2);
    expect(w.sim.stats.count({ status: 401 })).toBe(1);
    expect(w.sim.stats.byRoute()).toEqual({
      [`GET ${route} 200`]: 2,
      [`POST ${route} 201`]: 1,
      "GET /v1/user 401": 1,
    });
  });

  it("records the user, the query and (with recordBodies) both bodies", async () => {
    await call(w.sim, w.member.apiKey, "POST", `/workspaces/${w.ws}/projects?x=1`, { name: "Recorded" });
    const [record] = w.sim.stats.requests;
    expect(record).toMatchObject({
      method: "POST",
      route: "/v1/workspaces/{workspaceId}/projects",
      status: 201,
      userId: w.member.id,
      query: { x: "1" },
      requestBody: { name: "Recorded" },
      responseBody: expect.objectContaining({ name: "Recorded" }),
    });
    expect(typeof record?.at).toBe("number");
  });

  it("ignores simulator plumbing under /_sim", async () => {
    const res = await request(`${w.sim.url}/_sim/health`);
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect(w.sim.stats.count()).toBe(0);
  });

  it("reports the peak number of requests in a sliding window, per user or overall", async () => {
    await Promise.all(Array.from({ length: 6 }, () => call(w.sim, w.member.apiKey, "GET", "/user")));
    for (let i = 0; i < 3; i++) {
      await sleep(40);
      await call(w.sim, w.owner.apiKey, "GET", "/user");
    }
    expect(w.sim.stats.peakRate(w.member.id)).toBe(6);
    expect(w.sim.stats.peakRate(w.owner.id)).toBe(3);
    expect(w.sim.stats.peakRate(w.owner.id, 20)).toBe(1);
    expect(w.sim.stats.peakRate()).toBe(9);
    expect(w.sim.stats.peakRate("nobody")).toBe(0);
  });
});

describe("recordBodies off", () => {
  it("keeps no bodies", async () => {
    const lean = await startWorld();
    try {
      await call(lean.sim, lean.owner.apiKey, "POST", `/workspaces/${lean.ws}/projects`, { name: "Lean" });
      const [record] = lean.sim.stats.requests;
      expect(record?.status).toBe(201);
      expect(record).not.toHaveProperty("requestBody");
      expect(record).not.toHaveProperty("responseBody");
    } finally {
      await lean.sim.close();
    }
  });
});
