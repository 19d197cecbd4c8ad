import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ClockifyClient, RateLimiterRegistry } from "../../../src/clockify/index.js";
import type { RequestRecord } from "../../../src/sandbox/stats.js";
import { startTwoWorkspaces, type TwoWorkspaces } from "../../helpers/world.js";

let env: TwoWorkspaces;

beforeAll(async () => {
  env = await startTwoWorkspaces();
});
afterAll(async () => {
  await env.sim.close();
});
afterEach(() => {
  env.sim.faults.reset();
  env.sim.stats.reset();
});

/** The most requests (any answer) that reached the simulator in one sliding second from `from` on. */
function peakPerSecond(records: readonly RequestRecord[], from: number): number {
  const times = records.map((r) => r.at).filter((t) => t >= from).sort((a, b) => a - b);
  let peak = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while ((times[last] ?? 0) - (times[first] ?? 0) >= 1000) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

async function burst(client: ClockifyClient, count: number, concurrency: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      await client.listTags(env.source.workspaceId);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

describe("the adaptive limiter against a workspace limited below the configured rate", () => {
  it("learns the workspace's limit from its 429s: after warm-up it stays within 10% of it and the 429s stop", async () => {
    const limit = 8;
    env.sim.faults.workspaceRateLimitPerSecond = limit;
    // Configured above what the workspace allows, as a default config is against a limited workspace.
    const registry = new RateLimiterRegistry({ requestsPerSecond: 20, workspaceRequestsPerSecond: 50 });
    const client = new ClockifyClient({
      baseUrl: env.sim.apiBaseUrl,
      apiKey: env.user.apiKey,
      limiter: registry.forKey(env.user.apiKey),
      backoff: { maxRetries: 10, baseDelayMs: 50, maxDelayMs: 400 },
    });
    const started = performance.now();
    await burst(client, 70, 10);
    const records = env.sim.stats.requests;
    const warmedUp = started + 3000;
    const late = records.filter((r) => r.at >= warmedUp);
    const tooMany = (rs: readonly RequestRecord[]) => rs.filter((r) => r.status === 429).length;

    expect(tooMany(records)).toBeGreaterThan(0);
    expect(tooMany(late)).toBe(0);
    expect(peakPerSecond(records, warmedUp)).toBeLessThanOrEqual(limit * 1.1);
    expect(records.filter((r) => r.status === 200)).toHaveLength(70);
    const state = registry.states().find((s) => s.workspaceId === env.source.workspaceId);
    expect(state?.learnedLimit).toBe(limit);
    expect(state?.rate).toBeLessThanOrEqual(limit);
  }, 30_000);

  it("without 429s it sends at the configured rate (nothing learned, nothing lowered)", async () => {
    const registry = new RateLimiterRegistry({ requestsPerSecond: 20, workspaceRequestsPerSecond: 50 });
    const client = new ClockifyClient({ baseUrl: env.sim.apiBaseUrl, apiKey: env.user.apiKey, limiter: registry.forKey(env.user.apiKey) });
    await burst(client, 40, 10);
    expect(env.sim.stats.count({ status: 429 })).toBe(0);
    expect(registry.states().find((s) => s.workspaceId === env.source.workspaceId)?.learnedLimit).toBeUndefined();
    expect(peakPerSecond(env.sim.stats.requests, 0)).toBeGreaterThan(10);
  }, 30_000);
});
