import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { collectStatus } from "../../src/status/collect.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";
import { CREATE_ENTRY, postDelivery } from "./support/e2e.js";

const ADMIN_TOKEN = "adm-Hygiene-7c4e91b2f05d4a6e8b13";

let m: MirrorEnv | undefined;
afterEach(async () => {
  await m?.close();
  m = undefined;
});

/** The secrets of the run: the API key, every webhook token Clockify issued, the admin token. */
function secretsOf(env: MirrorEnv): Map<string, string> {
  const secrets = new Map<string, string>([
    ["api key", env.user.apiKey],
    ["admin token", ADMIN_TOKEN],
  ]);
  for (const ws of [env.source.workspaceId, env.destination.workspaceId]) {
    for (const hook of env.sim.world.listWebhooks(ws)) secrets.set(`webhook token ${hook.webhookEvent}@${ws}`, hook.authToken);
  }
  return secrets;
}

/** Names of the secrets found in `text` (a Buffer is searched byte for byte, as UTF-8). */
function leaks(secrets: Map<string, string>, text: string | Buffer): string[] {
  return [...secrets].filter(([, value]) => text.includes(value)).map(([name]) => name);
}

async function adminPost(env: MirrorEnv, path: string, token: string): Promise<number> {
  const url = env.webhookUrl.replace("/webhooks/clockify", path);
  const res = await request(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }).toString(),
  });
  await res.body.dump();
  return res.statusCode;
}

describe("log hygiene", () => {
  it("keeps the API key, webhook tokens and admin token out of logs, inbox errors, the database file and status", async () => {
    m = await startMirror({ adminToken: ADMIN_TOKEN, worker: { retry: { baseDelayMs: 10, maxDelayMs: 50, maxAttempts: 3 } } });
    const env = m;
    const { world } = env.sim;
    const secrets = secretsOf(env);
    expect(secrets.size).toBeGreaterThanOrEqual(2 + 8);
    expect(env.user.apiKey.length).toBeGreaterThan(8);

    const project = world.addProject(env.source.workspaceId, { name: "Website", clientId: env.source.clientId });
    world.addProject(env.destination.workspaceId, { name: "Website" });
    const input = (i: number) => ({
      start: `2026-11-20T${String(8 + i).padStart(2, "0")}:00:00Z`,
      end: `2026-11-20T${String(8 + i).padStart(2, "0")}:45:00Z`,
      description: `hygiene ${i}`,
      projectId: project.id,
    });

    // Creates, edits, deletes.
    const entries = [0, 1, 2, 3].map((i) => world.createTimeEntry(env.source.workspaceId, env.user.id, input(i), { emit: true }));
    await env.settle();
    for (const [i, entry] of entries.entries()) {
      world.updateTimeEntry(env.source.workspaceId, entry.id, { ...input(i), description: `hygiene ${i} edited` }, { emit: true });
    }
    const [first] = entries;
    if (!first) throw new Error("no entry");
    world.deleteTimeEntry(env.source.workspaceId, first.id, { emit: true });
    await env.settle();
    expect(world.listTimeEntries(env.destination.workspaceId)).toHaveLength(3);

    // A 401 from Clockify on the destination create, then a permanent 403: both end up failing the event.
    let failWith: number | undefined = 401;
    env.sim.faults.failWhen = (req) => (req.method === CREATE_ENTRY.method && req.route === CREATE_ENTRY.route ? failWith : undefined);
    world.createTimeEntry(env.source.workspaceId, env.user.id, input(5), { emit: true });
    await env.settle();
    failWith = 403;
    world.createTimeEntry(env.source.workspaceId, env.user.id, input(6), { emit: true });
    await env.settle();
    await new Promise((r) => setTimeout(r, 300));
    await env.settle();
    env.sim.faults.failWhen = undefined;
    const failed = env.sim.stats.count({ ...CREATE_ENTRY, status: 401 }) + env.sim.stats.count({ ...CREATE_ENTRY, status: 403 });
    expect(env.sim.stats.count({ ...CREATE_ENTRY, status: 401 })).toBeGreaterThan(0);
    expect(env.sim.stats.count({ ...CREATE_ENTRY, status: 403 })).toBeGreaterThan(0);
    expect(failed).toBeGreaterThanOrEqual(2);

    const errors = env.database.sqlite
      .prepare("select status, last_error from inbox where last_error is not null")
      .all() as Array<{ status: string; last_error: string }>;
    expect(errors.some((e) => e.status === "dead")).toBe(true);

    // A webhook signed with a wrong token, one a character off a real one, and one with no token at all.
    const body = JSON.stringify({ id: first.id, workspaceId: env.source.workspaceId, userId: env.user.id });
    const realToken = world.listWebhooks(env.source.workspaceId)[0]?.authToken ?? "";
    const nearMiss = `${realToken.slice(0, -1)}${realToken.endsWith("x") ? "y" : "x"}`;
    const wrongTokens = ["wrongTokenWrongTokenWrongToken12", nearMiss];
    for (const token of wrongTokens) {
      expect(await postDelivery(env.webhookUrl, { token, event: "TIME_ENTRY_UPDATED", body })).toBe(401);
    }
    expect(await postDelivery(env.webhookUrl, { token: "", event: "TIME_ENTRY_UPDATED", body })).toBe(401);

    // The admin buttons: a wrong admin token, then the right one.
    expect(await adminPost(env, "/admin/reconcile", "not-the-admin-token")).toBe(403);
    expect(await adminPost(env, "/admin/reconcile", ADMIN_TOKEN)).toBeLessThan(400);
    await env.settle();
    await new Promise((r) => setTimeout(r, 200));

    // Logs at debug level, including the failures above.
    const logs = env.logs.join("");
    expect(logs).toContain("dead-lettered");
    expect(env.logs.length).toBeGreaterThan(10);
    expect(leaks(secrets, logs)).toEqual([]);
    // A presented (wrong) token may be a real one mistyped: it is not logged either.
    expect(wrongTokens.filter((t) => logs.includes(t))).toEqual([]);
    expect(logs.includes(realToken.slice(0, -1))).toBe(false);

    // Error messages stored in the inbox.
    const allErrors = (env.database.sqlite.prepare("select last_error from inbox where last_error is not null").all() as Array<{ last_error: string }>)
      .map((r) => r.last_error)
      .join("\n");
    expect(allErrors.length).toBeGreaterThan(0);
    expect(leaks(secrets, allErrors)).toEqual([]);

    // What `npm run status -- --json` prints.
    const status = JSON.stringify(await collectStatus(env.database, env.config, Date.now()), null, 2);
    expect(status).toContain("acme");
    expect(leaks(secrets, status)).toEqual([]);

    // The raw bytes of the database and its write-ahead log, read while the service still has it open.
    const dbPath = join(env.dir, "sync.db");
    const files = [dbPath, `${dbPath}-wal`].filter((f) => existsSync(f));
    expect(files[0]).toBe(dbPath);
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(leaks(secrets, bytes), file).toEqual([]);
      expect(wrongTokens.filter((t) => bytes.includes(t)), file).toEqual([]);
    }
    // A checkpoint moves the WAL into the main file; read it again after.
    env.database.sqlite.pragma("wal_checkpoint(TRUNCATE)");
    expect(leaks(secrets, readFileSync(dbPath))).toEqual([]);
  });
});
