import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClockifyClient } from "../../src/clockify/client.js";
import type { Workspace } from "../../src/clockify/schemas.js";
import { parseConfig, type Config } from "../../src/config/index.js";
import { openAndMigrate } from "../../src/db/migrate.js";
import { listWebhooksForWorkspace } from "../../src/db/webhooks.js";
import { startSimulator, type Plan, type Simulator, type WebhookDto } from "../../src/sandbox/index.js";
import { registerWebhooks } from "../../src/webhooks/registration/register.js";
import { startMirror } from "../helpers/mirror.js";
import { runProjectCli, type CliResult } from "../helpers/cli.js";
import { discardingLogger } from "../helpers/logs.js";
import { TokenBook } from "../../src/webhooks/tokens.js";
import { startAlertReceiver, type AlertReceiver } from "../e2e/webhook-health-support.js";

const URL_ = "https://sync.example.com/webhooks/clockify";
const WEBHOOKS_ROUTE = "/v1/workspaces/{workspaceId}/webhooks";
const SOURCE_EVENTS = [
  "NEW_TIME_ENTRY",
  "TIMER_STOPPED",
  "TIME_ENTRY_UPDATED",
  "TIME_ENTRY_DELETED",
  "TIME_ENTRY_RESTORED",
  "TIME_ENTRY_SPLIT",
  "NEW_PROJECT",
];
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

interface World {
  sim: Simulator;
  dir: string;
  configPath: string;
  databasePath: string;
  config: Config;
  ada: { id: string; apiKey: string };
  bob: { id: string; apiKey: string };
  /** Source of pairs acme (Ada) and beta (Bob). */
  agency: string;
  /** Destination of acme. */
  customer: string;
  /** Destination of beta. */
  other: string;
}


let w: World;

async function setUp(agencyPlan: Plan = "PRO"): Promise<World> {
  const sim = await startSimulator({ webhookRetryDelayMs: 20 });
  const { world } = sim;
  const ada = world.addUser({ name: "Ada" });
  const bob = world.addUser({ name: "Bob" });
  const agency = world.addWorkspace({ name: "Agency", ownerId: ada.id, plan: agencyPlan }).id;
  world.addMember(agency, bob.id);
  const customer = world.addWorkspace({ name: "Customer", ownerId: ada.id, plan: "PRO" }).id;
  const other = world.addWorkspace({ name: "Other", ownerId: bob.id, plan: "PRO" }).id;
  const client = world.addClient(agency, { name: "Customer Co" }).id;
  const otherClient = world.addClient(agency, { name: "Other Co" }).id;
  const raw = {
    pairs: [
      { id: "acme", source: { apiKey: ada.apiKey, workspaceId: agency, userId: ada.id, clientId: client }, destination: { workspaceId: customer } },
      // Bob is a plain member of the agency: his key cannot manage its webhooks, Ada's can.
      { id: "beta", source: { apiKey: bob.apiKey, workspaceId: agency, userId: bob.id, clientId: otherClient }, destination: { workspaceId: other } },
    ],
    clockify: { requestsPerSecond: 50 },
  };
  const dir = await mkdtemp(join(tmpdir(), "clockify-sync-webhooks-cli-"));
  const configPath = join(dir, "config.json");
  await writeFile(configPath, JSON.stringify(raw), { mode: 0o600 });
  return {
    sim,
    dir,
    configPath,
    databasePath: join(dir, "sync.db"),
    config: parseConfig(raw, {}),
    ada: { id: ada.id, apiKey: ada.apiKey },
    bob: { id: bob.id, apiKey: bob.apiKey },
    agency,
    customer,
    other,
  };
}

async function tearDown(): Promise<void> {
  await w.sim.close();
  await rm(w.dir, { recursive: true, force: true });
}

/** `npm run webhooks -- …` as a child process; async, so the simulator in this process keeps answering. */
function cli(...args: string[]): Promise<CliResult> {
  return runProjectCli("webhooks", args, {
    CLOCKIFY_SYNC_CONFIG: w.configPath,
    DATABASE_PATH: w.databasePath,
    CLOCKIFY_API_URL: w.sim.apiBaseUrl,
  });
}

async function rows(workspaceId: string) {
  const database = openAndMigrate(w.databasePath);
  try {
    return await listWebhooksForWorkspace(database, workspaceId);
  } finally {
    database.close();
  }
}

const hooks = (workspaceId: string) => w.sim.world.listWebhooks(workspaceId);
const eventsOf = (list: WebhookDto[]) => list.map((h) => h.webhookEvent).sort();
const creates = () => w.sim.stats.count({ method: "POST", route: WEBHOOKS_ROUTE });
const allTokens = () => [w.agency, w.customer, w.other].flatMap((id) => hooks(id).map((h) => h.authToken));

/** Every webhook in Clockify at our URL has a row whose hash is its current token's. */
async function expectTableMatchesClockify(workspaceId: string): Promise<void> {
  const byId = new Map((await rows(workspaceId)).map((r) => [r.clockifyWebhookId, r]));
  const ours = hooks(workspaceId).filter((h) => h.url === URL_);
  expect(byId.size).toBe(ours.length);
  for (const hook of ours) {
    expect(byId.get(hook.id)).toMatchObject({ eventType: hook.webhookEvent, url: URL_, tokenSha256: sha256(hook.authToken) });
  }
}

describe("npm run webhooks -- register", () => {
  beforeEach(async () => {
    w = await setUp();
  });
  afterEach(tearDown);

  it("creates one webhook per event per workspace for all pairs; a second run creates nothing", async () => {
    const first = await cli("register", "--url", URL_);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(eventsOf(hooks(w.agency))).toEqual([...SOURCE_EVENTS].sort());
    expect(eventsOf(hooks(w.customer))).toEqual(["NEW_PROJECT", "PROJECT_UPDATED"]);
    expect(eventsOf(hooks(w.other))).toEqual(["NEW_PROJECT", "PROJECT_UPDATED"]);
    // One webhook serves both pairs of the shared source: scoped to both users.
    for (const h of hooks(w.agency)) {
      if (h.webhookEvent === "NEW_PROJECT") expect(h).toMatchObject({ triggerSourceType: "WORKSPACE_ID", triggerSource: [w.agency] });
      else expect(h).toMatchObject({ triggerSourceType: "USER_ID", triggerSource: [w.ada.id, w.bob.id].sort() });
    }
    for (const id of [w.agency, w.customer, w.other]) await expectTableMatchesClockify(id);
    expect(first.stdout).toMatch(/^workspace \S+ \(source of acme, beta\) · plan unknown, 0 in use before$/m);
    expect(first.stdout).toMatch(/^ {2}registered {5}NEW_TIME_ENTRY {7}id \S+ \(users /m);
    expect(first.stdout).toContain("11 registered, 0 already there, 0 left out, 0 failed");
    for (const token of allTokens()) expect(first.stdout + first.stderr).not.toContain(token);

    w.sim.stats.reset();
    const second = await cli("register", "--url", URL_);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("0 registered, 11 already there, 0 left out, 0 failed");
    expect(creates()).toBe(0);
    expect(w.sim.stats.count({ method: "PATCH" })).toBe(0);
    expect(w.sim.stats.count({ method: "DELETE" })).toBe(0);
    expect(hooks(w.agency)).toHaveLength(7);
  });

  it("adopts a webhook that Clockify has but the table lacks: regenerates its token and stores the new hash", async () => {
    const handMade = w.sim.world.addWebhook(w.agency, { url: URL_, webhookEvent: "TIMER_STOPPED" });
    const result = await cli("register", "--url", URL_);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`already there +TIMER_STOPPED +id ${handMade.id} \\(token regenerated`));
    const now = hooks(w.agency).filter((h) => h.webhookEvent === "TIMER_STOPPED");
    expect(now.map((h) => h.id)).toEqual([handMade.id]);
    expect(now[0]?.authToken).not.toBe(handMade.authToken);
    expect((await rows(w.agency)).find((r) => r.clockifyWebhookId === handMade.id)?.tokenSha256).toBe(sha256(now[0]?.authToken ?? ""));
    expect((await rows(w.agency)).some((r) => r.tokenSha256 === sha256(handMade.authToken))).toBe(false);
    expect(result.stdout).not.toContain(now[0]?.authToken ?? "-");
  });

  it("creates again what was deleted in Clockify, and replaces its stale row", async () => {
    await cli("register", "--url", URL_);
    const victim = hooks(w.agency).find((h) => h.webhookEvent === "TIME_ENTRY_UPDATED");
    await new ClockifyClient({ baseUrl: w.sim.apiBaseUrl, apiKey: w.ada.apiKey }).deleteWebhook(w.agency, victim?.id ?? "");
    const listed = await cli("list");
    expect(listed.stdout).toMatch(new RegExp(`gone +TIME_ENTRY_UPDATED +id ${victim?.id ?? "-"} .*Clockify no longer has it`));
    expect(listed.stdout).toMatch(/^ {2}missing +TIME_ENTRY_UPDATED +not registered/m);

    const again = await cli("register", "--url", URL_);
    expect(again.stdout).toContain("1 registered, 10 already there, 0 left out, 0 failed");
    expect((await rows(w.agency)).some((r) => r.clockifyWebhookId === victim?.id)).toBe(false);
    await expectTableMatchesClockify(w.agency);
  });

  it("re-scopes an entry webhook whose users do not cover a newly added pair", async () => {
    // Registered while only acme existed: scoped to Ada alone.
    const onlyAcme = { ...w.config, pairs: w.config.pairs.filter((p) => p.id === "acme") };
    const database = openAndMigrate(w.databasePath);
    try {
      await registerWebhooks({ config: onlyAcme, database, apiUrl: w.sim.apiBaseUrl, url: URL_, logger: discardingLogger() });
    } finally {
      database.close();
    }
    const before = hooks(w.agency).find((h) => h.webhookEvent === "NEW_TIME_ENTRY");
    expect(before?.triggerSource).toEqual([w.ada.id]);
    const result = await cli("register", "--url", URL_);
    expect(result.stdout).toMatch(new RegExp(`registered +NEW_TIME_ENTRY .*replaces ${before?.id ?? "-"}`));
    const after = hooks(w.agency).filter((h) => h.webhookEvent === "NEW_TIME_ENTRY");
    expect(after).toHaveLength(1);
    expect(after[0]?.triggerSource).toEqual([w.ada.id, w.bob.id].sort());
    await expectTableMatchesClockify(w.agency);
  });

  it("--pair beta manages the shared source with Ada's key: Bob's (a plain member's) may not", async () => {
    const result = await cli("register", "--url", URL_, "--pair", "beta");
    expect(result.code).toBe(0);
    expect(eventsOf(hooks(w.agency))).toEqual([...SOURCE_EVENTS].sort());
    expect(hooks(w.agency).every((h) => h.userId === w.ada.id)).toBe(true);
    expect(eventsOf(hooks(w.other))).toEqual(["NEW_PROJECT", "PROJECT_UPDATED"]);
    expect(hooks(w.customer)).toHaveLength(0);
    expect(w.sim.stats.count({ method: "GET", route: WEBHOOKS_ROUTE, status: 403 })).toBe(1);
  });

  it("rejects bad usage with exit code 2; warns about plain http to a public host", async () => {
    const [missing, path, pair] = await Promise.all([
      cli("register"),
      cli("register", "--url", "https://sync.example.com/hooks"),
      cli("register", "--url", URL_, "--pair", "nope"),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--url is required/);
    expect(path.code).toBe(2);
    expect(path.stderr).toMatch(/--url: the path must end with \/webhooks\/clockify/);
    expect(pair.code).toBe(2);
    expect(pair.stderr).toMatch(/no pair "nope" in the config \(pairs: acme, beta\)/);
    expect(hooks(w.agency)).toHaveLength(0);

    const plain = await cli("register", "--url", "http://sync.example.com/webhooks/clockify", "--pair", "acme");
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/warning: http:\/\/sync\.example\.com is not https/);
    expect(hooks(w.other)).toHaveLength(0);
  });
});

describe("npm run webhooks -- register on a FREE workspace", () => {
  beforeEach(async () => {
    w = await setUp("FREE");
  });
  afterEach(tearDown);

  it("registers the 3 most valuable events and reports the rest as left out, covered by the nightly run", async () => {
    const result = await cli("register", "--url", URL_);
    expect(result.code).toBe(0);
    expect(eventsOf(hooks(w.agency))).toEqual(["NEW_TIME_ENTRY", "TIMER_STOPPED", "TIME_ENTRY_UPDATED"]);
    expect(result.stdout).toMatch(
      /^ {2}left out {7}TIME_ENTRY_DELETED, TIME_ENTRY_RESTORED, TIME_ENTRY_SPLIT, NEW_PROJECT\n {17}Clockify refused it \(webhook limit/m,
    );
    expect(result.stdout).toMatch(/4 event\(s\) left out in 1 workspace\(s\)\. The nightly reconciliation \(cron "0 3 \* \* \*" UTC/);
    // The plan is not known to the simulator: one refused request, then the rest are not even tried.
    expect(w.sim.stats.count({ method: "POST", route: WEBHOOKS_ROUTE, status: 400 })).toBe(1);
    await expectTableMatchesClockify(w.agency);
  });

  it("with the plan known, counts other integrations' webhooks and sends no request that would be refused", async () => {
    w.sim.world.addWebhook(w.agency, { url: "https://zapier.example/hook", webhookEvent: "NEW_CLIENT" });
    const plans = new Map(w.sim.world.listWorkspaces().map((ws) => [ws.id, ws.plan]));
    /** The simulator's workspace DTO has no featureSubscriptionType; this client adds it. */
    class PlanAwareClient extends ClockifyClient {
      override async listWorkspaces(): Promise<Workspace[]> {
        return (await super.listWorkspaces()).map((ws) => ({ ...ws, featureSubscriptionType: plans.get(ws.id) ?? null }));
      }
    }
    const database = openAndMigrate(w.databasePath);
    try {
      const report = await registerWebhooks({
        config: w.config,
        database,
        apiUrl: w.sim.apiBaseUrl,
        url: URL_,
        logger: discardingLogger(),
        clientFor: (apiKey) => new PlanAwareClient({ baseUrl: w.sim.apiBaseUrl, apiKey }),
      });
      const agency = report.workspaces.find((r) => r.workspaceId === w.agency);
      expect(agency).toMatchObject({ plan: "FREE", limit: 3, inUse: 1 });
      expect(agency?.registered.map((r) => r.event)).toEqual(["NEW_TIME_ENTRY", "TIMER_STOPPED"]);
      expect(agency?.leftOut.map((l) => l.event)).toEqual(["TIME_ENTRY_UPDATED", ...SOURCE_EVENTS.slice(3)]);
      expect(agency?.leftOut[0]?.reason).toBe(
        "no room: the FREE plan allows 3 webhooks per workspace and 3 are in use, 1 of them from other integrations",
      );
      expect(report.leftOutSummary).toMatch(/^5 event\(s\) left out in 1 workspace\(s\)\. The nightly reconciliation/);
      expect(report.ok).toBe(true);
      expect(w.sim.stats.count({ method: "POST", route: WEBHOOKS_ROUTE, status: 400 })).toBe(0);
    } finally {
      database.close();
    }
  });
});

describe("npm run webhooks -- list and remove", () => {
  beforeEach(async () => {
    w = await setUp();
  });
  afterEach(tearDown);

  it("list shows what is missing before and what is active after register", async () => {
    const before = await cli("list");
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/^ {2}missing +NEW_TIME_ENTRY +not registered by this service$/m);
    await cli("register", "--url", URL_);
    const foreign = w.sim.world.addWebhook(w.agency, { url: "https://zapier.example/hook", webhookEvent: "NEW_CLIENT" });
    const after = await cli("list", "--pair", "acme");
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/^workspace \S+ \(source of acme, beta\) · plan unknown, 8 in use$/m);
    expect(after.stdout.match(/^ {2}active /gm)).toHaveLength(9);
    expect(after.stdout).not.toMatch(/missing/);
    expect(after.stdout).toContain("1 other webhook(s) in this workspace are not this service's");
    expect(after.stdout).not.toContain(foreign.id);
    for (const token of allTokens()) expect(after.stdout).not.toContain(token);
  });

  it("remove deletes only this service's webhooks, tolerating one already gone", async () => {
    await cli("register", "--url", URL_);
    const foreign = w.sim.world.addWebhook(w.agency, { url: "https://zapier.example/hook", webhookEvent: "NEW_CLIENT" });
    // At our URL but never in our table: not ours to delete.
    const stranger = w.sim.world.addWebhook(w.customer, { url: URL_, webhookEvent: "NEW_TAG" });
    const gone = hooks(w.customer).find((h) => h.webhookEvent === "PROJECT_UPDATED");
    await new ClockifyClient({ baseUrl: w.sim.apiBaseUrl, apiKey: w.ada.apiKey }).deleteWebhook(w.customer, gone?.id ?? "");

    const result = await cli("remove");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`removed +PROJECT_UPDATED +id ${gone?.id ?? "-"} .*was already gone`));
    expect(result.stdout).toContain("11 removed, 0 kept, 0 failed");
    expect(hooks(w.agency).map((h) => h.id)).toEqual([foreign.id]);
    expect(hooks(w.customer).map((h) => h.id)).toEqual([stranger.id]);
    expect(hooks(w.other)).toHaveLength(0);
    for (const id of [w.agency, w.customer, w.other]) expect(await rows(id)).toHaveLength(0);

    expect((await cli("remove")).stdout).toContain("nothing to remove");
  });

  it("remove --pair keeps what another pair still needs in a shared workspace", async () => {
    await cli("register", "--url", URL_);
    const result = await cli("remove", "--pair", "beta");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("2 removed, 7 kept, 0 failed");
    expect(result.stdout).toMatch(/kept +NEW_TIME_ENTRY +id \S+ +still needed by pair\(s\) acme/);
    expect(hooks(w.other)).toHaveLength(0);
    expect(hooks(w.agency)).toHaveLength(7);
    expect(await rows(w.agency)).toHaveLength(7);
    expect(hooks(w.customer)).toHaveLength(2);
  });

  it("remove --url removes only the registrations for that URL", async () => {
    await cli("register", "--url", URL_, "--pair", "acme");
    await cli("register", "--url", "https://new.example.com/webhooks/clockify", "--pair", "acme");
    expect(hooks(w.customer)).toHaveLength(4);
    const result = await cli("remove", "--url", URL_);
    expect(result.stdout).toContain("9 removed, 0 kept, 0 failed");
    expect(hooks(w.customer).map((h) => h.url)).toEqual([
      "https://new.example.com/webhooks/clockify",
      "https://new.example.com/webhooks/clockify",
    ]);
  });
});

describe("after register, the service receives Clockify's deliveries", () => {
  it("a source entry reaches the destination through the registered webhooks", async () => {
    const m = await startMirror({ register: false });
    try {
      const report = await registerWebhooks({
        config: m.config,
        database: m.database,
        apiUrl: m.sim.apiBaseUrl,
        url: m.webhookUrl,
        logger: discardingLogger(),
      });
      expect(report.ok).toBe(true);
      expect(report.workspaces.map((r) => r.registered.length)).toEqual([7, 2]);
      // The service re-reads registrations on an unknown token within a second; don't wait for that here.
      await m.service.tokens.reload();

      const project = m.sim.world.addProject(m.source.workspaceId, { name: "Website", clientId: m.source.clientId });
      m.sim.world.createTimeEntry(
        m.source.workspaceId,
        m.user.id,
        { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:30:00Z", description: "homepage", projectId: project.id },
        { emit: true },
      );
      await m.settle();
      const copies = m.sim.world.listTimeEntries(m.destination.workspaceId);
      expect(copies).toHaveLength(1);
      expect(copies[0]).toMatchObject({ description: "homepage", timeInterval: { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:30:00Z" } });
      const deliveries = m.sim.deliveries.log.filter((d) => d.event === "NEW_TIME_ENTRY");
      expect(deliveries.length).toBeGreaterThan(0);
      expect(deliveries.every((d) => d.status === 200)).toBe(true);
    } finally {
      await m.close();
    }
  });
});

describe("npm run webhooks -- repair", () => {
  let alerts: AlertReceiver;
  beforeEach(async () => {
    w = await setUp();
    alerts = await startAlertReceiver();
    const raw = JSON.parse(await readFile(w.configPath, "utf8")) as Record<string, unknown>;
    await writeFile(w.configPath, JSON.stringify({ ...raw, alerts: { webhookUrl: alerts.url } }), { mode: 0o600 });
  });
  afterEach(async () => {
    await alerts.close();
    await tearDown();
  });

  it("re-enables a switched-off webhook, re-creates one Clockify stopped delivering, stores the new token and alerts for each", async () => {
    expect((await cli("register", "--url", URL_)).code).toBe(0);
    const entryHook = hooks(w.agency).find((h) => h.webhookEvent === "NEW_TIME_ENTRY");
    const projectHook = hooks(w.customer).find((h) => h.webhookEvent === "NEW_PROJECT");
    if (!entryHook || !projectHook) throw new Error("register made no webhooks");
    w.sim.world.setWebhookState(w.agency, entryHook.id, { deliveryEnabled: false });
    w.sim.world.setWebhookState(w.customer, projectHook.id, { enabled: false });

    const result = await cli("repair");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`re-created +NEW_TIME_ENTRY +id ${entryHook.id} .*deliveryEnabled: false.*now \\w+ \\(new token stored\\)`));
    expect(result.stdout).toMatch(new RegExp(`re-enabled +NEW_PROJECT +id ${projectHook.id} .*enabled: false`));
    expect(result.stdout).toContain("1 re-enabled, 1 re-created, 0 left, 0 failed");
    expect(alerts.texts).toHaveLength(2);
    expect(alerts.texts.join("\n")).toMatch(/NEW_TIME_ENTRY.*re-created it as/);

    // Clockify and the table agree again, and the service's token book knows the new token.
    expect(hooks(w.agency).find((h) => h.id === entryHook.id)).toBeUndefined();
    expect(hooks(w.customer).find((h) => h.id === projectHook.id)).toMatchObject({ enabled: true, authToken: projectHook.authToken });
    await expectTableMatchesClockify(w.agency);
    await expectTableMatchesClockify(w.customer);
    const fresh = hooks(w.agency).find((h) => h.webhookEvent === "NEW_TIME_ENTRY");
    const database = openAndMigrate(w.databasePath);
    try {
      const book = new TokenBook(w.config.pairs, database);
      expect((await book.lookup(fresh?.authToken ?? ""))?.events).toEqual(new Set(["NEW_TIME_ENTRY"]));
      expect(await book.lookup(entryHook.authToken)).toBeUndefined();
    } finally {
      database.close();
    }

    // Nothing left to repair: a second run changes nothing.
    const again = await cli("repair");
    expect(again.stdout).toContain("0 re-enabled, 0 re-created, 0 left, 0 failed");
    expect(alerts.texts).toHaveLength(2);
  });
});
