/** Benchmark: a 429 storm. The whole product against a workspace limited to 5 requests a second. */
import { listDeadLetters } from "../../src/db/inbox.js";
import type { RequestRecord } from "../../src/sandbox/stats.js";
import { startMirror } from "../helpers/mirror.js";
import { fmt, log, sleep, type BenchTable } from "./common.js";

const LIMIT = 5;
const BURST = 500;
const WARM_UP_MS = 10_000;

/** The most requests that reached the simulator in one sliding second. */
function peakPerSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= 1000) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

export async function quotaBenchmark(): Promise<BenchTable> {
  // The default config (10/s per key, 50/s per workspace) against a workspace that allows 5/s: the
  // limiter has to learn the real limit from the 429s.
  const env = await startMirror({ clockify: { requestsPerSecond: 10 }, backoff: { baseDelayMs: 500, maxDelayMs: 30_000 } });
  try {
    const { world } = env.sim;
    const project = world.addProject(env.source.workspaceId, { name: "Storm", clientId: env.source.clientId });
    world.addProject(env.destination.workspaceId, { name: "Storm" });
    env.sim.faults.workspaceRateLimitPerSecond = LIMIT;
    env.sim.stats.reset();
    const base = Math.floor((Date.now() - 3 * 86_400_000) / 3_600_000) * 3_600_000;
    log(`quota: a burst of ${BURST} new entries, every workspace limited to ${LIMIT} requests/s`);
    const started = performance.now();
    for (let i = 0; i < BURST; i++) {
      world.createTimeEntry(
        env.source.workspaceId,
        env.user.id,
        { start: new Date(base + i * 60_000).toISOString(), end: new Date(base + i * 60_000 + 30_000).toISOString(), description: `storm ${i}`, projectId: project.id },
        { emit: true },
      );
    }
    while (world.countTimeEntries(env.destination.workspaceId) < BURST && performance.now() - started < 400_000) await sleep(200);
    await env.settle();
    const wallS = (performance.now() - started) / 1000;
    const destination = env.sim.stats.requests.filter((r) => r.workspaceId === env.destination.workspaceId);
    const after = (rs: readonly RequestRecord[]) => rs.filter((r) => r.at >= started + WARM_UP_MS);
    const tooMany = (rs: readonly RequestRecord[]) => rs.filter((r) => r.status === 429).length;
    const late = after(destination);
    const lateSpanS = late.length > 1 ? ((late.at(-1)?.at ?? 0) - (late[0]?.at ?? 0)) / 1000 : 1;
    const peak = peakPerSecond(late.map((r) => r.at));
    const copies = world.countTimeEntries(env.destination.workspaceId);
    return {
      title: "429 storm (adaptive limiter)",
      rows: [
        { metric: `destination requests/s after warm-up (${WARM_UP_MS / 1000} s): peak in any second / mean`, measured: `${peak} / ${fmt(late.length / lateSpanS, 2)}`, target: `peak ≤ ${LIMIT * 1.1} (limit ${LIMIT}, within 10%)`, pass: peak <= LIMIT * 1.1 },
        { metric: "429s: whole run / after warm-up", measured: `${tooMany(destination)} / ${tooMany(late)}`, target: "0 after warm-up", pass: tooMany(late) === 0 },
        { metric: "copies made / entries, dead letters, wall time", measured: `${copies} / ${BURST}, ${(await listDeadLetters(env.database)).length}, ${fmt(wallS, 1)} s (${fmt(BURST / wallS, 2)} entries/s)` },
      ],
      notes: [
        `The whole product in one process (test/helpers/mirror.ts) with the default limits (10 requests/s per key, 50/s per workspace) and the production backoff (500 ms doubling to 30 s); the simulator refuses with 429 beyond ${LIMIT} requests in any sliding second per workspace, as Clockify limits per workspace, and sends no Retry-After (API-NOTES §6).`,
        `Before this limiter (fixed 10/s per key), the same situation sent 10.5 requests/s and met 44 429s (issue 14).`,
      ],
    };
  } finally {
    await env.close();
  }
}
