import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { Alerter } from "../../src/observability/alerts.js";
import { reconcileAll } from "../../src/sync/reconcile/all.js";
import { formatSummary, type RunSummary } from "../../src/sync/reconcile/summary.js";
import type { TwoWorkspaces } from "../helpers/world.js";
import { PAIR_ID, recentWindow, startHarness, writes, type Harness } from "./support.js";

// A pair whose config points somewhere wrong must stop before writing anything, and say so in words a
// person can act on: the pair, the side, the config field (and id), Clockify's answer and the fix.

const BAD_KEY = "not-a-clockify-key-0123456789abcdef";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A workspace of somebody else: it exists, the harness user is no member of it. */
function foreignWorkspace(env: TwoWorkspaces): string {
  const eve = env.sim.world.addUser({ name: "Eve", email: "eve@example.com" });
  return env.sim.world.addWorkspace({ name: "Elsewhere", ownerId: eve.id, plan: "PRO" }).id;
}

function sourceWith(env: TwoWorkspaces, patch: Record<string, string>) {
  return { source: { apiKey: env.user.apiKey, workspaceId: env.source.workspaceId, userId: env.user.id, clientId: env.source.clientId, ...patch } };
}

/** The run's error line, the printed summary and the log hold the same explanation and no key. */
function expectExplained(env: Harness, summary: RunSummary, parts: string[]): void {
  expect(summary.outcome).toBe("failed");
  const error = summary.error ?? "";
  for (const part of [`pair "${PAIR_ID}"`, "Fix: ", ...parts]) expect(error).toContain(part);
  expect(formatSummary(summary)).toContain(error);
  for (const text of [error, ...env.logs]) {
    expect(text).not.toContain(env.user.apiKey);
    expect(text).not.toContain(BAD_KEY);
  }
}

/** The destination has a project the source lacks: a working run would create it in the source. */
function projectToMirror(env: Harness): void {
  env.sim.world.addProject(env.destination.workspaceId, { name: "Alpha" });
}

describe("a pair that points at the wrong place stops before any write", () => {
  it("names source.workspaceId when the source workspace is not the key's", async () => {
    let foreign = "";
    h = await startHarness({ pair: (env) => sourceWith(env, { workspaceId: (foreign = foreignWorkspace(env)) }) });
    projectToMirror(h);

    const summary = await h.run();
    expectExplained(h, summary, [
      "source:",
      `source.workspaceId "${foreign}" is not reachable with the key in source.apiKey`,
      'HTTP 403 code 501 "Access Denied"',
      "check source.workspaceId",
      "member",
    ]);
    expect(writes(h.sim)).toEqual([]);
  });

  it("names destination.workspaceId when the destination workspace is not the key's", async () => {
    let foreign = "";
    h = await startHarness({ pair: (env) => ({ destination: { workspaceId: (foreign = foreignWorkspace(env)) } }) });
    h.sim.world.addProject(h.source.workspaceId, { name: "Alpha", clientId: h.source.clientId });

    const summary = await h.run();
    expectExplained(h, summary, [
      "destination:",
      `destination.workspaceId "${foreign}" is not reachable with the key in source.apiKey (destination.apiKey is not set`,
      'HTTP 403 code 501 "Access Denied"',
      "check destination.workspaceId",
    ]);
    expect(writes(h.sim)).toEqual([]);
  });

  it("names destination.apiKey when Clockify rejects the destination key, in the summary, the log and the alert", async () => {
    h = await startHarness({ pair: (env) => ({ destination: { workspaceId: env.destination.workspaceId, apiKey: BAD_KEY } }) });
    projectToMirror(h);

    const [summary] = await reconcileAll([h.runtime()], { trigger: "cli", windowDays: 30, ...recentWindow(), alerter: new Alerter(undefined, h.logger) });
    expect(summary).toBeDefined();
    expectExplained(h, summary!, ["destination:", "rejected the key in destination.apiKey", "HTTP 401", "Profile settings → API", "put it in destination.apiKey"]);
    expect(writes(h.sim)).toEqual([]);
    const lines = h.records();
    expect(lines.find((r) => r.msg === "reconciliation finished")?.error).toBe(summary!.error);
    const alert = lines.find((r) => r.problem === `reconcile-failed:${PAIR_ID}`);
    expect(alert?.msg).toContain(summary!.error);
  });

  it.each(["a client of another workspace", "a client id that does not exist"])(
    "names source.clientId for %s, with no POST or PUT, in a run and a dry run",
    async (which) => {
      let clientId = "0123456789abcdef01234567";
      h = await startHarness({
        pair: (env) => {
          if (which.startsWith("a client of")) clientId = env.sim.world.addClient(env.destination.workspaceId, { name: "Customer Co" }).id;
          return sourceWith(env, { clientId });
        },
      });
      projectToMirror(h);

      for (const dryRun of [true, false]) {
        const summary = await h.run({ dryRun });
        expectExplained(h, summary, [
          "source:",
          `source.clientId "${clientId}" is not a client of source.workspaceId "${h.source.workspaceId}"`,
          "HTTP 400 code 501",
          "set source.clientId to a client of that workspace",
        ]);
      }
      expect(writes(h.sim)).toEqual([]);
      expect(h.sim.world.listProjects(h.source.workspaceId)).toEqual([]);
    },
  );

  it("reads the client only when the run's project listing did not already show it", async () => {
    h = await startHarness();
    const run = await h.run();
    expect(run.outcome).toBe("succeeded");
    expect(h.sim.stats.count({ method: "GET", route: "/v1/workspaces/{workspaceId}/clients/{id}" })).toBe(1);
    h.sim.world.addProject(h.source.workspaceId, { name: "Alpha", clientId: h.source.clientId });
    h.sim.stats.reset();
    expect((await h.run()).outcome).toBe("succeeded");
    expect(h.sim.stats.count({ method: "GET", route: "/v1/workspaces/{workspaceId}/clients/{id}" })).toBe(0);
  });
});

describe("the simulator answers these mistakes as API-NOTES says", () => {
  const get = async (env: Harness, path: string, apiKey: string) => {
    const res = await request(`${env.sim.apiBaseUrl}${path}`, { headers: { "x-api-key": apiKey } });
    return { status: res.statusCode, body: (await res.body.json()) as { message?: string; code?: number } };
  };

  it("403 code 501 Access Denied for a foreign workspace, 401 for a bad key, 400 code 501 for a foreign client", async () => {
    h = await startHarness();
    const foreign = foreignWorkspace(h);
    const elsewhere = h.sim.world.addClient(h.destination.workspaceId, { name: "Customer Co" }).id;
    expect(await get(h, `/workspaces/${foreign}/projects`, h.user.apiKey)).toEqual({ status: 403, body: { message: "Access Denied", code: 501 } });
    expect((await get(h, `/workspaces/${h.source.workspaceId}/projects`, BAD_KEY)).status).toBe(401);
    const client = await get(h, `/workspaces/${h.source.workspaceId}/clients/${elsewhere}`, h.user.apiKey);
    expect(client).toMatchObject({ status: 400, body: { code: 501 } });
  });
});
