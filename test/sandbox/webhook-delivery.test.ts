import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { call, Receiver, startWorld } from "./helpers.js";
import type { EntryBody, TestWorld } from "./helpers.js";

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/clockify/webhook-examples/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;

let w: TestWorld;
let receiver: Receiver;
beforeAll(async () => {
  w = await startWorld({ webhookRetryDelayMs: 20, webhookMaxAttempts: 3 });
});
afterAll(async () => {
  await w.sim.close();
});
beforeEach(async () => {
  receiver = await Receiver.start();
  for (const existing of w.sim.world.listWebhooks(w.ws)) {
    await call(w.sim, w.owner.apiKey, "DELETE", `/workspaces/${w.ws}/webhooks/${existing.id}`);
  }
  w.sim.deliveries.log.length = 0;
});
afterEach(async () => {
  await w.sim.deliveries.idle();
  await receiver.close();
});

function register(event: string, triggerSourceType = "WORKSPACE_ID", triggerSource: string[] = []): { id: string; authToken: string } {
  return w.sim.world.addWebhook(w.ws, { url: receiver.url, webhookEvent: event, triggerSourceType, triggerSource });
}

describe("webhook delivery", () => {
  it("POSTs a TIMER_STOPPED with Clockify's headers and the captured body shape", async () => {
    const hook = register("TIMER_STOPPED");
    const client = w.sim.world.addClient(w.ws, { name: "Kabisa" });
    const project = w.sim.world.addProject(w.ws, { name: "Persoonlijke Ontwikkeling", clientId: client.id });
    const task = w.sim.world.addTask(w.ws, project.id, { name: "Research" });
    const tag = w.sim.world.addTag(w.ws, { name: "learning" });
    await call(w.sim, w.member.apiKey, "POST", `/workspaces/${w.ws}/time-entries`, {
      start: "2026-04-21T06:51:17Z",
      description: "cloud practitioner",
      projectId: project.id,
      taskId: task.id,
      tagIds: [tag.id],
      billable: true,
    });
    await call(w.sim, w.member.apiKey, "PATCH", `/workspaces/${w.ws}/user/${w.member.id}/time-entries`, { end: "2026-04-21T06:51:43Z" });
    await w.sim.deliveries.idle();

    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(delivery?.headers).toMatchObject({
      "content-type": "application/json",
      "clockify-signature": hook.authToken,
      "clockify-webhook-event-type": "TIMER_STOPPED",
      "user-agent": "Vert.x-WebClient/4.2.5",
    });
    const body = JSON.parse(delivery?.body ?? "{}") as Record<string, unknown>;
    const real = fixture("TIMER_STOPPED.odoo-clockify.body.json");
    const keys = (o: unknown): string[] => Object.keys(o as object).sort();
    // Every key Clockify sent in the 2022 capture is present; the extras are the newer fields (type, kioskId).
    expect(keys(body)).toEqual(expect.arrayContaining(keys(real)));
    expect(keys(body).filter((k) => !keys(real).includes(k))).toEqual(["kioskId", "type"]);
    expect(keys(body.project)).toEqual(expect.arrayContaining(keys(real.project)));
    expect(keys(body.task)).toEqual(expect.arrayContaining(keys(real.task)));
    expect(keys(body.user)).toEqual(keys(real.user));
    expect(body).not.toHaveProperty("taskId");
    expect(body).not.toHaveProperty("tagIds");
    expect(body).toMatchObject({
      description: "cloud practitioner",
      userId: w.member.id,
      hourlyRate: null,
      costRate: null,
      customFieldValues: [],
      currentlyRunning: false,
      timeInterval: {
        start: "2026-04-21T06:51:17Z",
        end: "2026-04-21T06:51:43Z",
        duration: "PT26S",
        // Max Member lives in Europe/Belgrade: UTC+2 in April.
        timeZone: "Europe/Belgrade",
        offsetStart: 7200,
        zonedStart: "2026-04-21T08:51:17",
      },
      project: { id: project.id, name: "Persoonlijke Ontwikkeling", clientId: client.id, clientName: "Kabisa", duration: "PT26S" },
      task: { id: task.id, name: "Research", projectId: project.id },
      user: { id: w.member.id, name: "Max Member", status: "ACTIVE" },
      tags: [{ id: tag.id, name: "learning", workspaceId: w.ws, archived: false }],
    });
  });

  it("fires the event that matches each kind of change", async () => {
    for (const event of ["NEW_TIME_ENTRY", "NEW_TIMER_STARTED", "TIMER_STOPPED", "TIME_ENTRY_UPDATED", "TIME_ENTRY_DELETED"]) register(event);
    const base = `/workspaces/${w.ws}/time-entries`;
    const manual = await call<EntryBody>(w.sim, w.owner.apiKey, "POST", base, { start: "2026-05-01T09:00:00Z", end: "2026-05-01T10:00:00Z" });
    const timer = await call<EntryBody>(w.sim, w.owner.apiKey, "POST", base, { start: "2026-05-01T11:00:00Z" });
    await call(w.sim, w.owner.apiKey, "PUT", `${base}/${timer.body.id}`, { start: "2026-05-01T11:00:00Z", end: "2026-05-01T11:30:00Z" });
    await call(w.sim, w.owner.apiKey, "PUT", `${base}/${manual.body.id}`, { start: "2026-05-01T09:00:00Z", end: "2026-05-01T09:30:00Z", description: "edited" });
    await call(w.sim, w.owner.apiKey, "DELETE", `${base}/${manual.body.id}`);
    await w.sim.deliveries.idle();
    expect(receiver.events().sort()).toEqual(
      ["NEW_TIME_ENTRY", "NEW_TIMER_STARTED", "TIMER_STOPPED", "TIME_ENTRY_UPDATED", "TIME_ENTRY_DELETED"].sort(),
    );
    const deleted = receiver.received.find((r) => r.headers["clockify-webhook-event-type"] === "TIME_ENTRY_DELETED");
    // The delete carries the full final state, not just the id.
    expect(JSON.parse(deleted?.body ?? "{}")).toMatchObject({ id: manual.body.id, description: "edited", timeInterval: { duration: "PT30M" } });
  });

  it("fires project events with the flat project body", async () => {
    register("NEW_PROJECT");
    register("PROJECT_UPDATED");
    register("PROJECT_DELETED");
    const created = await call<{ id: string }>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/projects`, { name: "Evented" });
    await call(w.sim, w.owner.apiKey, "PUT", `/workspaces/${w.ws}/projects/${created.body.id}`, { archived: true });
    await call(w.sim, w.owner.apiKey, "DELETE", `/workspaces/${w.ws}/projects/${created.body.id}`);
    await w.sim.deliveries.idle();
    expect(receiver.events()).toEqual(["NEW_PROJECT", "PROJECT_UPDATED", "PROJECT_DELETED"]);
    expect(receiver.bodies()[1]).toMatchObject({ id: created.body.id, name: "Evented", archived: true, clientId: "", clientName: "" });
  });

  it("retries a non-2xx after the retry delay with a byte-identical body", async () => {
    register("NEW_TIME_ENTRY");
    receiver.statuses.push(500, 502);
    w.sim.world.createTimeEntry(w.ws, w.owner.id, { start: "2026-05-02T09:00:00Z", end: "2026-05-02T10:00:00Z" }, { emit: true });
    await w.sim.deliveries.idle();
    expect(receiver.received).toHaveLength(3);
    const [first, second, third] = receiver.received;
    expect(second?.body).toBe(first?.body);
    expect(third?.body).toBe(first?.body);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(15);
    expect(w.sim.deliveries.log.map((l) => [l.attempt, l.status])).toEqual([
      [1, 500],
      [2, 502],
      [3, 200],
    ]);
  });

  it("gives up after webhookMaxAttempts", async () => {
    register("NEW_TIME_ENTRY");
    receiver.statuses.push(503, 503, 503, 503);
    w.sim.world.createTimeEntry(w.ws, w.owner.id, { start: "2026-05-03T09:00:00Z", end: "2026-05-03T10:00:00Z" }, { emit: true });
    await w.sim.deliveries.idle();
    expect(receiver.received).toHaveLength(3);
  });

  it("retries after a network error", async () => {
    const dead = await Receiver.start();
    const url = dead.url;
    await dead.close();
    w.sim.world.addWebhook(w.ws, { url, webhookEvent: "NEW_TIME_ENTRY", triggerSourceType: "WORKSPACE_ID", triggerSource: [] });
    w.sim.world.createTimeEntry(w.ws, w.owner.id, { start: "2026-05-04T09:00:00Z", end: "2026-05-04T10:00:00Z" }, { emit: true });
    await w.sim.deliveries.idle();
    expect(w.sim.deliveries.log.map((l) => l.attempt)).toEqual([1, 2, 3]);
    expect(w.sim.deliveries.log.every((l) => l.error !== undefined && l.status === undefined)).toBe(true);
  });

  it("sends USER_ID webhooks only for the listed users' entries", async () => {
    register("NEW_TIME_ENTRY", "USER_ID", [w.member.id]);
    const mine = w.sim.world.createTimeEntry(w.ws, w.member.id, { start: "2026-05-05T09:00:00Z", end: "2026-05-05T10:00:00Z" }, { emit: true });
    w.sim.world.createTimeEntry(w.ws, w.owner.id, { start: "2026-05-05T09:00:00Z", end: "2026-05-05T10:00:00Z" }, { emit: true });
    await w.sim.deliveries.idle();
    expect(receiver.bodies().map((b) => b.id)).toEqual([mine.id]);
  });

  it("sends PROJECT_ID webhooks only for entries of those projects", async () => {
    const watched = w.sim.world.addProject(w.ws, { name: "Watched" });
    const other = w.sim.world.addProject(w.ws, { name: "Unwatched" });
    register("NEW_TIME_ENTRY", "PROJECT_ID", [watched.id]);
    const hit = w.sim.world.createTimeEntry(w.ws, w.owner.id, { start: "2026-05-06T09:00:00Z", end: "2026-05-06T10:00:00Z", projectId: watched.id }, { emit: true });
    w.sim.world.createTimeEntry(w.ws, w.owner.id, { start: "2026-05-06T10:00:00Z", end: "2026-05-06T11:00:00Z", projectId: other.id }, { emit: true });
    await w.sim.deliveries.idle();
    expect(receiver.bodies().map((b) => b.id)).toEqual([hit.id]);
  });

  it("does not fire for world changes without emit", async () => {
    register("NEW_TIME_ENTRY");
    w.sim.world.createTimeEntry(w.ws, w.owner.id, { start: "2026-05-07T09:00:00Z", end: "2026-05-07T10:00:00Z" });
    await w.sim.deliveries.idle();
    expect(receiver.received).toHaveLength(0);
  });

  it("signs with the new token after regeneration, including retries already scheduled", async () => {
    const hook = register("NEW_TIME_ENTRY");
    receiver.statuses.push(500);
    w.sim.world.createTimeEntry(w.ws, w.owner.id, { start: "2026-05-08T09:00:00Z", end: "2026-05-08T10:00:00Z" }, { emit: true });
    const regenerated = await call<{ authToken: string }>(w.sim, w.owner.apiKey, "PATCH", `/workspaces/${w.ws}/webhooks/${hook.id}/token`);
    await w.sim.deliveries.idle();
    const signatures = receiver.received.map((r) => r.headers["clockify-signature"]);
    expect(signatures).toEqual([hook.authToken, regenerated.body.authToken]);
    expect(regenerated.body.authToken).not.toBe(hook.authToken);
  });
});
