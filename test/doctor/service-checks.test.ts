import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../src/config/index.js";
import { listCheckProblems } from "../../src/db/checks.js";
import { startServiceHarness, type ServiceHarness } from "../helpers/harness.js";
import { neededWebhooks } from "../../src/webhooks/registration/needs.js";
import { acmeConfigFile, seedWebhooks, startTwoWorkspaces, type TwoWorkspaces } from "../helpers/world.js";

let w: TwoWorkspaces;
let h: ServiceHarness | undefined;
let dir: string;
let path: string;

beforeEach(async () => {
  w = await startTwoWorkspaces();
  dir = mkdtempSync(join(tmpdir(), "clockify-sync-checks-"));
  path = join(dir, "config.json");
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await w.sim.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(file: Record<string, unknown>): void {
  writeFileSync(path, JSON.stringify(file));
}

async function start(file: Record<string, unknown>): Promise<ServiceHarness> {
  writeConfig(file);
  return startServiceHarness({
    config: parseConfig(file),
    apiUrl: w.sim.apiBaseUrl,
    listen: true,
    service: { checks: { enabled: true }, loadConfig: () => loadConfig(path) },
  });
}

const URL = "https://sync.example/webhooks/clockify";

async function seedAllWebhooks(harness: ServiceHarness): Promise<void> {
  for (const need of neededWebhooks(harness.config.pairs)) {
    await seedWebhooks(w.sim, harness.database, URL, need.workspaceId, need.webhooks.map((x) => x.event));
  }
}

const withClient = (clientId: string) => ({ source: { apiKey: w.user.apiKey, workspaceId: w.source.workspaceId, userId: w.user.id, clientId } });

describe("the service's checks, /healthz and reload", () => {
  it("a client of another workspace: degraded with the problem (no ids), an alert; ok after the fix and a reload", async () => {
    const foreign = w.sim.world.addClient(w.destination.workspaceId, { name: "Agency" });
    h = await start(acmeConfigFile(w, withClient(foreign.id)));
    await seedAllWebhooks(h);
    await h.service.checks.runNow();
    const degraded = await request(h.service.app).get("/healthz").expect(200);
    expect(degraded.body.status).toBe("degraded");
    expect(degraded.body.problems).toEqual([
      expect.objectContaining({ pairId: "acme", check: "source.client", level: "error", message: expect.stringContaining("source.clientId") }),
    ]);
    expect(JSON.stringify(degraded.body)).not.toContain(foreign.id);
    expect((await listCheckProblems(h.database)).map((p) => p.check)).toEqual(["source.client"]);
    expect(h.records().some((r) => r.level === 50 && String(r.msg).includes("source.client") && String(r.msg).includes(foreign.id))).toBe(true);

    writeConfig(acmeConfigFile(w));
    expect(h.service.reload()).toEqual({ ok: true, pairs: ["acme"] });
    await h.service.checks.runNow();
    const ok = await request(h.service.app).get("/healthz").expect(200);
    expect(ok.body).toMatchObject({ status: "ok", problems: [] });
    expect(await listCheckProblems(h.database)).toEqual([]);
    expect(h.records().some((r) => r.level === 30 && String(r.msg).includes("source.client is fine again"))).toBe(true);
  });

  it("a Clockify outage neither clears an error nor announces it fixed", async () => {
    const foreign = w.sim.world.addClient(w.destination.workspaceId, { name: "Agency" });
    h = await start(acmeConfigFile(w, withClient(foreign.id), { maxRetries: 0 }));
    await seedAllWebhooks(h);
    await h.service.checks.runNow();
    await w.sim.close();
    await h.service.checks.runNow();
    const health = await request(h.service.app).get("/healthz").expect(200);
    expect(health.body.status).toBe("degraded");
    const problems = health.body.problems.map((p: { check: string; level: string }) => `${p.check}:${p.level}`);
    expect(problems).toEqual(expect.arrayContaining(["source.client:error", "source.key:warning"]));
    expect(problems.filter((p: string) => p.endsWith(":error"))).toEqual(["source.client:error"]);
    expect((await listCheckProblems(h.database)).find((p) => p.check === "source.client")?.level).toBe("error");
    expect(h.records().some((r) => String(r.msg).includes("fine again"))).toBe(false);
  });

  it("a reload while another connection holds the write lock still takes effect and does not throw", async () => {
    h = await start(acmeConfigFile(w));
    const other = new Database(h.databasePath);
    other.exec("BEGIN IMMEDIATE");
    try {
      writeConfig({ ...acmeConfigFile(w), reconcile: { windowDays: 7 } });
      expect(() => h?.service.reload()).not.toThrow();
      expect(h.service.config().reconcile.windowDays).toBe(7);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
  });

  it("an invalid file is refused with its message and the running config stays", async () => {
    h = await start(acmeConfigFile(w));
    writeFileSync(path, '{"pairs": [{"id": "acme", "sourec": {}}]}');
    const outcome = h.service.reload();
    expect(outcome).toMatchObject({ ok: false, message: expect.stringMatching(/config file .* is invalid/) });
    expect(h.service.config().pairs.map((p) => p.source.clientId)).toEqual([w.source.clientId]);
  });

  it("a removed pair: its webhook secret stops being accepted, and the other pair's events go on", async () => {
    const other = w.sim.world.addWorkspace({ name: "Other customer", ownerId: w.user.id, plan: "PRO" });
    const two = {
      pairs: [
        { ...(acmeConfigFile(w).pairs as Record<string, unknown>[])[0], webhookSecrets: ["secret-of-acme-000000000000"] },
        { id: "beta", source: { apiKey: w.user.apiKey, workspaceId: w.source.workspaceId, userId: w.user.id, clientId: w.source.otherClientId }, destination: { workspaceId: other.id }, webhookSecrets: ["secret-of-beta-000000000000"] },
      ],
    };
    h = await start(two);
    expect(await h.service.tokens.lookup("secret-of-acme-000000000000")).toBeDefined();
    writeConfig({ pairs: [two.pairs[1]] });
    expect(h.service.reload()).toEqual({ ok: true, pairs: ["beta"] });
    expect(await h.service.tokens.lookup("secret-of-acme-000000000000")).toBeUndefined();
    expect(await h.service.tokens.lookup("secret-of-beta-000000000000")).toBeDefined();
    expect([...h.service.runtimes.keys()]).toEqual(["beta"]);
  });
});
