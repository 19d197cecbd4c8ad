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

interface WebhookBody {
  id: string;
  name: string;
  url: string;
  authToken: string;
  webhookEvent: string;
  triggerSourceType: string;
  triggerSource: string[];
  enabled: boolean;
}

const hook = (event: string, extra: Record<string, unknown> = {}) => ({
  url: "http://127.0.0.1:9/hook",
  webhookEvent: event,
  triggerSourceType: "WORKSPACE_ID",
  triggerSource: [],
  ...extra,
});

describe("webhook registration", () => {
  it("answers 201 with a fresh 32-char alphanumeric token", async () => {
    const a = await call<WebhookBody>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/webhooks`, hook("NEW_TIME_ENTRY", { name: "mirror" }));
    const b = await call<WebhookBody>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/webhooks`, hook("TIME_ENTRY_RESTORED"));
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ name: "mirror", webhookEvent: "NEW_TIME_ENTRY", triggerSourceType: "WORKSPACE_ID", enabled: true });
    expect(a.body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(a.body.authToken).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(b.body.authToken).not.toBe(a.body.authToken);
  });

  it("lists webhooks with the workspace count", async () => {
    const list = await call<{ webhooks: WebhookBody[]; workspaceWebhookCount: number }>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/webhooks`);
    expect(list.status).toBe(200);
    expect(list.body.workspaceWebhookCount).toBe(2);
    expect(list.body.webhooks.map((h) => h.webhookEvent).sort()).toEqual(["NEW_TIME_ENTRY", "TIME_ENTRY_RESTORED"]);
  });

  it("rejects unknown events, bad trigger types and names outside 2–30 chars", async () => {
    for (const body of [hook("NOT_AN_EVENT"), hook("NEW_TAG", { triggerSourceType: "CLIENT_ID" }), hook("NEW_TAG", { name: "x" })]) {
      const answer = await call<ErrorBody>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/webhooks`, body);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe(501);
    }
  });

  it("allows only owners and admins to manage webhooks", async () => {
    expect((await call(w.sim, w.member.apiKey, "GET", `/workspaces/${w.ws}/webhooks`)).status).toBe(403);
    expect((await call(w.sim, w.member.apiKey, "POST", `/workspaces/${w.ws}/webhooks`, hook("NEW_TAG"))).status).toBe(403);
    w.sim.world.addMember(w.ws, w.member.id, "ADMIN");
    expect((await call(w.sim, w.member.apiKey, "GET", `/workspaces/${w.ws}/webhooks`)).status).toBe(200);
    w.sim.world.addMember(w.ws, w.member.id, "MEMBER");
  });

  it("limits a FREE workspace to 3 webhooks", async () => {
    const path = `/workspaces/${w.foreignWs}/webhooks`;
    for (const event of ["NEW_TIME_ENTRY", "TIMER_STOPPED", "TIME_ENTRY_UPDATED"]) {
      expect((await call(w.sim, w.outsider.apiKey, "POST", path, hook(event))).status).toBe(201);
    }
    const fourth = await call<ErrorBody>(w.sim, w.outsider.apiKey, "POST", path, hook("TIME_ENTRY_DELETED"));
    expect(fourth.status).toBe(400);
    expect(fourth.body.code).toBe(501);
    expect(fourth.body.message).toMatch(/limit/i);
  });

  it("gets, updates, regenerates the token of and deletes a webhook", async () => {
    const created = await call<WebhookBody>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/webhooks`, hook("NEW_PROJECT"));
    const path = `/workspaces/${w.ws}/webhooks/${created.body.id}`;
    expect((await call<WebhookBody>(w.sim, w.owner.apiKey, "GET", path)).body.id).toBe(created.body.id);
    const updated = await call<WebhookBody>(w.sim, w.owner.apiKey, "PUT", path, hook("PROJECT_UPDATED", { url: "http://127.0.0.1:9/other" }));
    expect(updated.body).toMatchObject({ webhookEvent: "PROJECT_UPDATED", url: "http://127.0.0.1:9/other", authToken: created.body.authToken });
    const regenerated = await call<WebhookBody>(w.sim, w.owner.apiKey, "PATCH", `${path}/token`);
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.authToken).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(regenerated.body.authToken).not.toBe(created.body.authToken);
    const deleted = await call(w.sim, w.owner.apiKey, "DELETE", path);
    expect(deleted.status).toBe(200);
    expect((await call<ErrorBody>(w.sim, w.owner.apiKey, "GET", path)).status).toBe(400);
  });
});
