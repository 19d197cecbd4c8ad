import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_DISABLE_AFTER_FAILED_EVENTS } from "../../src/sandbox/webhook-logs.js";
import { call, Receiver, startWorld } from "./helpers.js";
import type { TestWorld } from "./helpers.js";

interface LogDto {
  id: string;
  webhookId: string;
  webhookEventStatusId: string;
  requestBody: string;
  responseBody: string;
  statusCode: number | null;
  respondedAt: string;
}

interface StatusDto {
  id: string;
  status: string;
  retryCount: number;
  webhookLogId: string;
  statusCode: number | null;
}

let w: TestWorld;
let receiver: Receiver;
beforeAll(async () => {
  w = await startWorld({ webhookRetryDelayMs: 5, webhookMaxAttempts: 3 });
});
afterAll(async () => {
  await w.sim.close();
});
beforeEach(async () => {
  receiver = await Receiver.start();
  for (const existing of w.sim.world.listWebhooks(w.ws)) w.sim.world.setWebhookState(w.ws, existing.id, { enabled: false });
  w.sim.deliveries.disableAfterFailedEvents = DEFAULT_DISABLE_AFTER_FAILED_EVENTS;
});
afterEach(async () => {
  await w.sim.deliveries.idle();
  await receiver.close();
});

const logsPath = (id: string) => `/workspaces/${w.ws}/webhooks/${id}/logs`;

async function newEntry(description: string): Promise<string> {
  const entry = w.sim.world.createTimeEntry(w.ws, w.owner.id, { start: "2026-05-04T08:00:00Z", end: "2026-05-04T09:00:00Z", description }, { emit: true });
  await w.sim.deliveries.idle();
  return entry.id;
}

describe("webhook logs (POST /webhooks/{id}/logs, WebhookLogDtoV1)", () => {
  it("logs every attempt with its body and status; FAILED and SUCCEEDED filter them", async () => {
    const hook = w.sim.world.addWebhook(w.ws, { url: receiver.url, webhookEvent: "NEW_TIME_ENTRY" });
    receiver.statuses.push(503, 500);
    const id = await newEntry("first");

    const all = await call<LogDto[]>(w.sim, w.owner.apiKey, "POST", logsPath(hook.id), {});
    expect(all.status).toBe(200);
    expect(all.body.map((l) => l.statusCode)).toEqual([503, 500, 200]);
    expect(new Set(all.body.map((l) => l.webhookEventStatusId)).size).toBe(1);
    expect(all.body[0]).toMatchObject({ webhookId: hook.id, respondedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/) });
    expect((JSON.parse(all.body[0]?.requestBody ?? "{}") as { id: string }).id).toBe(id);
    // Byte for byte what was delivered.
    expect(all.body[2]?.requestBody).toBe(receiver.received[2]?.body);

    const failed = await call<LogDto[]>(w.sim, w.owner.apiKey, "POST", logsPath(hook.id), { status: "FAILED" });
    expect(failed.body.map((l) => l.statusCode)).toEqual([503, 500]);
    const ok = await call<LogDto[]>(w.sim, w.owner.apiKey, "POST", logsPath(hook.id), { status: "SUCCEEDED", sortByNewest: true });
    expect(ok.body.map((l) => l.statusCode)).toEqual([200]);
  });

  it("from/to bound the window, sortByNewest turns it round, page and size page it", async () => {
    const hook = w.sim.world.addWebhook(w.ws, { url: receiver.url, webhookEvent: "NEW_TIME_ENTRY" });
    for (const d of ["a", "b", "c"]) await newEntry(d);
    const descriptions = (logs: LogDto[]) => logs.map((l) => (JSON.parse(l.requestBody) as { description: string }).description);
    const newest = await call<LogDto[]>(w.sim, w.owner.apiKey, "POST", `${logsPath(hook.id)}?size=2`, { sortByNewest: true });
    expect(descriptions(newest.body)).toEqual(["c", "b"]);
    const second = await call<LogDto[]>(w.sim, w.owner.apiKey, "POST", `${logsPath(hook.id)}?size=2&page=2`, { sortByNewest: true });
    expect(descriptions(second.body)).toEqual(["a"]);
    const future = await call<LogDto[]>(w.sim, w.owner.apiKey, "POST", logsPath(hook.id), { from: "2099-01-01T00:00:00Z" });
    expect(future.body).toEqual([]);
    const past = await call<LogDto[]>(w.sim, w.owner.apiKey, "POST", logsPath(hook.id), { to: "2000-01-01T00:00:00Z" });
    expect(past.body).toEqual([]);
    const now = await call<LogDto[]>(w.sim, w.owner.apiKey, "POST", logsPath(hook.id), { from: "2000-01-01T00:00:00Z", to: "2099-01-01T00:00:00Z" });
    expect(descriptions(now.body)).toEqual(["a", "b", "c"]);
  });

  it("refuses a malformed search naming the field, and a member's key", async () => {
    const hook = w.sim.world.addWebhook(w.ws, { url: receiver.url, webhookEvent: "NEW_TIME_ENTRY" });
    const bad = await call<{ message: string }>(w.sim, w.owner.apiKey, "POST", logsPath(hook.id), { from: "yesterday" });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/from must be in yyyy-MM-ddThh:mm:ssZ/);
    const status = await call<{ message: string }>(w.sim, w.owner.apiKey, "POST", logsPath(hook.id), { status: "BROKEN" });
    expect(status.body.message).toMatch(/^status: /);
    const member = await call(w.sim, w.member.apiKey, "POST", logsPath(hook.id), {});
    expect(member.status).toBe(403);
  });
});

describe("event statuses (GET /webhooks/{id}/statuses)", () => {
  it("one per event with its latest log; filtered by statuses", async () => {
    const hook = w.sim.world.addWebhook(w.ws, { url: receiver.url, webhookEvent: "NEW_TIME_ENTRY" });
    receiver.statuses.push(500, 500, 500);
    await newEntry("fails");
    await newEntry("works");
    const all = await call<StatusDto[]>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/webhooks/${hook.id}/statuses`);
    expect(all.body.map((s) => [s.status, s.retryCount, s.statusCode])).toEqual([
      ["SUCCEEDED", 0, 200],
      ["FAILED", 2, 500],
    ]);
    const failed = await call<StatusDto[]>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/webhooks/${hook.id}/statuses?statuses=FAILED`);
    expect(failed.body).toHaveLength(1);
    const logs = await call<LogDto[]>(w.sim, w.owner.apiKey, "POST", logsPath(hook.id), { status: "FAILED" });
    expect(logs.body.at(-1)?.id).toBe(failed.body[0]?.webhookLogId);
  });
});

describe("repeated failed deliveries disable a webhook (a GUESS of the simulator)", () => {
  it("after disableAfterFailedEvents events in a row failed, deliveryEnabled is false and nothing more is sent; a PUT does not bring it back", async () => {
    w.sim.deliveries.disableAfterFailedEvents = 2;
    const hook = w.sim.world.addWebhook(w.ws, { url: receiver.url, webhookEvent: "NEW_TIME_ENTRY" });
    receiver.statuses.push(500, 500, 500, 200, 500, 500, 500, 500, 500, 500);
    await newEntry("fails once");
    await newEntry("works: the count starts over");
    await newEntry("fails, one");
    expect(w.sim.world.listWebhooks(w.ws).find((h) => h.id === hook.id)?.deliveryEnabled).toBe(true);
    await newEntry("fails, two");
    expect(w.sim.world.listWebhooks(w.ws).find((h) => h.id === hook.id)?.deliveryEnabled).toBe(false);
    const before = receiver.received.length;
    await newEntry("not sent");
    expect(receiver.received).toHaveLength(before);

    const body = { url: receiver.url, webhookEvent: "NEW_TIME_ENTRY", triggerSourceType: "WORKSPACE_ID", triggerSource: [], enabled: true };
    const put = await call<{ enabled: boolean; deliveryEnabled: boolean }>(w.sim, w.owner.apiKey, "PUT", `/workspaces/${w.ws}/webhooks/${hook.id}`, body);
    expect(put.body).toMatchObject({ enabled: true, deliveryEnabled: false });
  });

  it("a PUT with enabled true turns a switched-off webhook back on, with its token", async () => {
    const hook = w.sim.world.addWebhook(w.ws, { url: receiver.url, webhookEvent: "NEW_TIME_ENTRY" });
    w.sim.world.setWebhookState(w.ws, hook.id, { enabled: false });
    const body = { url: receiver.url, webhookEvent: "NEW_TIME_ENTRY", triggerSourceType: "WORKSPACE_ID", triggerSource: [], enabled: true };
    const put = await call<{ enabled: boolean; authToken: string }>(w.sim, w.owner.apiKey, "PUT", `/workspaces/${w.ws}/webhooks/${hook.id}`, body);
    expect(put.body).toMatchObject({ enabled: true, authToken: hook.authToken });
    await newEntry("delivered again");
    expect(receiver.received.at(-1)?.headers["clockify-signature"]).toBe(hook.authToken);
  });
});
