import { describe, expect, it } from "vitest";
import { logInstant, nextCursor } from "../../src/webhooks/health/check.js";
import { afterPut, afterPutRefused, findUnhealthy, firstRepairStep, problemOf, repairFields, type Problem } from "../../src/webhooks/health/decide.js";
import { recoverFromLogs, type RecoveryInput } from "../../src/webhooks/health/recover.js";
import { repairAlert, type RepairResult } from "../../src/webhooks/health/repair.js";
import { PULL_EVENT } from "../../src/webhooks/events.js";
import { interpretBody } from "../../src/webhooks/intake.js";
import { OTHER_USER, WS, entryBody, projectBody, testConfig, type Json } from "./harness.js";

const pairs = testConfig().pairs;

describe("problemOf: which webhooks do not deliver", () => {
  const cases: [string, { enabled?: boolean | null; deliveryEnabled?: boolean | null; planEnabled?: boolean | null }, Problem | null][] = [
    ["all true", { enabled: true, deliveryEnabled: true, planEnabled: true }, null],
    ["fields missing (an answer without them)", {}, null],
    ["null fields", { enabled: null, deliveryEnabled: null }, null],
    ["switched off", { enabled: false, deliveryEnabled: true }, "disabled"],
    ["Clockify gave up delivering", { enabled: true, deliveryEnabled: false }, "undelivered"],
    ["both: enabled first", { enabled: false, deliveryEnabled: false }, "disabled"],
    ["over the plan: nothing else matters", { enabled: false, planEnabled: false }, "plan"],
  ];
  it.each(cases)("%s", (_name, hook, expected) => expect(problemOf(hook)).toBe(expected));
});

describe("findUnhealthy", () => {
  const row = (id: string, eventType = "NEW_TIME_ENTRY") => ({ workspaceId: WS.SRC, eventType, clockifyWebhookId: id, url: "https://x/webhooks/clockify" });
  const hook = (id: string, extra: Record<string, boolean> = {}) => ({ id, url: "https://x/webhooks/clockify", webhookEvent: "NEW_TIME_ENTRY", ...extra });
  it("the service's rows whose webhook is listed as not delivering, or gone though a pair needs it; foreign ones are not repairs", () => {
    const found = findUnhealthy(
      [hook("ok"), hook("off", { enabled: false }), hook("stuck", { deliveryEnabled: false }), hook("foreign", { enabled: false })],
      [row("ok"), row("off"), row("stuck"), row("gone"), row("unneeded", "NEW_PROJECT")],
      new Set(["NEW_TIME_ENTRY"]),
    );
    expect(found.map((f) => [f.registration.clockifyWebhookId, f.problem])).toEqual([
      ["off", "disabled"],
      ["stuck", "undelivered"],
      ["gone", "missing"],
    ]);
    expect(found[2]?.hook).toBeNull();
    expect(found[1]?.reason).toMatch(/deliveryEnabled: false/);
  });
});

describe("what a repair does", () => {
  const cases: [string, Problem, boolean, string][] = [
    ["switched off, may repair", "disabled", true, "put"],
    ["undelivered, may repair", "undelivered", true, "put"],
    ["autoRepair false", "undelivered", false, "none"],
    ["plan limit: nothing to do", "plan", true, "none"],
    ["gone from Clockify: straight to a re-create", "missing", true, "recreate"],
    ["gone, autoRepair false", "missing", false, "none"],
  ];
  it.each(cases)("%s", (_name, problem, mayRepair, kind) => expect(firstRepairStep({ problem }, mayRepair).kind).toBe(kind));

  const answers: [string, Record<string, boolean>, string][] = [
    ["the PUT brought delivery back", { enabled: true, deliveryEnabled: true }, "done"],
    ["still not delivering after the PUT", { enabled: true, deliveryEnabled: false }, "recreate"],
    ["the PUT ignored enabled", { enabled: false, deliveryEnabled: true }, "recreate"],
  ];
  it.each(answers)("afterPut: %s", (_name, answer, expected) => expect(afterPut(answer)).toBe(expected));

  const refusals: [string, number, string][] = [
    ["a field the host does not take", 400, "recreate"],
    ["unprocessable", 422, "recreate"],
    ["gone meanwhile", 404, "recreate"],
    ["the key may not", 403, "fail"],
    ["the key is wrong", 401, "fail"],
    ["rate limited", 429, "fail"],
    ["a server error", 503, "fail"],
    ["no answer", 0, "fail"],
  ];
  it.each(refusals)("afterPutRefused: %s (%i)", (_name, status, expected) => expect(afterPutRefused(status)).toBe(expected));

  it("repairFields: the pairs' scope when known, the webhook's own otherwise", () => {
    const finding = {
      registration: { workspaceId: WS.SRC, eventType: "NEW_TIME_ENTRY", clockifyWebhookId: "h1", url: "https://x/webhooks/clockify" },
      hook: { id: "h1", url: "https://x/webhooks/clockify/", webhookEvent: "NEW_TIME_ENTRY", triggerSourceType: "USER_ID", triggerSource: ["u1"] },
    };
    expect(repairFields(finding, undefined)).toEqual({ url: "https://x/webhooks/clockify", webhookEvent: "NEW_TIME_ENTRY", triggerSourceType: "USER_ID", triggerSource: ["u1"] });
    const spec = { event: "NEW_TIME_ENTRY" as const, triggerSourceType: "USER_ID" as const, triggerSource: ["u1", "u2"] };
    expect(repairFields(finding, spec).triggerSource).toEqual(["u1", "u2"]);
  });

  it("repairAlert: what was wrong and what was done, in every outcome", () => {
    const base: RepairResult = { workspaceId: "ws1", event: "NEW_TIME_ENTRY", webhookId: "h1", reason: "disabled in Clockify", outcome: "re-enabled", newWebhookId: null, detail: null };
    expect(repairAlert(base)).toMatchObject({ level: "info", text: expect.stringMatching(/h1 \(NEW_TIME_ENTRY\).*disabled in Clockify; re-enabled it/) });
    expect(repairAlert({ ...base, outcome: "re-created", newWebhookId: "h2" }).text).toMatch(/re-created it as h2/);
    expect(repairAlert({ ...base, outcome: "left", detail: "webhooks.autoRepair is false" })).toMatchObject({ level: "error", text: expect.stringMatching(/not repaired: webhooks.autoRepair/) });
    expect(repairAlert({ ...base, outcome: "failed", detail: "boom" }).text).toMatch(/the repair failed: boom/);
  });
});

describe("recoverFromLogs: which failed log lines become which inbox events", () => {
  const line = (body: Json | string, statusCode: number | null, at: string, status = `st-${at}`) => ({
    id: `log-${at}`,
    webhookEventStatusId: status,
    requestBody: typeof body === "string" ? body : JSON.stringify(body),
    statusCode,
    respondedAt: `2026-12-03T10:00:${at}.000+00:00`,
  });
  const recover = (over: Partial<RecoveryInput>) =>
    recoverFromLogs({ logs: [], workspaceId: WS.SRC, eventType: "NEW_TIME_ENTRY", pairs, stored: () => false, newerThan: () => false, ...over });
  const shape = (events: { pairId: string; eventType: string; entityId: string; body: string }[]) =>
    events.map((e) => `${e.pairId}/${e.eventType}/${e.entityId}`);

  it("an entry's failed deliveries become one pull per pair, caused by the newest failed event", async () => {
    const e1 = entryBody({ id: "e1" });
    const r = await recover({ logs: [line(e1, 503, "02", "st-b"), line(e1, 500, "01", "st-a"), line(entryBody({ id: "e2" }), null, "03")] });
    // acme and globex both mirror Ada out of WS.SRC; the worker checks each pair's client.
    expect(shape(r.events)).toEqual([`acme/${PULL_EVENT}/e1`, `globex/${PULL_EVENT}/e1`, `acme/${PULL_EVENT}/e2`, `globex/${PULL_EVENT}/e2`]);
    expect(JSON.parse(r.events[0]?.body ?? "{}")).toEqual({ id: "e1", workspaceId: WS.SRC, cause: "webhook-log:st-b" });
  });

  it("skips successes, deliveries that got through later, users no pair mirrors and unreadable bodies", async () => {
    const delivered = entryBody({ id: "late" });
    // The keys its delivery got when it arrived on a later attempt.
    const arrived = interpretBody("NEW_TIME_ENTRY", JSON.stringify(delivered), { workspaces: new Set([WS.SRC]), events: null }, pairs);
    const keys = new Set(arrived.kind === "store" ? arrived.events.map((e) => e.dedupeKey) : []);
    const r = await recover({
      logs: [line(entryBody({ id: "fine" }), 200, "01"), line(delivered, 502, "02"), line(entryBody({ id: "bob", userId: OTHER_USER }), 500, "03"), line("not json", 500, "04")],
      stored: (key) => keys.has(key),
    });
    expect(r.events).toEqual([]);
    expect(r).toMatchObject({ alreadyStored: 1, notNeeded: 1, unreadable: 1 });
  });

  it("a deleted entry is pulled too: the worker finds it gone", async () => {
    const r = await recover({ eventType: "TIME_ENTRY_DELETED", logs: [line(entryBody({ id: "d1" }), 500, "01")] });
    expect(shape(r.events)).toEqual([`acme/${PULL_EVENT}/d1`, `globex/${PULL_EVENT}/d1`]);
  });

  it("a project's newest failed body becomes the delivery itself, unless the pair heard of the project since", async () => {
    const older = projectBody({ name: "Old" });
    const newer = projectBody({ name: "New" });
    const logs = [line(newer, 500, "05"), line(older, 500, "01")];
    const r = await recover({ workspaceId: WS.DST, eventType: "PROJECT_UPDATED", logs });
    expect(r.events.map((e) => `${e.pairId}/${e.eventType}/${(JSON.parse(e.body) as { name: string }).name}`)).toEqual(["acme/PROJECT_UPDATED/New", "initech/PROJECT_UPDATED/New"]);
    const heard = await recover({ workspaceId: WS.DST, eventType: "PROJECT_UPDATED", logs, newerThan: (pairId) => pairId === "acme" });
    expect(heard.events.map((e) => e.pairId)).toEqual(["initech"]);
  });
});

describe("the check's window", () => {
  it("instants are whole seconds in yyyy-MM-ddThh:mm:ssZ", () => {
    expect(logInstant(Date.UTC(2026, 11, 3, 10, 5, 7, 999))).toBe("2026-12-03T10:05:07Z");
  });
  const to = Date.UTC(2026, 11, 3, 11, 0, 0);
  const cases: [string, { respondedAt?: string | null }[], number, number][] = [
    ["a page not full: the window's end", [{ respondedAt: "2026-12-03T10:30:00.000+00:00" }], 2, to],
    ["a full page: the last line's second", [{ respondedAt: "2026-12-03T10:10:00.000+00:00" }, { respondedAt: "2026-12-03T10:20:30.500+00:00" }], 2, Date.UTC(2026, 11, 3, 10, 20, 30)],
    ["a full page without times: the window's end", [{ respondedAt: null }], 1, to],
    [
      "a page of the API's default 50 though 200 were asked (a host that caps it): the last line's second",
      Array.from({ length: 50 }, (_, i) => ({ respondedAt: `2026-12-03T10:${String(i).padStart(2, "0")}:00.000+00:00` })),
      200,
      Date.UTC(2026, 11, 3, 10, 49, 0),
    ],
    ["49 of 200: the window's end", Array.from({ length: 49 }, () => ({ respondedAt: "2026-12-03T10:00:00.000+00:00" })), 200, to],
  ];
  it.each(cases)("nextCursor: %s", (_name, lines, size, expected) => expect(nextCursor(to, lines, size)).toBe(expected));
});
