import { afterEach, describe, expect, it } from "vitest";
import { apiUsageMinutes } from "../../src/db/api-usage.js";
import type { RunSummary } from "../../src/sync/reconcile/summary.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";
import { waitUntil } from "./support/e2e.js";

let m: MirrorEnv | undefined;
afterEach(async () => {
  await m?.close();
  m = undefined;
});

const PER_HOUR = 30;
const used = (env: MirrorEnv) => [...apiUsageMinutes(env.database, env.destination.workspaceId, 0).values()].reduce((a, b) => a + b, 0);

describe("an hourly budget on the destination workspace (a Free plan's 30 requests an hour)", () => {
  it("is shared by the reconciliation and webhook-driven writes: the run waits at its share and says until when, a new entry is still mirrored", async () => {
    m = await startMirror({ clockify: (env) => ({ workspaces: [{ workspaceId: env.destination.workspaceId, requestsPerHour: PER_HOUR }] }) });
    const env = m;
    const { world } = env.sim;
    const project = world.addProject(env.source.workspaceId, { name: "Website", clientId: env.source.clientId });
    world.addProject(env.destination.workspaceId, { name: "Website" });
    // Entries the webhooks never told about: the run has to create them, one request each, more than it may.
    for (let i = 0; i < 40; i++) {
      const day = String(1 + (i % 28)).padStart(2, "0");
      world.createTimeEntry(env.source.workspaceId, env.user.id, {
        start: `2026-11-${day}T0${i % 2 ? 9 : 7}:00:00Z`,
        end: `2026-11-${day}T0${i % 2 ? 9 : 7}:30:00Z`,
        description: `missed ${i}`,
        projectId: project.id,
      });
    }
    let finished: RunSummary[] | undefined;
    const run = env.service.reconcileNow("admin", "acme").then((summaries) => (finished = summaries));

    // Bulk work may use 80% of the hour (24 of 30), and then waits, saying until when.
    await waitUntil("the run waits for the budget", () => env.logs.some((line) => line.includes("waiting until")), 15_000);
    expect(used(env)).toBe(24);
    const wait = env.records().find((r) => String(r.msg).includes("waiting until"));
    expect(wait).toMatchObject({ workspaceId: env.destination.workspaceId, purpose: "bulk", used: 24, allowed: 24 });
    expect(Date.parse(String(wait?.until))).toBeGreaterThan(Date.now() + 50 * 60_000);

    // A person's new entry comes by webhook: it may use the rest of the hour, and is mirrored now.
    world.createTimeEntry(
      env.source.workspaceId,
      env.user.id,
      { start: "2026-12-01T10:00:00Z", end: "2026-12-01T11:00:00Z", description: "typed just now", projectId: project.id },
      { emit: true },
    );
    await waitUntil("the new entry is mirrored", () => world.listTimeEntries(env.destination.workspaceId).some((e) => e.description === "typed just now"), 15_000);
    expect(used(env)).toBeGreaterThan(24);
    expect(used(env)).toBeLessThanOrEqual(PER_HOUR);
    expect(finished).toBeUndefined();

    // Stopping ends the wait at once: the run fails with the reason and nothing more is sent.
    await env.service.stop();
    const [summary] = await run;
    expect(summary?.outcome).toBe("failed");
    expect(summary?.error, JSON.stringify(summary)).toContain("stopping");
    expect(used(env)).toBeLessThanOrEqual(PER_HOUR);
  }, 40_000);
});
