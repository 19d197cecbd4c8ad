import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ClockifyClient,
  ClockifyError,
  collect,
  RateLimiterRegistry,
  type RequestEvent,
} from "../../src/clockify/index.js";
import { startTwoWorkspaces, type TwoWorkspaces } from "../helpers/world.js";

const fastRetries = { baseDelayMs: 1, maxDelayMs: 5 };
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

function client(extra: Partial<ConstructorParameters<typeof ClockifyClient>[0]> = {}) {
  return new ClockifyClient({
    baseUrl: env.sim.apiBaseUrl,
    apiKey: env.user.apiKey,
    requestsPerSecond: 1000,
    backoff: fastRetries,
    ...extra,
  });
}

const ENTRIES = "/v1/workspaces/{workspaceId}/user/{userId}/time-entries";

describe("ClockifyClient against the simulator", () => {
  it("reads the current user and workspaces", async () => {
    const c = client();
    const me = await c.getCurrentUser();
    expect(me.id).toBe(env.user.id);
    const workspaces = await c.listWorkspaces();
    expect(workspaces.map((w) => w.name).sort()).toEqual(["Agency", "Customer"]);
    const clients = await c.listClients(env.source.workspaceId);
    expect(clients.map((x) => x.name).sort()).toEqual(["Customer Co", "Someone Else"]);
    expect((await c.listUsers(env.source.workspaceId)).map((u) => u.id)).toContain(env.user.id);
  });

  it("works with a trailing slash on a regional-style base URL", async () => {
    const c = client({ baseUrl: `${env.sim.apiBaseUrl}/` });
    expect((await c.getCurrentUser()).id).toBe(env.user.id);
  });

  it("lists 12,000 entries with page-size 5000 in exactly 3 requests", async () => {
    const { world } = env.sim;
    const project = world.addProject(env.source.workspaceId, { name: "Paging", clientId: env.source.clientId });
    const base = Date.parse("2026-01-01T00:00:00Z");
    for (let i = 0; i < 12_000; i++) {
      world.createTimeEntry(env.source.workspaceId, env.user.id, {
        start: new Date(base + i * 60_000).toISOString(),
        end: new Date(base + i * 60_000 + 30_000).toISOString(),
        description: `entry ${i}`,
        projectId: project.id,
      });
    }
    env.sim.stats.reset();
    const pages: number[] = [];
    const ids = new Set<string>();
    for await (const page of client().timeEntryPages(env.source.workspaceId, env.user.id, { pageSize: 5000 })) {
      pages.push(page.length);
      for (const e of page) ids.add(e.id);
    }
    expect(pages).toEqual([5000, 5000, 2000]);
    expect(ids.size).toBe(12_000);
    expect(env.sim.stats.count({ method: "GET", route: ENTRIES })).toBe(3);
  });

  it("creates, replaces, reads and deletes an entry; a missing id reads as null", async () => {
    const c = client();
    const ws = env.source.workspaceId;
    const project = await c.createProject(ws, { name: "CRUD project", clientId: env.source.clientId });
    const tag = env.sim.world.addTag(ws, { name: "crud-tag" });
    const created = await c.createTimeEntry(ws, {
      start: "2026-02-01T09:00:00Z",
      end: "2026-02-01T10:00:00Z",
      description: "write tests",
      billable: true,
      projectId: project.id,
      tagIds: [tag.id],
    });
    expect(created.tagIds).toEqual([tag.id]);
    const replaced = await c.updateTimeEntry(ws, created.id, {
      start: "2026-02-01T09:00:00Z",
      end: "2026-02-01T11:00:00Z",
      description: "write more tests",
      billable: false,
      tagIds: [],
    });
    // Full replacement: the project we left out is gone.
    expect(replaced.projectId ?? null).toBeNull();
    expect(replaced.timeInterval.end).toBe("2026-02-01T11:00:00Z");
    const read = await c.getTimeEntry(ws, created.id);
    expect(read?.description).toBe("write more tests");
    await c.deleteTimeEntry(ws, created.id);
    expect(await c.getTimeEntry(ws, created.id)).toBeNull();
    // An id from the other workspace is "not found" here too (400/501 from Clockify).
    const foreign = await c.createTimeEntry(env.destination.workspaceId, {
      start: "2026-02-01T09:00:00Z",
      end: "2026-02-01T10:00:00Z",
      description: "elsewhere",
      billable: false,
      tagIds: [],
    });
    expect(await c.getTimeEntry(ws, foreign.id)).toBeNull();
  });

  it("finds projects by exact name under a client and updates them", async () => {
    const c = client();
    const ws = env.source.workspaceId;
    await c.createProject(ws, { name: "Website", clientId: env.source.clientId, color: "#FF0000" });
    await c.createProject(ws, { name: "Website", clientId: env.source.otherClientId });
    await c.createProject(ws, { name: "Website redesign", clientId: env.source.clientId });
    const found = await c.listProjects(ws, {
      name: "Website",
      strictNameSearch: true,
      clientIds: [env.source.clientId],
    });
    expect(found).toHaveLength(1);
    const [website] = found;
    expect(website?.clientId).toBe(env.source.clientId);
    const renamed = await c.updateProject(ws, website!.id, { name: "Web site" });
    expect(renamed.name).toBe("Web site");
    const task = env.sim.world.addTask(ws, website!.id, { name: "Design" });
    expect((await c.listTasks(ws, website!.id)).map((t) => t.id)).toEqual([task.id]);
  });

  it("registers, lists, re-keys and deletes webhooks", async () => {
    const c = client();
    const ws = env.destination.workspaceId;
    const hook = await c.createWebhook(ws, {
      url: "http://127.0.0.1:9/webhooks/clockify",
      webhookEvent: "NEW_PROJECT",
      triggerSourceType: "WORKSPACE_ID",
      triggerSource: [ws],
      name: "clockify-sync",
    });
    expect(hook.authToken).toMatch(/^[A-Za-z0-9]{32}$/);
    expect((await c.listWebhooks(ws)).map((h) => h.id)).toContain(hook.id);
    const rekeyed = await c.regenerateWebhookToken(ws, hook.id);
    expect(rekeyed.authToken).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(rekeyed.authToken).not.toBe(hook.authToken);
    await c.deleteWebhook(ws, hook.id);
    expect((await c.listWebhooks(ws)).map((h) => h.id)).not.toContain(hook.id);
  });
});

describe("errors and retries", () => {
  it("rejects an unknown key as unauthorized, without retrying and without echoing the key", async () => {
    const c = client({ apiKey: "definitely-not-a-key-0123456789" });
    const error = await c.getCurrentUser().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClockifyError);
    const e = error as ClockifyError;
    expect(e.status).toBe(401);
    expect(e.kind).toBe("unauthorized");
    expect(e.message).not.toContain("definitely-not-a-key");
    expect(env.sim.stats.count()).toBe(1);
  });

  it.each([429, 503])("retries HTTP %i and then succeeds", async (status) => {
    const events: RequestEvent[] = [];
    const c = client({ onRequest: (e) => events.push(e) });
    env.sim.faults.failNext(2, status);
    const me = await c.getCurrentUser();
    expect(me.id).toBe(env.user.id);
    expect(events.map((e) => e.status)).toEqual([status, status, 200]);
    expect(events.map((e) => e.attempt)).toEqual([0, 1, 2]);
    expect(env.sim.stats.count({ route: "/v1/user" })).toBe(3);
    expect(c.requestCount).toBe(3);
  });

  it("gives up after maxRetries with a typed server error", async () => {
    const c = client({ backoff: { ...fastRetries, maxRetries: 2 } });
    env.sim.faults.failNext(10, 503);
    const error = (await c.getCurrentUser().catch((e: unknown) => e)) as ClockifyError;
    expect(error).toBeInstanceOf(ClockifyError);
    expect(error.kind).toBe("server");
    expect(error.transient).toBe(true);
    expect(env.sim.stats.count({ route: "/v1/user" })).toBe(3);
  });

  it("never retries a 400 and reports Clockify's code and message", async () => {
    const c = client();
    const error = (await c
      .createProject(env.source.workspaceId, { name: "x", clientId: env.source.clientId })
      .catch((e: unknown) => e)) as ClockifyError;
    expect(error).toBeInstanceOf(ClockifyError);
    expect(error.status).toBe(400);
    expect(error.transient).toBe(false);
    expect(env.sim.stats.count({ method: "POST", route: "/v1/workspaces/{workspaceId}/projects" })).toBe(1);
  });

  it("a 400/501 on a write is an error, not a silent null", async () => {
    const c = client();
    const error = (await c
      .updateTimeEntry(env.source.workspaceId, "0123456789abcdef01234567", {
        start: "2026-02-01T09:00:00Z",
        billable: false,
        description: "",
        tagIds: [],
      })
      .catch((e: unknown) => e)) as ClockifyError;
    expect(error).toBeInstanceOf(ClockifyError);
    expect(error.status).toBe(400);
    expect(error.code).toBe(501);
  });
});

describe("network failures", () => {
  let server: Server;
  let requests = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      // The first two connections die mid-request, like a dropped proxy; then the API answers.
      if (requests <= 2) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "u1", name: "N", email: "n@example.com" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("retries dropped connections and times out slow answers", async () => {
    const port = (server.address() as AddressInfo).port;
    const c = new ClockifyClient({ baseUrl: `http://127.0.0.1:${port}/api/v1`, apiKey: "k", backoff: fastRetries });
    expect((await c.getCurrentUser()).id).toBe("u1");
    expect(requests).toBe(3);
  });

  it("does not send a create again after its answer was lost, but does resend a PUT", async () => {
    const dst = env.destination.workspaceId;
    const body = { start: "2030-06-01T08:00:00Z", end: "2030-06-01T09:00:00Z", description: "once", billable: false, tagIds: [] };
    let held = 0;
    env.sim.faults.delayWhen = (req) => (req.workspaceId === dst && held++ === 0 ? { afterMs: 200 } : undefined);
    const c = client({ timeoutMs: 50, backoff: fastRetries });
    const error = (await c.createTimeEntry(dst, body).catch((e: unknown) => e)) as ClockifyError;
    expect(error).toMatchObject({ kind: "network", mayHaveExecuted: true });
    const [made] = env.sim.world.listTimeEntries(dst).filter((e) => e.description === "once");
    expect(env.sim.world.listTimeEntries(dst).filter((e) => e.description === "once")).toHaveLength(1);

    held = 0;
    const updated = await c.updateTimeEntry(dst, made?.id ?? "", { ...body, description: "twice" });
    expect(updated.description).toBe("twice");
  });

  it("turns a timeout into a transient network error", async () => {
    env.sim.faults.latencyMs = 300;
    const c = client({ timeoutMs: 50, backoff: { ...fastRetries, maxRetries: 1 } });
    const error = (await c.getCurrentUser().catch((e: unknown) => e)) as ClockifyError;
    expect(error).toBeInstanceOf(ClockifyError);
    expect(error.kind).toBe("network");
    expect(error.status).toBe(0);
  });
});

describe("rate limiting", () => {
  it("holds the peak rate seen by the simulator within 10% of the setting", async () => {
    const rate = 20;
    const registry = new RateLimiterRegistry({ requestsPerSecond: rate });
    // Two clients on one key share one bucket, as two pairs with the same key would.
    const a = client({ limiter: registry.forKey(env.user.apiKey) });
    const b = client({ limiter: registry.forKey(env.user.apiKey) });
    await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).getCurrentUser()));
    const peak = env.sim.stats.peakRate(env.user.id, 1000);
    expect(peak).toBeLessThanOrEqual(rate * 1.1);
    expect(peak).toBeGreaterThanOrEqual(rate * 0.9);
  });

  it("recovers from the simulator's own 429s without losing a request", async () => {
    env.sim.faults.rateLimitPerSecond = 15;
    // Real backoff here: the simulator's window only frees up after a second.
    const c = client({ backoff: { baseDelayMs: 300, maxDelayMs: 3000, maxRetries: 8 } });
    const results = await Promise.all(Array.from({ length: 30 }, () => c.getCurrentUser()));
    expect(results).toHaveLength(30);
    expect(env.sim.stats.count({ status: 429 })).toBeGreaterThan(0);
    expect(env.sim.stats.count({ status: 200 })).toBe(30);
  });
});

describe("hydrated listing", () => {
  it("inlines project and tags", async () => {
    const ws = env.source.workspaceId;
    const { world } = env.sim;
    const project = world.addProject(ws, { name: "Hydrated", clientId: env.source.clientId });
    const tag = world.addTag(ws, { name: "hydrated-tag" });
    world.createTimeEntry(ws, env.user.id, {
      start: "2030-05-01T08:00:00Z",
      end: "2030-05-01T09:00:00Z",
      projectId: project.id,
      tagIds: [tag.id],
    });
    const entries = await collect(
      client().hydratedTimeEntryPages(ws, env.user.id, { start: "2030-05-01T00:00:00Z", end: "2030-05-02T00:00:00Z" }),
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]?.project?.name).toBe("Hydrated");
    expect(entries[0]?.tags?.map((t) => t.name)).toEqual(["hydrated-tag"]);
  });
});

describe("streamed pages", () => {
  const tag = (i: number) => ({ id: `t${i}`, name: `tag ${i}`, workspaceId: "w1", archived: false });
  let server: Server;
  let answers: ((res: ServerResponse) => void)[] = [];
  let requests = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests++;
      const answer = answers.shift();
      if (answer) answer(res);
      else res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const streamed = () =>
    new ClockifyClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`, apiKey: "k", backoff: fastRetries });

  it("retries a page whose body was cut off midway, and returns each item once", async () => {
    const whole = JSON.stringify([tag(1), tag(2), tag(3)]);
    requests = 0;
    answers = [
      (res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": String(whole.length) });
        res.write(whole.slice(0, whole.length / 2));
        setTimeout(() => res.destroy(), 20);
      },
      (res) => res.writeHead(200, { "content-type": "application/json" }).end(whole),
    ];
    expect((await streamed().listTags("w1")).map((t) => t.id)).toEqual(["t1", "t2", "t3"]);
    expect(requests).toBe(2);
  });

  it("names the item that does not match the schema, and does not retry it", async () => {
    requests = 0;
    answers = [(res) => res.writeHead(200).end(JSON.stringify([tag(1), { ...tag(2), name: 7 }]))];
    const error = (await streamed().listTags("w1").catch((e: unknown) => e)) as ClockifyError;
    expect(error).toMatchObject({ kind: "bad_response" });
    expect(error.message).toContain("1.name");
    expect(requests).toBe(1);
  });

  it("rejects a page that is not a JSON array", async () => {
    answers = [(res) => res.writeHead(200).end(JSON.stringify({ items: [tag(1)] }))];
    const error = (await streamed().listTags("w1").catch((e: unknown) => e)) as ClockifyError;
    expect(error).toMatchObject({ kind: "bad_response" });
    expect(error.message).toContain("not a JSON array");
  });
});
