import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { runDoctorChecks } from "../../src/doctor/run.js";
import { repairWebhooks } from "../../src/webhooks/health/repair.js";
import type { CheckResult } from "../../src/doctor/model.js";
import { openStore, type TestStore } from "../helpers/harness.js";
import { acmeConfigFile, seedWebhooks, startTwoWorkspaces, type TwoWorkspaces } from "../helpers/world.js";

let w: TwoWorkspaces;
let store: TestStore;

beforeEach(async () => {
  w = await startTwoWorkspaces();
  store = await openStore();
});
afterEach(async () => {
  await w.sim.close();
  await store.close();
});

async function doctor(pair: Record<string, unknown> = {}): Promise<CheckResult[]> {
  const config = parseConfig(acmeConfigFile(w, pair, { maxRetries: 0 }));
  return runDoctorChecks(config, { apiUrl: w.sim.apiBaseUrl, database: store.database, logger: store.logger });
}

const failing = (results: CheckResult[]) => results.filter((r) => r.level !== "ok").map((r) => `${r.level} ${r.check}`);
const message = (results: CheckResult[], check: string) => results.find((r) => r.check === check)?.message ?? `(no ${check} check)`;

describe("doctor's checks against the simulator", () => {
  it("passes a correct pair, naming whose key it is, and says what it could not see", async () => {
    await seedWebhooks(w.sim, store.database, "https://sync.example/webhooks/clockify", w.source.workspaceId, ["NEW_TIME_ENTRY", "TIMER_STOPPED", "TIME_ENTRY_UPDATED", "TIME_ENTRY_DELETED", "TIME_ENTRY_RESTORED", "TIME_ENTRY_SPLIT", "NEW_PROJECT"]);
    await seedWebhooks(w.sim, store.database, "https://sync.example/webhooks/clockify", w.destination.workspaceId, ["NEW_PROJECT", "PROJECT_UPDATED"]);
    const results = await doctor();
    expect(failing(results)).toEqual([]);
    expect(message(results, "source.key")).toContain("Ada Lovelace <ada@example.com>");
    expect(message(results, "source.client")).toContain('"Customer Co"');
    expect(results.map((r) => r.check)).toEqual([
      "source.key", "source.workspace", "source.client", "source.user", "destination.workspace", "destination.user",
      "destination.required", "destination.lock", "destination.custom-fields", "source.webhooks", "destination.webhooks", "reconcile",
    ]);
  });

  it("a wrong key: one error naming the field and the fix, no cascade, and no key in any message", async () => {
    const results = await doctor({ source: { apiKey: "not-a-real-key-1234567890", workspaceId: w.source.workspaceId, userId: w.user.id, clientId: w.source.clientId }, destination: { workspaceId: w.destination.workspaceId, apiKey: w.user.apiKey } });
    expect(failing(results).filter((f) => f.startsWith("error"))).toEqual(["error source.key"]);
    expect(message(results, "source.key")).toMatch(/source key refused: Clockify answered HTTP 401.*Fix source\.apiKey/);
    expect(JSON.stringify(results)).not.toContain("not-a-real-key");
    expect(JSON.stringify(results)).not.toContain(w.user.apiKey);
  });

  it("a workspace of someone else: says so and lists the workspaces the key can see", async () => {
    const stranger = w.sim.world.addUser({ name: "Stranger" });
    const foreign = w.sim.world.addWorkspace({ name: "Foreign", ownerId: stranger.id, plan: "PRO" });
    const results = await doctor({ destination: { workspaceId: foreign.id } });
    expect(failing(results)).toContain("error destination.workspace");
    expect(message(results, "destination.workspace")).toMatch(/destination\.workspaceId .* HTTP 403.*Fix destination\.workspaceId.*"Customer" /);
  });

  it("a client of another workspace: an error listing the clients that are there", async () => {
    const otherClient = w.sim.world.addClient(w.destination.workspaceId, { name: "Agency" });
    const results = await doctor({ source: { apiKey: w.user.apiKey, workspaceId: w.source.workspaceId, userId: w.user.id, clientId: otherClient.id } });
    expect(failing(results)).toContain("error source.client");
    expect(message(results, "source.client")).toMatch(/not a client of the source workspace.*Fix source\.clientId; clients there: "Customer Co"/);
  });

  it("a user who is not a member, and a key that may not act for another member", async () => {
    const grace = w.sim.world.addUser({ name: "Grace Hopper" });
    const outsider = await doctor({ destination: { workspaceId: w.destination.workspaceId, userId: grace.id } });
    expect(message(outsider, "destination.user")).toMatch(/destination\.userId .* is not a member of the destination workspace "Customer"/);

    w.sim.world.addMember(w.source.workspaceId, grace.id, "MEMBER");
    const memberKey = await doctor({ source: { apiKey: grace.apiKey, workspaceId: w.source.workspaceId, userId: w.user.id, clientId: w.source.clientId }, destination: { workspaceId: w.destination.workspaceId, apiKey: w.user.apiKey } });
    expect(message(memberKey, "source.user")).toMatch(/source\.apiKey belongs to Grace Hopper.*not an owner or admin of "Agency".*cannot read the entries of/);
  });

  it("a destination without add time for others, when copies belong to another member", async () => {
    const grace = w.sim.world.addUser({ name: "Grace Hopper" });
    w.sim.world.addMember(w.destination.workspaceId, grace.id, "MEMBER");
    expect(failing(await doctor({ destination: { workspaceId: w.destination.workspaceId, userId: grace.id } }))).not.toContain("error destination.user");
    w.sim.world.setRules(w.destination.workspaceId, { addTimeForOthers: false });
    const results = await doctor({ destination: { workspaceId: w.destination.workspaceId, userId: grace.id } });
    expect(message(results, "destination.user")).toMatch(/does not allow adding time for others/);
  });

  it("the destination's rules: required tag, a lock inside the window for a member's key, a required custom field", async () => {
    const grace = w.sim.world.addUser({ name: "Grace Hopper" });
    w.sim.world.addMember(w.destination.workspaceId, grace.id, "MEMBER");
    w.sim.world.setRules(w.destination.workspaceId, { forceTags: true, lockedBefore: Date.now() - 5 * 86_400_000 });
    w.sim.world.addCustomField(w.destination.workspaceId, { name: "Cost centre", required: true });
    const results = await doctor({ destination: { workspaceId: w.destination.workspaceId, apiKey: grace.apiKey, userId: grace.id } });
    expect(failing(results)).toEqual(expect.arrayContaining(["warning destination.required", "warning destination.lock", "error destination.custom-fields"]));
    expect(message(results, "destination.required")).toContain("requires a tag");
    expect(message(results, "destination.lock")).toMatch(/locks time entries before \d{4}-\d\d-\d\d.*inside the 30-day reconcile window/);
    expect(message(results, "destination.custom-fields")).toContain('"Cost centre"');
  });

  it("members by email: resolved in each workspace, one check per member; an unknown email is an error naming the entry", async () => {
    const grace = w.sim.world.addUser({ name: "Grace Hopper", email: "grace@example.com" });
    w.sim.world.addMember(w.source.workspaceId, grace.id, "MEMBER");
    w.sim.world.addMember(w.destination.workspaceId, grace.id, "MEMBER");
    const users = (second: string) => ({ source: { apiKey: w.user.apiKey, workspaceId: w.source.workspaceId, clientId: w.source.clientId }, users: [{ source: "ada@example.com" }, { source: "grace@example.com", destination: second }] });

    const good = await doctor(users("GRACE@example.com"));
    expect(failing(good).filter((f) => f.startsWith("error"))).toEqual([]);
    expect(message(good, "source.user[1]")).toContain(`users[1].source grace@example.com (user id ${grace.id}) is a member`);
    expect(message(good, "destination.user[1]")).toMatch(/users\[1\]\.destination GRACE@example\.com .*may add time for them/);

    // "ann@" would match "joann@" by Clockify's substring filter; only the exact email counts.
    const joann = w.sim.world.addUser({ name: "Jo Ann", email: "joann@x.com" });
    w.sim.world.addMember(w.destination.workspaceId, joann.id, "MEMBER");
    const unknown = await doctor(users("ann@x.com"));
    expect(failing(unknown)).toContain("error destination.user[1]");
    expect(message(unknown, "destination.user[1]")).toMatch(/^users\[1\]\.destination ann@x\.com: no member of the destination workspace "Customer" has this email.*Fix the email in users\[1\]\.destination/);
    expect(message(unknown, "source.user[1]")).toContain("is a member");
  });

  it("a required tag: refused copies foretold without destinationDefaults.tag, ok with it", async () => {
    w.sim.world.setRules(w.destination.workspaceId, { forceTags: true });
    const without = await doctor();
    expect(failing(without)).toContain("warning destination.required");
    expect(message(without, "destination.required")).toMatch(/without a tag would be refused.*Set destinationDefaults\.tag/);
    const withDefault = await doctor({ destinationDefaults: { tag: "agency" } });
    expect(failing(withDefault)).not.toContain("warning destination.required");
    expect(message(withDefault, "destination.required")).toContain('copies without a tag get destinationDefaults.tag "agency"');
  });

  it("a disabled webhook is an error that says how to bring it back", async () => {
    await seedWebhooks(w.sim, store.database, "https://sync.example/webhooks/clockify", w.source.workspaceId, ["NEW_TIME_ENTRY", "TIMER_STOPPED", "TIME_ENTRY_UPDATED", "TIME_ENTRY_DELETED"]);
    const hook = w.sim.world.listWebhooks(w.source.workspaceId)[0];
    if (!hook) throw new Error("no webhook");
    w.sim.world.setWebhookState(w.source.workspaceId, hook.id, { deliveryEnabled: false });
    const results = await doctor();
    expect(failing(results)).toContain("error source.webhooks");
    expect(message(results, "source.webhooks")).toMatch(/do not deliver.*`clockify-sync webhooks repair`.*autoRepair/);

    // What the advice does: the repair re-creates it, and the check is fine again.
    const config = parseConfig(acmeConfigFile(w, {}, { maxRetries: 0 }));
    const report = await repairWebhooks({ config, database: store.database, apiUrl: w.sim.apiBaseUrl, logger: store.logger });
    expect(report.workspaces.flatMap((x) => x.results).map((r) => [r.webhookId, r.outcome])).toEqual([[hook.id, "re-created"]]);
    const after = await doctor();
    expect(failing(after)).not.toContain("error source.webhooks");
  });
});
