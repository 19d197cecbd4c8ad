import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { ClockifyClient, collect } from "../../src/clockify/index.js";
import { SIMULATOR_ROUTES } from "../../src/sandbox/index.js";
import { loadPatchedSpec, SpecValidator } from "../helpers/openapi.js";
import { startTwoWorkspaces, type TwoWorkspaces } from "../helpers/world.js";

// The simulator is only worth what its faithfulness is: its routes and answers, and the client's
// requests, must match Clockify's own OpenAPI document (with the live-API corrections applied).
let env: TwoWorkspaces;
let spec: SpecValidator;

beforeAll(async () => {
  spec = new SpecValidator(loadPatchedSpec());
  env = await startTwoWorkspaces({ recordBodies: true });
  await tour(env);
});
afterAll(async () => {
  await env.sim.close();
});

/** Drives every client method and every simulator route once, so the recorded traffic covers them all. */
async function tour({ sim, user, source, destination }: TwoWorkspaces): Promise<void> {
  const c = new ClockifyClient({ baseUrl: sim.apiBaseUrl, apiKey: user.apiKey, requestsPerSecond: 1000 });
  const ws = source.workspaceId;
  // Routes the service does not call but the simulator serves: still held to the spec.
  const raw = async (method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, json?: unknown) => {
    const res = await request(`${sim.apiBaseUrl}${path}`, {
      method,
      headers: { "x-api-key": user.apiKey, ...(json === undefined ? {} : { "content-type": "application/json" }) },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    await res.body.text();
    return res.statusCode;
  };
  await c.getCurrentUser();
  await c.listWorkspaces();
  await c.listUsers(ws);
  await c.listClients(ws);
  await c.getClient(ws, source.clientId);
  await c.getWorkspace(ws);
  await c.managedWorkspaceIds();
  env.sim.world.addCustomField(ws, { name: "Cost centre", required: false });
  await c.listCustomFields(ws);
  const project = await c.createProject(ws, {
    name: "Contract project",
    clientId: source.clientId,
    color: "#00AA11",
    billable: true,
    isPublic: false,
    note: "made by the contract test",
  });
  await c.listProjects(ws, { name: "Contract project", strictNameSearch: true, clientIds: [source.clientId] });
  await raw("GET", `/workspaces/${ws}/projects/${project.id}`);
  await c.updateProject(ws, project.id, { name: "Contract project 2", color: "#112233", archived: false });
  await raw("POST", `/workspaces/${ws}/projects/${project.id}/tasks`, { name: "Contract task" });
  const [task] = await c.listTasks(ws, project.id);
  await raw("POST", `/workspaces/${ws}/tags`, { name: "contract-tag" });
  const tag = (await c.listTags(ws)).find((t) => t.name === "contract-tag");
  const body = {
    start: "2026-03-01T09:00:00Z",
    end: "2026-03-01T10:00:00Z",
    description: "contract entry",
    billable: true,
    projectId: project.id,
    taskId: task!.id,
    tagIds: [tag!.id],
  };
  const entry = await c.createTimeEntry(ws, body);
  await c.createTimeEntryForUser(destination.workspaceId, user.id, { ...body, projectId: undefined, taskId: undefined, tagIds: [] });
  await c.updateTimeEntry(ws, entry.id, { ...body, description: "contract entry, edited" });
  await c.getTimeEntry(ws, entry.id);
  await collect(c.timeEntryPages(ws, user.id, { start: "2026-03-01T00:00:00Z", end: "2026-03-02T00:00:00Z", pageSize: 50 }));
  await collect(c.hydratedTimeEntryPages(ws, user.id, { pageSize: 50 }));
  await c.createTimeEntry(ws, { start: "2026-03-02T09:00:00Z", description: "running", billable: false, tagIds: [] });
  await collect(c.timeEntryPages(ws, user.id, { inProgress: true }));
  await raw("PATCH", `/workspaces/${ws}/user/${user.id}/time-entries`, { end: "2026-03-02T10:00:00Z" });
  const doomed = await c.createTimeEntry(ws, { start: "2026-03-03T09:00:00Z", end: "2026-03-03T10:00:00Z", description: "bulk", billable: false, tagIds: [] });
  await raw("DELETE", `/workspaces/${ws}/user/${user.id}/time-entries?time-entry-ids=${doomed.id}`);
  await c.deleteTimeEntry(ws, entry.id);
  const hook = await c.createWebhook(ws, {
    url: "http://127.0.0.1:9/unused",
    webhookEvent: "NEW_TIME_ENTRY",
    triggerSourceType: "USER_ID",
    triggerSource: [user.id],
    name: "contract",
  });
  await c.listWebhooks(ws);
  await c.regenerateWebhookToken(ws, hook.id);

  await raw("GET", `/workspaces/${ws}`);
  const clientAnswer = await request(`${sim.apiBaseUrl}/workspaces/${ws}/clients`, {
    method: "POST",
    headers: { "x-api-key": user.apiKey, "content-type": "application/json" },
    body: JSON.stringify({ name: "Contract client" }),
  });
  const createdClient = (await clientAnswer.body.json()) as { id: string };
  await raw("GET", `/workspaces/${ws}/clients/${createdClient.id}`);
  await raw("GET", `/workspaces/${ws}/projects/${project.id}/tasks/${task!.id}`);
  await raw("GET", `/workspaces/${ws}/webhooks/${hook.id}`);
  await raw("PUT", `/workspaces/${ws}/webhooks/${hook.id}`, {
    url: "http://127.0.0.1:9/unused2",
    webhookEvent: "NEW_TIME_ENTRY",
    triggerSourceType: "USER_ID",
    triggerSource: [user.id],
    name: "contract2",
  });
  const second = (ms: number) => new Date(ms).toISOString().slice(0, 19) + "Z";
  await c.searchWebhookLogs(ws, hook.id, { from: second(Date.now() - 3_600_000), to: second(Date.now() + 1000), status: "FAILED", sortByNewest: false }, { size: 50 });
  await c.listWebhookEventStatuses(ws, hook.id, { status: "FAILED" });
  await c.deleteWebhook(ws, hook.id);
  for (const kind of ["created", "updated", "deleted"] as const) {
    await c.entityChangesPage(ws, kind, { types: ["TIME_ENTRY"], start: new Date(Date.now() - 3_600_000), end: new Date(), page: 0, limit: 50 });
  }
  await c.updateProject(ws, project.id, { archived: true });
  await raw("DELETE", `/workspaces/${ws}/projects/${project.id}`);
}

describe("simulator against the official OpenAPI document", () => {
  it("serves only routes the spec has, with the same method", () => {
    const missing = SIMULATOR_ROUTES.filter((r) => !spec.operation(r.route, r.method)).map(
      (r) => `${r.method} ${r.route}`,
    );
    expect(missing).toEqual([]);
    expect(SIMULATOR_ROUTES.length).toBeGreaterThanOrEqual(25);
  });

  it("was exercised on every route it serves", () => {
    const seen = new Set(env.sim.stats.requests.map((r) => `${r.method} ${r.route}`));
    const unexercised = SIMULATOR_ROUTES.map((r) => `${r.method} ${r.route}`).filter((k) => !seen.has(k));
    expect(unexercised).toEqual([]);
  });

  it("answers with bodies that validate against the spec's response schemas", () => {
    const failures: string[] = [];
    let checked = 0;
    for (const r of env.sim.stats.requests) {
      // The change feed's /created and /updated are declared `type: string`, and the live answer to an
      // empty log is a bare [] (API-NOTES §11): its shape is checked by the client's own schemas instead.
      if (r.status >= 300 || r.responseBody === undefined || r.route.includes("/entities/")) continue;
      const op = spec.operation(r.route, r.method);
      const declared = op?.responses?.[String(r.status)]?.content?.["application/json"]?.schema;
      if (!declared) {
        failures.push(`${r.method} ${r.route} answered ${r.status}, which the spec does not declare with a body`);
        continue;
      }
      checked++;
      for (const e of spec.checkResponse(r.route, r.method, r.status, r.responseBody)) {
        failures.push(`${r.method} ${r.route} ${r.status}: ${e}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(25);
  });

  it("receives request bodies from the client that validate against the spec's request schemas", () => {
    const failures: string[] = [];
    let checked = 0;
    for (const r of env.sim.stats.requests) {
      if (r.requestBody === undefined || r.method === "GET" || r.method === "DELETE") continue;
      checked++;
      for (const e of spec.checkRequest(r.route, r.method, r.requestBody)) failures.push(`${r.method} ${r.route}: ${e}`);
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it("rejects a body that breaks the spec (the validator can fail)", () => {
    expect(spec.checkRequest("/v1/workspaces/{workspaceId}/projects", "POST", { name: 5 })).not.toEqual([]);
    expect(
      spec.checkResponse("/v1/workspaces/{workspaceId}/time-entries/{id}", "GET", 200, { id: 1, timeInterval: {} }),
    ).not.toEqual([]);
  });
});
