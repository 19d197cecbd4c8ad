import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { listWebhooksForWorkspace } from "../../src/db/webhooks.js";
import { startServiceHarness, type ServiceHarness } from "../helpers/harness.js";
import { registerMirrorWebhooks, SOURCE_ENTRY_EVENTS } from "../helpers/mirror.js";
import { acmeConfigFile, seedWebhooks, startTwoWorkspaces, type TwoWorkspaces } from "../helpers/world.js";
import { startAlertReceiver, until, type AlertReceiver } from "./webhook-health-support.js";

const WEBHOOKS = "/v1/workspaces/{workspaceId}/webhooks";
const LOGS = "/v1/workspaces/{workspaceId}/webhooks/{webhookId}/logs";
const STATUSES = "/v1/workspaces/{workspaceId}/webhooks/{webhookId}/statuses";
const LISTING = "/v1/workspaces/{workspaceId}/user/{userId}/time-entries";

interface Env {
  world: TwoWorkspaces;
  harness: ServiceHarness;
  alerts: AlertReceiver;
}

let env: Env | undefined;
afterEach(async () => {
  if (!env) return;
  await env.harness.close();
  await env.world.sim.close();
  await env.alerts.close();
  env = undefined;
});

async function start(webhooks: { autoRepair?: boolean } = {}, health: { intervalMs?: number } = {}): Promise<Env> {
  const world = await startTwoWorkspaces({ webhookRetryDelayMs: 5, webhookMaxAttempts: 2 });
  const alerts = await startAlertReceiver();
  const config = parseConfig({ ...acmeConfigFile(world), alerts: { webhookUrl: alerts.url }, webhooks }, {});
  const harness = await startServiceHarness({
    config,
    apiUrl: world.sim.apiBaseUrl,
    listen: true,
    prefix: "clockify-sync-webhook-health-",
    service: { worker: { pollMs: 20, retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 30 } }, webhookHealth: health },
  });
  env = { world, harness, alerts };
  return env;
}

async function settle({ world, harness }: Env): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await world.sim.deliveries.idle();
    await new Promise((r) => setTimeout(r, 30));
    await harness.service.worker.idle();
  }
}

function addEntry({ world }: Env, description: string, start: string): void {
  const project = world.sim.world.listProjects(world.source.workspaceId).find((p) => p.name === "Website") ??
    world.sim.world.addProject(world.source.workspaceId, { name: "Website", clientId: world.source.clientId });
  world.sim.world.createTimeEntry(world.source.workspaceId, world.user.id, { start, end: start.replace("T09", "T10"), description, projectId: project.id }, { emit: true });
}

const copies = ({ world }: Env) => world.sim.world.listTimeEntries(world.destination.workspaceId).map((e) => e.description).sort();

describe("failed deliveries are pulled by the webhook check, within the hour, without a reconcile", () => {
  it("entries whose every delivery failed are mirrored by one check: one listing per workspace, one logs request per webhook", async () => {
    const e = await start();
    const { world, harness } = e;
    // Clockify delivers to an address where nothing answers: every attempt fails, as during an outage.
    await seedWebhooks(world.sim, harness.database, "http://127.0.0.1:9/webhooks/clockify", world.source.workspaceId, SOURCE_ENTRY_EVENTS);
    await harness.service.tokens.reload();
    addEntry(e, "while down 1", "2026-11-20T09:00:00Z");
    addEntry(e, "while down 2", "2026-11-21T09:00:00Z");
    await settle(e);
    expect(world.sim.deliveries.log.filter((d) => d.event === "NEW_TIME_ENTRY").every((d) => d.status === undefined)).toBe(true);
    expect(copies(e)).toEqual([]);

    world.sim.stats.reset();
    const run = await harness.service.webhookHealth.runNow();
    // The check itself: one GET of the webhooks and one logs request per webhook (5), nothing else.
    expect(world.sim.stats.count({ method: "GET", route: WEBHOOKS })).toBe(1);
    expect(world.sim.stats.count({ method: "POST", route: LOGS })).toBe(SOURCE_ENTRY_EVENTS.length);
    expect(world.sim.stats.count({ route: STATUSES })).toBe(0);
    expect(run.deliveries).toMatchObject({ webhooks: SOURCE_ENTRY_EVENTS.length, stored: 2, errors: [] });
    await settle(e);
    expect(copies(e)).toEqual(["while down 1", "while down 2"]);
    // Pulled one by one: no listing of anyone's entries, i.e. no reconciliation.
    expect(world.sim.stats.count({ route: LISTING })).toBe(0);

    // The next check starts where this one ended: the same failures are not pulled again.
    world.sim.stats.reset();
    const again = await harness.service.webhookHealth.runNow();
    expect(again.deliveries.stored).toBe(0);
    expect(world.sim.stats.requests).toHaveLength(1 + SOURCE_ENTRY_EVENTS.length);
  });
});

describe("a disabled webhook is repaired by the running service, with an alert", () => {
  it("re-enables a switched-off one, re-creates one Clockify stopped delivering; both deliver afterwards", async () => {
    const e = await start({}, { intervalMs: 50 });
    const { world, harness } = e;
    await registerMirrorWebhooks(world, harness.database, `${harness.base}/webhooks/clockify`);
    await harness.service.tokens.reload();
    const ws = world.source.workspaceId;
    const hookOf = async (event: string) => (await listWebhooksForWorkspace(harness.database, ws)).find((r) => r.eventType === event)?.clockifyWebhookId ?? "";
    const stopped = await hookOf("TIMER_STOPPED");
    const undelivered = await hookOf("NEW_TIME_ENTRY");
    world.sim.world.setWebhookState(ws, stopped, { enabled: false });
    world.sim.world.setWebhookState(ws, undelivered, { deliveryEnabled: false });

    // The service's own timer finds and repairs them.
    await until(() => e.alerts.texts.length >= 2);
    expect(e.alerts.texts.join("\n")).toMatch(new RegExp(`${stopped} \\(TIMER_STOPPED\\).*re-enabled it`));
    expect(e.alerts.texts.join("\n")).toMatch(new RegExp(`${undelivered} \\(NEW_TIME_ENTRY\\).*re-created it as`));
    const recreated = await hookOf("NEW_TIME_ENTRY");
    expect(recreated).not.toBe(undelivered);
    expect(await hookOf("TIMER_STOPPED")).toBe(stopped);
    const live = world.sim.world.listWebhooks(ws);
    expect(live.find((h) => h.id === undelivered)).toBeUndefined();
    expect(live.filter((h) => h.id === recreated || h.id === stopped).every((h) => h.enabled && h.deliveryEnabled)).toBe(true);

    // Registration and token still valid: a later delivery is accepted and mirrored.
    addEntry(e, "after the repair", "2026-11-22T09:00:00Z");
    await settle(e);
    expect(world.sim.deliveries.log.filter((d) => d.webhookId === recreated).map((d) => d.status)).toEqual([200]);
    expect(copies(e)).toEqual(["after the repair"]);
  });

  it("with webhooks.autoRepair false it only alerts, and the webhook stays as it is", async () => {
    const e = await start({ autoRepair: false });
    const { world, harness } = e;
    await registerMirrorWebhooks(world, harness.database, `${harness.base}/webhooks/clockify`);
    const ws = world.source.workspaceId;
    const hook = (await listWebhooksForWorkspace(harness.database, ws)).find((r) => r.eventType === "NEW_TIME_ENTRY")?.clockifyWebhookId ?? "";
    world.sim.world.setWebhookState(ws, hook, { deliveryEnabled: false });
    const run = await harness.service.webhookHealth.runNow();
    expect(run.repairs.map((r) => [r.webhookId, r.outcome])).toEqual([[hook, "left"]]);
    await until(() => e.alerts.texts.length >= 1);
    expect(e.alerts.texts[0]).toMatch(/not repaired: webhooks.autoRepair is false: run `clockify-sync webhooks repair`/);
    expect(world.sim.world.listWebhooks(ws).find((h) => h.id === hook)?.deliveryEnabled).toBe(false);
    expect(world.sim.stats.count({ method: "PUT" })).toBe(0);
  });
});

describe("a repair that meets a refusal, a stop or a full disk", () => {
  const WEBHOOK = "/v1/workspaces/{workspaceId}/webhooks/{webhookId}";

  async function withDisabledHook(): Promise<{ e: Env; ws: string; hook: string; hookOf: () => Promise<string> }> {
    const e = await start();
    await registerMirrorWebhooks(e.world, e.harness.database, `${e.harness.base}/webhooks/clockify`);
    await e.harness.service.tokens.reload();
    const ws = e.world.source.workspaceId;
    const hookOf = async () => (await listWebhooksForWorkspace(e.harness.database, ws)).find((r) => r.eventType === "NEW_TIME_ENTRY")?.clockifyWebhookId ?? "";
    const hook = await hookOf();
    e.world.sim.world.setWebhookState(ws, hook, { enabled: false });
    return { e, ws, hook, hookOf };
  }

  it("a PUT refused as a bad request (a host that does not take `enabled`) goes on to re-create the webhook", async () => {
    const { e, ws, hook, hookOf } = await withDisabledHook();
    e.world.sim.faults.failWhen = (req) => (req.method === "PUT" && req.route === WEBHOOK ? 400 : undefined);
    const run = await e.harness.service.webhookHealth.runNow();
    expect(run.repairs.map((r) => [r.webhookId, r.outcome])).toEqual([[hook, "re-created"]]);
    expect(await hookOf()).not.toBe(hook);
    expect(e.world.sim.world.listWebhooks(ws).map((h) => h.id)).toContain(await hookOf());
    expect(e.world.sim.world.listWebhooks(ws).map((h) => h.id)).not.toContain(hook);
  });

  it("a PUT the key may not send is tried again at the next check: nothing is deleted", async () => {
    const { e, ws, hook, hookOf } = await withDisabledHook();
    e.world.sim.faults.failWhen = (req) => (req.method === "PUT" && req.route === WEBHOOK ? 403 : undefined);
    const run = await e.harness.service.webhookHealth.runNow();
    expect(run.repairs.map((r) => [r.webhookId, r.outcome])).toEqual([[hook, "failed"]]);
    expect(await hookOf()).toBe(hook);
    expect(e.world.sim.world.listWebhooks(ws).map((h) => h.id)).toContain(hook);
    expect(e.world.sim.stats.count({ method: "DELETE" })).toBe(0);
  });

  it("stopped while its PUT is refused, it deletes nothing: the next start repairs it", async () => {
    const { e, ws, hook, hookOf } = await withDisabledHook();
    e.world.sim.faults.failWhen = (req) => {
      if (req.method !== "PUT" || req.route !== WEBHOOK) return undefined;
      e.harness.service.webhookHealth.stop();
      return 400;
    };
    const run = await e.harness.service.webhookHealth.runNow();
    expect(run.repairs.map((r) => [r.webhookId, r.outcome])).toEqual([[hook, "left"]]);
    expect(e.world.sim.stats.count({ method: "DELETE" })).toBe(0);
    expect(await hookOf()).toBe(hook);
    expect(e.world.sim.world.listWebhooks(ws).map((h) => h.id)).toContain(hook);
  });

  it("a new webhook whose token cannot be stored is deleted again, and the old row stays for the next check", async () => {
    const { e, ws, hook, hookOf } = await withDisabledHook();
    e.world.sim.faults.failWhen = (req) => {
      if (req.method !== "PUT" || req.route !== WEBHOOK) return undefined;
      // The disk refuses writes from here on (a real SQLite refusal, as when it is full or read-only).
      e.harness.database.sqlite.pragma("query_only = ON");
      return 400;
    };
    const run = await e.harness.service.webhookHealth.runNow();
    e.harness.database.sqlite.pragma("query_only = OFF");
    const [result] = run.repairs;
    expect(result?.outcome).toBe("failed");
    expect(result?.detail).toMatch(/could not store its token .*; deleted it again; run `clockify-sync webhooks register`/);
    // Clockify holds neither the old webhook nor an orphan the service has no token for.
    expect(e.world.sim.world.listWebhooks(ws).filter((h) => h.webhookEvent === "NEW_TIME_ENTRY")).toEqual([]);
    expect(await hookOf()).toBe(hook);
    // The next check finds the row's webhook gone and creates it anew, with a new token that works.
    const again = await e.harness.service.webhookHealth.runNow();
    expect(again.repairs.map((r) => [r.reason, r.outcome])).toEqual([[expect.stringMatching(/no longer in Clockify's list/), "re-created"]]);
    addEntry(e, "after the second check", "2026-11-23T09:00:00Z");
    await settle(e);
    expect(copies(e)).toEqual(["after the second check"]);
    expect(e.world.sim.world.listWebhooks(ws).map((h) => h.id)).toContain(await hookOf());
  });
});
