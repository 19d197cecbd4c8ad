import { describe, expect, it } from "vitest";
import { ClockifyError } from "../../src/clockify/errors.js";
import { parseConfig } from "../../src/config/index.js";
import type { PairFacts } from "../../src/doctor/facts.js";
import { judgePair } from "../../src/doctor/judge.js";
import type { ReconcileRun } from "../../src/db/schema.js";

const NOW = Date.parse("2026-12-03T12:00:00Z");
const CONTEXT = { now: NOW, silenceHours: 24, windowDays: 30 };
const ADA = { id: "u-ada", name: "Ada", email: "ada@example.com" };
const GRACE = { id: "u-grace", name: "Grace", email: "grace@example.com" };
/** What a users lookup by email answers: Clockify's filter matches substrings, so "joann@" comes with "ann@". */
const emails = (answers: Record<string, { id: string; email: string }[]>) => new Map(Object.entries(answers).map(([email, users]) => [email, ok(users)]));
const SETTINGS = { forceTasks: false, forceTags: false, forceDescription: false, forceProjects: false, lockTimeEntries: "" };
const requiring = (rules: Partial<typeof SETTINGS>) => facts({ destination: { workspace: workspace("ws-dst", "Customer", { workspaceSettings: { ...SETTINGS, ...rules } }) } });


interface PairOverrides {
  sourceUser?: string;
  destinationUser?: string;
  destinationKey?: string;
  destinationClient?: string;
  webhookSecrets?: string[];
  /** The `users` form instead of source.userId / destination.userId. */
  users?: { source: string; destination?: string }[];
  destinationDefaults?: Record<string, string>;
}

const pairOf = (overrides: PairOverrides = {}) => {
  const oneUser = overrides.users === undefined;
  const pair = parseConfig({
    pairs: [
      {
        id: "acme",
        source: { apiKey: "key-src", workspaceId: "ws-src", ...(oneUser ? { userId: overrides.sourceUser ?? "u-ada" } : {}), clientId: "c-1" },
        destination: { workspaceId: "ws-dst", apiKey: overrides.destinationKey ?? "key-dst", ...(overrides.destinationUser ? { userId: overrides.destinationUser } : {}), ...(overrides.destinationClient ? { clientId: overrides.destinationClient } : {}) },
        ...(overrides.users ? { users: overrides.users } : {}),
        ...(overrides.destinationDefaults ? { destinationDefaults: overrides.destinationDefaults } : {}),
        webhookSecrets: overrides.webhookSecrets ?? [],
      },
    ],
  }).pairs[0];
  if (!pair) throw new Error("no pair");
  return pair;
};

const refused = (status: number, code?: number) =>
  new ClockifyError(status === 401 ? "unauthorized" : status === 403 ? "forbidden" : "invalid", "GET", "/x", status, code, status === 401 ? "Full authentication is required" : "Access Denied");
const ok = <T>(value: T) => ({ ok: true as const, value });
const failed = (error: unknown) => ({ ok: false as const, error });
const workspace = (id: string, name: string, extra: Record<string, unknown> = {}) =>
  ok({ id, name, features: ["ADD_TIME_FOR_OTHERS"], memberships: [{ userId: "u-ada", membershipType: "WORKSPACE", membershipStatus: "ACTIVE" }, { userId: "u-grace", membershipType: "WORKSPACE", membershipStatus: "ACTIVE" }], workspaceSettings: null, ...extra });
const key = (user = ADA, managed = ["ws-src", "ws-dst"]) => ({ user: ok(user), managed: ok(new Set(managed)), visible: ok([{ id: "ws-src", name: "Agency", featureSubscriptionType: null }]) });

function facts(overrides: Partial<{ source: Partial<PairFacts["source"]>; destination: Partial<PairFacts["destination"]>; lastRun: ReconcileRun }> = {}): PairFacts {
  return {
    source: { key: key(), workspace: workspace("ws-src", "Agency"), clients: ok([{ id: "c-1", name: "Customer Co", archived: false }]), emails: new Map(), ...overrides.source } as PairFacts["source"],
    destination: { key: key(), workspace: workspace("ws-dst", "Customer"), customFields: ok([]), clients: ok([{ id: "dc-1", name: "Agency Ltd", archived: false }]), emails: new Map(), ...overrides.destination } as PairFacts["destination"],
    webhooks: [],
    lastRun: overrides.lastRun,
  };
}

const run = (outcome: ReconcileRun["outcome"], extra: Partial<ReconcileRun> = {}): ReconcileRun => ({
  id: 1, pairId: "acme", trigger: "schedule", windowStart: 0, windowEnd: 0, dryRun: false, startedAt: NOW - 3_600_000, finishedAt: NOW,
  outcome, created: 0, updated: 0, deleted: 0, adopted: 0, unchanged: 0, failed: 0, requests: 0, error: null, memberCounts: null, ...extra,
});

const cases: { name: string; pair?: PairOverrides; facts: PairFacts; expect: Record<string, string | RegExp> }[] = [
  { name: "all well", facts: facts(), expect: {} },
  { name: "a refused source key: one error, the workspace checks left out", facts: facts({ source: { key: { user: failed(refused(401)), managed: failed(refused(401)), visible: failed(refused(401)) }, workspace: null, clients: null } }), expect: { "source.key": /^error source key refused: Clockify answered HTTP 401.*Fix source\.apiKey/ } },
  { name: "a network failure is a warning, not an error", facts: facts({ source: { key: { user: failed(new ClockifyError("network", "GET", "/user", 0, undefined, "ECONNREFUSED")), managed: failed(null), visible: failed(null) }, workspace: null, clients: null } }), expect: { "source.key": /^warning could not check source\.apiKey: no answer from Clockify/ } },
  { name: "an unreachable destination workspace lists what the key can see", facts: facts({ destination: { workspace: failed(refused(403, 501)), customFields: null } }), expect: { "destination.workspace": /^error .*HTTP 403 code 501.*Fix destination\.workspaceId.*"Agency" ws-src/ } },
  { name: "a client not in the source workspace", facts: facts({ source: { clients: ok([{ id: "c-2", name: "Other", archived: false }]) } }), expect: { "source.client": /^error source client not found: source\.clientId c-1 .*"Other" c-2/ } },
  { name: "a destination client of the destination workspace", pair: { destinationClient: "dc-1" }, facts: facts(), expect: {} },
  { name: "no destination client configured: not checked, whatever the clients", facts: facts({ destination: { clients: ok([]) } }), expect: {} },
  {
    name: "a destination client not in the destination workspace",
    pair: { destinationClient: "c-1" },
    facts: facts(),
    expect: { "destination.client": /^error destination client not found: destination\.clientId c-1 is not a client of the destination workspace ws-dst .*Fix destination\.clientId.*"Agency Ltd" dc-1/ },
  },
  { name: "destination clients refused to the key", pair: { destinationClient: "dc-1" }, facts: facts({ destination: { clients: failed(refused(403)) } }), expect: { "destination.client": /^error destination clients not readable with destination\.apiKey: .*HTTP 403/ } },
  { name: "destination clients not answered", pair: { destinationClient: "dc-1" }, facts: facts({ destination: { clients: failed(new ClockifyError("network", "GET", "/clients", 0, undefined, "ECONNRESET")) } }), expect: { "destination.client": /^warning could not check destination\.clientId dc-1/ } },
  { name: "a source user who is not a member", pair: { sourceUser: "u-nobody" }, facts: facts(), expect: { "source.user": /^error source\.userId u-nobody is not a member of the source workspace "Agency"/, "destination.user": /^error destination\.userId u-nobody is not a member/ } },
  { name: "a member's key reading another member's entries", pair: { sourceUser: "u-grace" }, facts: facts({ source: { key: key(ADA, ["ws-dst"]) } }), expect: { "source.user": /^error source\.apiKey belongs to Ada.*cannot read the entries of source\.userId u-grace/ } },
  { name: "copies for another member without the feature", pair: { destinationUser: "u-grace" }, facts: facts({ destination: { workspace: workspace("ws-dst", "Customer", { features: [] }) } }), expect: { "destination.user": /^error the destination workspace "Customer" does not allow adding time for others/ } },
  { name: "required task and description", facts: requiring({ forceTasks: true, forceDescription: true, forceProjects: true }), expect: { "destination.required": /^warning .*requires a task, a description on every entry: copies of source entries without a task, a description would be refused.*Set destinationDefaults\.task and destinationDefaults\.descriptionPrefix/ } },
  { name: "a required tag without a default: refused copies foretold, the setting named", facts: requiring({ forceTags: true }), expect: { "destination.required": /^warning .*requires a tag on every entry: copies of source entries without a tag would be refused.*Set destinationDefaults\.tag in the pair/ } },
  { name: "a required tag with destinationDefaults.tag passes", pair: { destinationDefaults: { tag: "agency" } }, facts: requiring({ forceTags: true }), expect: {} },
  { name: "a required tag and task with only the tag default: the task is still named", pair: { destinationDefaults: { tag: "agency" } }, facts: requiring({ forceTags: true, forceTasks: true }), expect: { "destination.required": /^warning .*without a task would be refused.*Set destinationDefaults\.task in.*copies without a tag get destinationDefaults\.tag "agency"/ } },
  { name: "a required description with a prefix passes", pair: { destinationDefaults: { descriptionPrefix: "[Agency] " } }, facts: requiring({ forceDescription: true }), expect: {} },
  { name: "users by id: one check per member and side", pair: { users: [{ source: "u-ada" }, { source: "u-grace" }] }, facts: facts(), expect: {} },
  {
    name: "two members, the second's email unknown in the destination",
    pair: { users: [{ source: "ada@example.com" }, { source: "grace@example.com", destination: "ann@x.com" }] },
    facts: facts({
      source: { emails: emails({ "ada@example.com": [ADA], "grace@example.com": [GRACE] }) },
      destination: { emails: emails({ "ada@example.com": [ADA], "ann@x.com": [{ id: "u-joann", email: "joann@x.com" }] }) },
    }),
    expect: { "destination.user[1]": /^error users\[1\]\.destination ann@x\.com: no member of the destination workspace "Customer" has this email.*Fix the email in users\[1\]\.destination/ },
  },
  {
    name: "an email resolved to someone who is not a member (inactive)",
    pair: { users: [{ source: "grace@example.com" }] },
    facts: facts({
      source: { emails: emails({ "grace@example.com": [GRACE] }), workspace: workspace("ws-src", "Agency", { memberships: [{ userId: "u-grace", membershipType: "WORKSPACE", membershipStatus: "INACTIVE" }] }) },
      destination: { emails: emails({ "grace@example.com": [GRACE] }) },
    }),
    expect: { "source.user": /^error users\[0\]\.source grace@example\.com \(user id u-grace\) is not a member of the source workspace "Agency"\. Fix users\[0\]\.source/ },
  },
  {
    name: "an email member with a member's key: the admin rule applies to them too",
    pair: { users: [{ source: "u-ada" }, { source: "grace@example.com" }] },
    facts: facts({ source: { key: key(ADA, ["ws-dst"]), emails: emails({ "grace@example.com": [GRACE] }) }, destination: { emails: emails({ "grace@example.com": [GRACE] }) } }),
    expect: { "source.user[1]": /^error source\.apiKey belongs to Ada.*cannot read the entries of users\[1\]\.source grace@example\.com \(user id u-grace\)\. Put an owner's or admin's key/ },
  },
  {
    name: "copies for a second member without add time for others",
    pair: { users: [{ source: "u-ada" }, { source: "u-grace" }] },
    facts: facts({ destination: { workspace: workspace("ws-dst", "Customer", { features: [] }) } }),
    expect: { "destination.user[1]": /^error the destination workspace "Customer" does not allow adding time for others.*users\[1\]\.destination u-grace/ },
  },
  {
    name: "a users lookup refused, and one not answered",
    pair: { users: [{ source: "ada@example.com" }] },
    facts: facts({ source: { emails: new Map([["ada@example.com", failed(refused(403))]]) }, destination: { emails: new Map([["ada@example.com", failed(new ClockifyError("network", "GET", "/users", 0, undefined, "ECONNRESET"))]]) } }),
    expect: { "source.user": /^error users\[0\]\.source ada@example\.com: the users of the source workspace "Agency" are not readable with source\.apiKey.*HTTP 403/, "destination.user": /^warning could not check users\[0\]\.destination ada@example\.com/ },
  },
  { name: "a lock inside the window, member key", facts: facts({ destination: { key: key(ADA, ["ws-src"]), workspace: workspace("ws-dst", "Customer", { workspaceSettings: { ...SETTINGS, lockTimeEntries: "2026-11-20T00:00:00Z" } }) } }), expect: { "destination.lock": /^warning "Customer" locks time entries before 2026-11-20.*inside the 30-day/ } },
  { name: "a lock with an admin's key is let through", facts: facts({ destination: { workspace: workspace("ws-dst", "Customer", { workspaceSettings: { forceTasks: false, forceTags: false, forceDescription: false, forceProjects: false, lockTimeEntries: "2026-11-20T00:00:00Z" } }) } }), expect: {} },
  { name: "a required custom field without default", facts: facts({ destination: { customFields: ok([{ id: "f1", name: "Cost centre", required: true, status: "VISIBLE", entityType: "TIMEENTRY", workspaceDefaultValue: null }]) } }), expect: { "destination.custom-fields": /^error .*"Cost centre"/ } },
  { name: "a required custom field with a default refuses nothing", facts: facts({ destination: { customFields: ok([{ id: "f1", name: "Cost centre", required: true, status: "VISIBLE", entityType: "TIMEENTRY", workspaceDefaultValue: "CC-1" }]) } }), expect: {} },
  { name: "a failed last run", facts: facts({ lastRun: run("failed", { error: "source client not found" }) }), expect: { reconcile: /^error the last reconciliation, 2026-12-03 11:00 UTC \(schedule\), failed: source client not found.*reconcile --pair acme/ } },
  { name: "a run that left entries failed", facts: facts({ lastRun: run("succeeded", { failed: 2 }) }), expect: { reconcile: /^warning .*left 2 entries failed/ } },
  { name: "a run that failed only entry by entry is a warning, not 'cannot mirror'", facts: facts({ lastRun: run("failed", { failed: 1, error: "1 change(s) failed (see the log)" }) }), expect: { reconcile: /^warning .*left 1 change\(s\) failed/ } },
  { name: "without destination.apiKey, a destination problem names source.apiKey", pair: { destinationKey: "key-src", destinationUser: "u-grace" }, facts: facts({ destination: { key: key(ADA, ["ws-src"]) } }), expect: { "destination.user": /^error source\.apiKey belongs to Ada .*who is not an owner or admin of "Customer".*in destination\.apiKey/ } },
];

describe("judgePair", () => {
  it("says which default makes a required field pass", () => {
    const results = judgePair(pairOf({ destinationDefaults: { tag: "agency", task: "Support" } }), requiring({ forceTags: true, forceTasks: true }), CONTEXT);
    const required = results.find((r) => r.check === "destination.required");
    expect(required?.level).toBe("ok");
    expect(required?.message).toMatch(/copies without a task get destinationDefaults\.task "Support" \(created there when missing\); copies without a tag get destinationDefaults\.tag "agency"/);
  });

  it("judges every member on both sides, each under its own check", () => {
    const results = judgePair(pairOf({ users: [{ source: "u-ada" }, { source: "u-grace" }, { source: "u-ada2", destination: "u-grace" }] }), facts(), CONTEXT);
    expect(results.filter((r) => r.check.includes(".user")).map((r) => `${r.level} ${r.check}`)).toEqual([
      "ok source.user", "ok source.user[1]", "error source.user[2]", "ok destination.user", "ok destination.user[1]", "ok destination.user[2]",
    ]);
  });

  const planned = (plans: Record<string, string | null>) => ({ ...key(), visible: ok(Object.entries(plans).map(([id, plan]) => ({ id, name: id, featureSubscriptionType: plan }))) });
  const quotaCases: { name: string; plans: Record<string, string | null>; quotas?: { workspaceId: string; requestsPerHour?: number }[]; expect: string[] }[] = [
    { name: "a Free destination without a budget: a warning naming the setting", plans: { "ws-dst": "FREE" }, expect: ["warning destination.quota"] },
    { name: "a Free destination with requestsPerHour: ok", plans: { "ws-dst": "FREE" }, quotas: [{ workspaceId: "ws-dst", requestsPerHour: 30 }], expect: ["ok destination.quota"] },
    { name: "a budget for another workspace does not count", plans: { "ws-dst": "FREE_2026" }, quotas: [{ workspaceId: "ws-src", requestsPerHour: 30 }], expect: ["warning destination.quota"] },
    { name: "a paid plan needs no budget", plans: { "ws-dst": "STANDARD_2021" }, expect: ["ok destination.quota"] },
    { name: "an unknown plan is not judged", plans: { "ws-dst": null }, expect: [] },
  ];
  it.each(quotaCases)("hourly budget: $name", ({ plans, quotas, expect: expected }) => {
    const given = facts({ source: { key: planned(plans) }, destination: { key: planned(plans) } });
    const results = judgePair(pairOf(), given, { ...CONTEXT, ...(quotas ? { quotas: quotas.map((q) => ({ ...q })) } : {}) });
    expect(results.filter((r) => r.check.endsWith(".quota")).map((r) => `${r.level} ${r.check}`)).toEqual(expected);
    const warning = results.find((r) => r.level === "warning" && r.check === "destination.quota");
    if (warning) expect(warning.message).toMatch(/Free plan.*30 API requests per hour.*\{ "workspaceId": "ws-dst", "requestsPerHour": 30 \} to clockify\.workspaces/);
  });

  it.each(cases)("$name", ({ pair, facts: given, expect: expected }) => {
    const results = judgePair(pairOf(pair), given, CONTEXT);
    const problems = Object.fromEntries(results.filter((r) => r.level !== "ok").map((r) => [r.check, `${r.level} ${r.message}`]));
    expect(Object.keys(problems).sort()).toEqual(Object.keys(expected).sort());
    for (const [check, pattern] of Object.entries(expected)) expect(problems[check]).toMatch(pattern);
    expect(JSON.stringify(results)).not.toMatch(/key-src|key-dst/);
  });
});
