import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startWorld } from "./helpers.js";
import type { ErrorBody, TestWorld } from "./helpers.js";

let w: TestWorld;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w.sim.close();
});

describe("authentication and workspace access", () => {
  it("answers 401 code 1000 without a key and 401 code 4003 for an unknown key", async () => {
    const missing = await call<ErrorBody>(w.sim, undefined, "GET", "/user");
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe(1000);
    expect(typeof missing.body.message).toBe("string");
    const unknown = await call<ErrorBody>(w.sim, "not-a-key", "GET", `/workspaces/${w.ws}/projects`);
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe(4003);
  });

  it("identifies the key's user", async () => {
    const me = await call<{ id: string; name: string; activeWorkspace: string }>(w.sim, w.member.apiKey, "GET", "/user");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: w.member.id, name: "Max Member", activeWorkspace: w.ws });
  });

  it("lists only the workspaces the user belongs to", async () => {
    const list = await call<{ id: string }[]>(w.sim, w.member.apiKey, "GET", "/workspaces");
    expect(list.body.map((x) => x.id)).toEqual([w.ws]);
  });

  it("answers 403 Access Denied for a foreign or unknown workspace", async () => {
    const foreign = await call<ErrorBody>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.foreignWs}/projects`);
    expect(foreign.status).toBe(403);
    expect(foreign.body.message).toBe("Access Denied");
    const unknown = await call<ErrorBody>(w.sim, w.owner.apiKey, "GET", "/workspaces/0123456789abcdef01234567");
    expect(unknown.status).toBe(403);
  });

  it("answers 404 for an unknown route and 405 for a known path with the wrong method", async () => {
    expect((await call(w.sim, w.owner.apiKey, "GET", "/nothing/here")).status).toBe(404);
    // The live API has no workspace-wide entry listing (API-NOTES §8).
    const wrong = await call<ErrorBody>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/time-entries`);
    expect(wrong.status).toBe(405);
    expect(wrong.body.code).toBe(3000);
  });
});

describe("missing and foreign ids", () => {
  const ghost = "0123456789abcdef01234567";

  it("answers 400 code 501 for a missing time entry on GET, PUT and DELETE", async () => {
    const path = `/workspaces/${w.ws}/time-entries/${ghost}`;
    for (const [method, body] of [["GET"], ["PUT", { start: "2026-01-01T00:00:00Z" }], ["DELETE"]] as const) {
      const answer = await call<ErrorBody>(w.sim, w.owner.apiKey, method, path, body);
      expect(answer.status, method).toBe(400);
      expect(answer.body).toEqual({ message: "Time entry doesn't belong to Workspace", code: 501 });
    }
  });

  it("answers 400 code 501 for an entry of another workspace", async () => {
    const foreign = w.sim.world.createTimeEntry(w.foreignWs, w.outsider.id, {
      start: "2026-01-01T09:00:00Z",
      end: "2026-01-01T10:00:00Z",
    });
    const answer = await call<ErrorBody>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/time-entries/${foreign.id}`);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(501);
  });

  it("answers 400 code 501 for a missing project, task, client and webhook", async () => {
    const project = w.sim.world.addProject(w.ws, { name: "Known" });
    const paths = [
      `/workspaces/${w.ws}/projects/${ghost}`,
      `/workspaces/${w.ws}/projects/${project.id}/tasks/${ghost}`,
      `/workspaces/${w.ws}/clients/${ghost}`,
      `/workspaces/${w.ws}/webhooks/${ghost}`,
    ];
    for (const path of paths) {
      const answer = await call<ErrorBody>(w.sim, w.owner.apiKey, "GET", path);
      expect(answer.status, path).toBe(400);
      expect(answer.body.code, path).toBe(501);
      expect(answer.body.message, path).toMatch(/doesn't belong to Workspace/);
    }
  });

  it("rejects a reference to a missing project when creating an entry", async () => {
    const answer = await call<ErrorBody>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/time-entries`, {
      start: "2026-01-01T09:00:00Z",
      projectId: ghost,
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ message: "Project doesn't belong to Workspace", code: 501 });
  });
});

describe("request bodies", () => {
  it("answers 400 with a message for invalid JSON and for a wrongly typed field", async () => {
    const broken = await call<ErrorBody>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/projects`, "{not json");
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(/JSON/);
    const typed = await call<ErrorBody>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/projects`, { name: 5 });
    expect(typed.status).toBe(400);
    expect(typed.body.message).toMatch(/^name:/);
  });

  it("answers with keep-alive, not Connection: close", async () => {
    const answer = await call(w.sim, w.owner.apiKey, "GET", "/user");
    expect(answer.headers.connection).not.toBe("close");
  });
});
