import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { listDeadLetters } from "../../src/db/inbox.js";
import { startServiceHarness, type ServiceHarness } from "../helpers/harness.js";
import { registerMirrorWebhooks } from "../helpers/mirror.js";
import { acmeConfigFile, startTwoWorkspaces, type TwoWorkspaces } from "../helpers/world.js";

// The webhook path of a misconfigured pair: the event is dead-lettered with the same explanation a run
// gives (pair, side, config field, Clockify's answer, fix), and nothing is written on the way.

const BAD_KEY = "not-a-clockify-key-0123456789abcdef";
const PROJECT_CREATE = { method: "POST", route: "/v1/workspaces/{workspaceId}/projects" } as const;

interface Env extends TwoWorkspaces {
  harness: ServiceHarness;
  settle(): Promise<void>;
}

let env: Env | undefined;
afterEach(async () => {
  await env?.harness.close();
  await env?.sim.close();
  env = undefined;
});

/** The service listening with the mirror's webhooks, its pair shaped by `pair` over the world's ids. */
async function start(pair: (world: TwoWorkspaces) => Record<string, unknown>): Promise<Env> {
  const world = await startTwoWorkspaces({ webhookRetryDelayMs: 20 });
  const config = parseConfig(acmeConfigFile(world, pair(world)), {});
  const harness = await startServiceHarness({
    config,
    apiUrl: world.sim.apiBaseUrl,
    listen: true,
    prefix: "clockify-sync-misconfigured-",
    service: { worker: { pollMs: 20, retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 30 } } },
  });
  await registerMirrorWebhooks(world, harness.database, `${harness.base}/webhooks/clockify`);
  await harness.service.tokens.reload();
  return {
    ...world,
    harness,
    async settle() {
      for (let i = 0; i < 3; i++) {
        await world.sim.deliveries.idle();
        await new Promise((r) => setTimeout(r, 30));
        await harness.service.worker.idle();
      }
    },
  };
}

/** The one dead letter's reason, checked to be in the log too and free of keys. */
async function deadLetterReason(e: Env): Promise<string> {
  const dead = await listDeadLetters(e.harness.database, "acme");
  expect(dead).toHaveLength(1);
  const reason = dead[0]?.lastError ?? "";
  const logged = e.harness.records().find((r) => r.msg === "event dead-lettered");
  expect(logged?.err).toBe(reason);
  for (const text of [reason, ...e.harness.logs]) {
    expect(text).not.toContain(e.user.apiKey);
    expect(text).not.toContain(BAD_KEY);
  }
  return reason;
}

describe("a misconfigured pair on the webhook path", () => {
  it("refuses to create a source project under a client of another workspace, without the POST", async () => {
    let clientId = "";
    env = await start((w) => {
      clientId = w.sim.world.addClient(w.destination.workspaceId, { name: "Customer Co" }).id;
      return { source: { apiKey: w.user.apiKey, workspaceId: w.source.workspaceId, userId: w.user.id, clientId } };
    });
    env.sim.world.addProject(env.destination.workspaceId, { name: "Beta" }, { emit: true });
    await env.settle();

    const reason = await deadLetterReason(env);
    expect(reason).toContain(`pair "acme" source: source.clientId "${clientId}" is not a client of source.workspaceId "${env.source.workspaceId}"`);
    expect(reason).toContain("HTTP 400 code 501");
    expect(reason).toContain("Fix: set source.clientId");
    expect(env.sim.stats.count(PROJECT_CREATE)).toBe(0);
    expect(env.sim.stats.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(env.sim.world.listProjects(env.source.workspaceId)).toEqual([]);
  });

  it("names destination.apiKey when the destination refuses the key", async () => {
    env = await start((w) => ({ destination: { workspaceId: w.destination.workspaceId, apiKey: BAD_KEY } }));
    const project = env.sim.world.addProject(env.source.workspaceId, { name: "Alpha", clientId: env.source.clientId });
    env.sim.world.createTimeEntry(
      env.source.workspaceId,
      env.user.id,
      { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z", description: "work", projectId: project.id },
      { emit: true },
    );
    await env.settle();

    const reason = await deadLetterReason(env);
    expect(reason).toContain('pair "acme" destination: Clockify rejected the key in destination.apiKey');
    expect(reason).toContain("HTTP 401");
    expect(reason).toContain("Profile settings → API");
    expect(env.sim.stats.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });
});
