import { describe, expect, it } from "vitest";
import { parseConfig, type PairConfig } from "../../src/config/index.js";
import { workspaceKeys } from "../../src/webhooks/registration/access.js";
import { webhookLimit } from "../../src/webhooks/registration/limits.js";
import { neededWebhooks, WANTED_WEBHOOKS } from "../../src/webhooks/registration/needs.js";
import {
  planRegistrations,
  type ObservedWebhook,
  type ObservedWorkspace,
  type PlannedStep,
  type WorkspacePlan,
} from "../../src/webhooks/registration/plan.js";
import { checkWebhookUrl } from "../../src/webhooks/registration/url.js";

const URL_ = "https://sync.example.com/webhooks/clockify";

function pairs(...specs: [id: string, source: string, destination: string, user?: string][]): PairConfig[] {
  return parseConfig(
    {
      pairs: specs.map(([id, source, destination, user]) => ({
        id,
        source: { apiKey: `key-${id}-src`, workspaceId: source, userId: user ?? "u1", clientId: `client-${id}` },
        destination: { apiKey: `key-${id}-dst`, workspaceId: destination },
      })),
    },
    {},
  ).pairs;
}

const SOURCE_ORDER = [
  "NEW_TIME_ENTRY",
  "TIMER_STOPPED",
  "TIME_ENTRY_UPDATED",
  "TIME_ENTRY_DELETED",
  "TIME_ENTRY_RESTORED",
  "TIME_ENTRY_SPLIT",
  "NEW_PROJECT",
];
const DESTINATION_ORDER = ["NEW_PROJECT", "PROJECT_UPDATED"];

const events = (plan: WorkspacePlan, kind?: PlannedStep["kind"]) =>
  plan.steps.filter((s) => kind === undefined || s.kind === kind).map((s) => s.spec.event);
const byId = (plans: WorkspacePlan[], id: string) => {
  const plan = plans.find((p) => p.workspaceId === id);
  if (!plan) throw new Error(`no plan for ${id}`);
  return plan;
};

let hookIds = 0;
function hook(event: string, extra: Partial<ObservedWebhook> = {}): ObservedWebhook {
  return { id: `hook-${++hookIds}`, url: URL_, webhookEvent: event, ...extra };
}
function observed(partial: Partial<ObservedWorkspace>): ObservedWorkspace {
  return { plan: null, webhooks: [], registrations: [], keyOwnerId: null, ...partial };
}
const row = (h: ObservedWebhook) => ({ clockifyWebhookId: h.id, eventType: h.webhookEvent, url: h.url });

describe("which webhooks each workspace needs", () => {
  it.each([
    {
      name: "one pair: entry events in the source, project events in the destination",
      config: pairs(["a", "S1", "D1"]),
      expected: { S1: SOURCE_ORDER, D1: DESTINATION_ORDER },
    },
    {
      name: "two pairs sharing a source: one webhook per event, not one per pair",
      config: pairs(["a", "S1", "D1", "u1"], ["b", "S1", "D2", "u2"]),
      expected: { S1: SOURCE_ORDER, D1: DESTINATION_ORDER, D2: DESTINATION_ORDER },
    },
    {
      name: "two pairs sharing a destination",
      config: pairs(["a", "S1", "D1"], ["b", "S2", "D1"]),
      expected: { S1: SOURCE_ORDER, S2: SOURCE_ORDER, D1: DESTINATION_ORDER },
    },
    {
      name: "a workspace that is a destination of one pair and the source of another gets the union once, by value",
      config: pairs(["a", "S1", "M"], ["b", "M", "D2"]),
      expected: {
        S1: SOURCE_ORDER,
        M: [
          "NEW_TIME_ENTRY",
          "TIMER_STOPPED",
          "TIME_ENTRY_UPDATED",
          "TIME_ENTRY_DELETED",
          "NEW_PROJECT",
          "PROJECT_UPDATED",
          "TIME_ENTRY_RESTORED",
          "TIME_ENTRY_SPLIT",
        ],
        D2: DESTINATION_ORDER,
      },
    },
  ])("$name", ({ config, expected }) => {
    const needs = neededWebhooks(config);
    expect(Object.fromEntries(needs.map((n) => [n.workspaceId, n.webhooks.map((w) => w.event)]))).toEqual(expected);
    for (const need of needs) expect(new Set(need.webhooks.map((w) => w.event)).size).toBe(need.webhooks.length);
  });

  it("never asks for NEW_TIMER_STARTED: running timers are not mirrored", () => {
    const needs = neededWebhooks(pairs(["a", "S1", "D1"], ["b", "D1", "S1"]));
    expect(needs.flatMap((n) => n.webhooks.map((w) => w.event))).not.toContain("NEW_TIMER_STARTED");
    expect(WANTED_WEBHOOKS.map((v) => v.event)).not.toContain("NEW_TIMER_STARTED");
  });

  it("scopes entry webhooks to every pair user on that source, project webhooks to the workspace", () => {
    const config = pairs(["a", "S1", "D1", "u2"], ["b", "S1", "D2", "u1"], ["c", "S1", "D3", "u2"]);
    const [s1] = neededWebhooks(config);
    expect(s1?.sourceOf).toEqual(["a", "b", "c"]);
    for (const w of s1?.webhooks ?? []) {
      if (w.event === "NEW_PROJECT") expect(w).toMatchObject({ triggerSourceType: "WORKSPACE_ID", triggerSource: ["S1"] });
      else expect(w).toMatchObject({ triggerSourceType: "USER_ID", triggerSource: ["u1", "u2"] });
    }
    const d1 = neededWebhooks(config).find((n) => n.workspaceId === "D1");
    expect(d1?.webhooks.every((w) => w.triggerSourceType === "WORKSPACE_ID" && w.triggerSource[0] === "D1")).toBe(true);
  });

  it("--pair: only that pair's workspaces and events, with the scope still covering the other pairs' users", () => {
    const config = pairs(["a", "S1", "D1", "u1"], ["b", "S1", "D2", "u2"]);
    const needs = neededWebhooks(config, "b");
    expect(needs.map((n) => n.workspaceId)).toEqual(["S1", "D2"]);
    expect(needs[0]?.webhooks[0]).toMatchObject({ event: "NEW_TIME_ENTRY", triggerSource: ["u1", "u2"] });
    expect(() => neededWebhooks(config, "nope")).toThrow(/no pair "nope"/);
  });

  it("uses the source key for a source workspace and the destination key for a destination one", () => {
    const config = pairs(["a", "S1", "D1"], ["b", "D1", "D2"]);
    expect(workspaceKeys(config, "S1")).toEqual(["key-a-src"]);
    expect(workspaceKeys(config, "D1")).toEqual(["key-a-dst", "key-b-src"]);
    expect(workspaceKeys(config, "D1", "b")).toEqual(["key-b-src", "key-a-dst"]);
  });
});

describe("plan limits", () => {
  it.each([
    { plan: undefined, expected: { perWorkspace: null, perUser: null } },
    { plan: "", expected: { perWorkspace: null, perUser: null } },
    { plan: "FREE", expected: { perWorkspace: 3, perUser: null } },
    { plan: "BASIC", expected: { perWorkspace: 100, perUser: 10 } },
    { plan: "STANDARD_2021", expected: { perWorkspace: 100, perUser: 10 } },
    { plan: "PRO", expected: { perWorkspace: 100, perUser: 10 } },
    { plan: "ENTERPRISE_2021", expected: { perWorkspace: 300, perUser: 100 } },
  ])("$plan → $expected", ({ plan, expected }) => {
    expect(webhookLimit(plan)).toMatchObject(expected);
  });

  const one = pairs(["a", "S1", "D1"]);
  const plan = (workspace: string, state: Partial<ObservedWorkspace>, config = one) =>
    byId(planRegistrations({ pairs: config, url: URL_, observed: new Map([[workspace, observed(state)]]) }), workspace);

  it.each([
    {
      name: "FREE, empty: the three most valuable; the rest left out",
      state: { plan: "FREE" },
      create: ["NEW_TIME_ENTRY", "TIMER_STOPPED", "TIME_ENTRY_UPDATED"],
    },
    {
      name: "FREE, one other integration's webhook: two",
      state: { plan: "FREE", webhooks: [hook("NEW_CLIENT", { url: "https://zapier.example/hook" })] },
      create: ["NEW_TIME_ENTRY", "TIMER_STOPPED"],
    },
    {
      name: "FREE, full of other integrations: none",
      state: {
        plan: "FREE",
        webhooks: ["NEW_CLIENT", "NEW_TAG", "NEW_TASK"].map((e) => hook(e, { url: "https://other.example/x" })),
      },
      create: [],
    },
    { name: "PRO: all", state: { plan: "PRO" }, create: SOURCE_ORDER },
    { name: "plan unknown: all (Clockify's refusal is the limit)", state: {}, create: SOURCE_ORDER },
    {
      name: "PRO, the key's user already owns 8 webhooks here: two more",
      state: {
        plan: "PRO",
        keyOwnerId: "me",
        webhooks: Array.from({ length: 8 }, () => hook("NEW_TAG", { url: "https://other.example/x", userId: "me" })),
      },
      create: ["NEW_TIME_ENTRY", "TIMER_STOPPED"],
    },
  ])("$name", ({ state, create }) => {
    const p = plan("S1", state);
    expect(events(p, "create")).toEqual(create);
    expect(events(p, "left-out")).toEqual(SOURCE_ORDER.slice(create.length));
  });

  it("counts existing webhooks of ours and keeps them; the left-out reason names the plan and the count", () => {
    const mine = [hook("NEW_TIME_ENTRY"), hook("TIMER_STOPPED")];
    const other = hook("NEW_CLIENT", { url: "https://other.example/x" });
    const p = plan("S1", { plan: "FREE", webhooks: [...mine, other], registrations: mine.map(row) });
    expect(events(p, "keep")).toEqual(["NEW_TIME_ENTRY", "TIMER_STOPPED"]);
    expect(events(p, "create")).toEqual([]);
    expect(p.steps.find((s) => s.kind === "left-out")).toMatchObject({
      spec: { event: "TIME_ENTRY_UPDATED" },
      reason: "no room: the FREE plan allows 3 webhooks per workspace and 3 are in use, 1 of them from other integrations",
    });
    expect(p).toMatchObject({ inUse: 3, others: 1 });
  });

  it("a destination on FREE gets both project events", () => {
    expect(events(plan("D1", { plan: "FREE" }), "create")).toEqual(DESTINATION_ORDER);
  });
});

describe("idempotency against what Clockify and the table hold", () => {
  const config = pairs(["a", "S1", "D1", "u1"], ["b", "S1", "D2", "u2"]);
  const planS1 = (state: Partial<ObservedWorkspace>) =>
    byId(planRegistrations({ pairs: config, url: URL_, observed: new Map([["S1", observed(state)]]) }), "S1");
  const scoped = { triggerSourceType: "USER_ID", triggerSource: ["u1", "u2"] };

  it("keeps ours, adopts one at our URL that the table lacks, creates the rest", () => {
    const ours = hook("NEW_TIME_ENTRY", scoped);
    const unknown = hook("TIMER_STOPPED", scoped);
    const p = planS1({ webhooks: [ours, unknown], registrations: [row(ours)] });
    expect(p.steps.slice(0, 3)).toMatchObject([
      { kind: "keep", webhookId: ours.id },
      { kind: "adopt", webhookId: unknown.id },
      { kind: "create", spec: { event: "TIME_ENTRY_UPDATED" } },
    ]);
  });

  it("same event at another URL is not ours to reuse; same URL with another event neither", () => {
    const p = planS1({ webhooks: [hook("NEW_TIME_ENTRY", { url: "https://old.example/webhooks/clockify" }), hook("NEW_TAG")] });
    expect(events(p, "create")).toEqual(SOURCE_ORDER);
  });

  it("compares URLs in canonical form", () => {
    const h = hook("NEW_TIME_ENTRY", { ...scoped, url: "https://SYNC.example.com:443/webhooks/clockify" });
    expect(planS1({ webhooks: [h], registrations: [row(h)] }).steps[0]).toMatchObject({ kind: "keep" });
  });

  it("drops rows whose webhook Clockify no longer lists and creates it again", () => {
    const gone = hook("NEW_TIME_ENTRY");
    const p = planS1({ registrations: [row(gone)] });
    expect(p.staleRegistrations).toEqual([gone.id]);
    expect(p.steps[0]).toMatchObject({ kind: "create", spec: { event: "NEW_TIME_ENTRY" } });
  });

  it("a row whose webhook Clockify now lists under another event is adopted afresh, not trusted", () => {
    const changed = hook("NEW_TIME_ENTRY", scoped);
    const p = planS1({ webhooks: [changed], registrations: [{ ...row(changed), eventType: "TIMER_STOPPED" }] });
    expect(p.steps[0]).toMatchObject({ kind: "adopt", webhookId: changed.id });
  });

  it("replaces one whose user scope misses a pair's user; a workspace-wide one covers everybody", () => {
    const narrow = hook("NEW_TIME_ENTRY", { triggerSourceType: "USER_ID", triggerSource: ["u1"] });
    const wide = hook("TIMER_STOPPED", { triggerSourceType: "WORKSPACE_ID", triggerSource: ["S1"] });
    const byProject = hook("TIME_ENTRY_UPDATED", { triggerSourceType: "PROJECT_ID", triggerSource: ["p1"] });
    const p = planS1({ webhooks: [narrow, wide, byProject], registrations: [narrow, wide, byProject].map(row) });
    expect(p.steps.slice(0, 3)).toMatchObject([
      { kind: "replace", webhookId: narrow.id, why: "its user scope misses u2" },
      { kind: "keep", webhookId: wide.id },
      { kind: "replace", webhookId: byProject.id },
    ]);
  });

  it("reports a disabled webhook instead of touching it", () => {
    const off = hook("NEW_TIME_ENTRY", { ...scoped, deliveryEnabled: false });
    expect(planS1({ webhooks: [off], registrations: [row(off)] }).steps[0]).toMatchObject({
      kind: "keep",
      disabled: "Clockify stopped delivering it after too many failed attempts",
    });
  });

  it("notes duplicates, our webhooks at another URL, and ours that no pair needs", () => {
    const a = hook("NEW_TIME_ENTRY", scoped);
    const dup = hook("NEW_TIME_ENTRY", scoped);
    const old = hook("NEW_TIME_ENTRY", { url: "https://old.example/webhooks/clockify" });
    const started = hook("NEW_TIMER_STARTED");
    const p = planS1({ webhooks: [a, dup, old, started], registrations: [a, old, started].map(row) });
    expect(p.notes.join("\n")).toMatch(new RegExp(`1 more NEW_TIME_ENTRY webhook\\(s\\) at this URL \\(${dup.id}\\)`));
    expect(p.notes.join("\n")).toMatch(/remove --url https:\/\/old\.example\/webhooks\/clockify/);
    expect(p.notes.join("\n")).toMatch(/needed by no pair: NEW_TIMER_STARTED/);
  });
});

describe("the webhook URL", () => {
  it.each([
    { url: "https://sync.example.com/webhooks/clockify", ok: true, warning: false },
    { url: "https://sync.example.com/prefix/webhooks/clockify", ok: true, warning: false },
    { url: "http://localhost:8080/webhooks/clockify", ok: true, warning: false },
    { url: "http://127.0.0.1:8080/webhooks/clockify", ok: true, warning: false },
    { url: "http://sync.example.com/webhooks/clockify", ok: true, warning: true },
    { url: "https://sync.example.com/webhooks", ok: false },
    { url: "https://sync.example.com/webhooks/clockify/", ok: false },
    { url: "/webhooks/clockify", ok: false },
    { url: "ftp://sync.example.com/webhooks/clockify", ok: false },
    { url: "https://user:pw@sync.example.com/webhooks/clockify", ok: false },
  ])("$url", ({ url, ok, warning }) => {
    const checked = checkWebhookUrl(url);
    expect("error" in checked).toBe(!ok);
    if (!("error" in checked)) expect(checked.warning !== null).toBe(warning);
  });
});
