import { spawn, type ChildProcess } from "node:child_process";
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { openAndMigrate } from "../../src/db/migrate.js";
import { SOURCE_ENTRY_EVENTS } from "../helpers/mirror.js";
import { acmeConfigFile, seedWebhooks, startTwoWorkspaces, type TwoWorkspaces } from "../helpers/world.js";
import { freePort, health } from "../helpers/net.js";
import { writeServerDir } from "../helpers/server-process.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});



async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("crash safety", () => {
  it("a SIGKILL in the middle of a 50-entry burst, then a restart: every entry mirrored exactly once", async () => {
    const env: TwoWorkspaces = await startTwoWorkspaces({ webhookRetryDelayMs: 50, webhookMaxAttempts: 200 });
    cleanup.push(() => env.sim.close());
    const { dir, configPath, databasePath: dbPath } = await writeServerDir(acmeConfigFile(env));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/webhooks/clockify`;
    const database = openAndMigrate(dbPath);
    await seedWebhooks(env.sim, database, url, env.source.workspaceId, SOURCE_ENTRY_EVENTS);
    database.close();

    let child: ChildProcess | undefined;
    const start = () => {
      child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
        cwd: root,
        env: {
          ...process.env,
          CLOCKIFY_SYNC_CONFIG: configPath,
          DATABASE_PATH: dbPath,
          CLOCKIFY_API_URL: env.sim.apiBaseUrl,
          PORT: String(port),
          HOST: "127.0.0.1",
          LOG_LEVEL: "silent",
        },
        stdio: "ignore",
      });
      const exited = new Promise<void>((resolve) => child?.once("exit", () => resolve()));
      cleanup.push(async () => {
        child?.kill("SIGKILL");
        await exited;
      });
      return exited;
    };

    const { world } = env.sim;
    const project = world.addProject(env.source.workspaceId, { name: "Burst", clientId: env.source.clientId });
    world.addProject(env.destination.workspaceId, { name: "Burst" });
    // Slow answers keep creates in flight, so the kill lands between a create and its recorded result.
    env.sim.faults.latencyMs = 15;

    const exited = start();
    await until(async () => (await health(port))?.status === "ok", "first start");
    const base = Date.parse("2026-11-01T08:00:00Z");
    for (let i = 0; i < 50; i++) {
      world.createTimeEntry(
        env.source.workspaceId,
        env.user.id,
        {
          start: new Date(base + i * 3_600_000).toISOString(),
          end: new Date(base + i * 3_600_000 + 1_800_000).toISOString(),
          description: `burst ${i}`,
          projectId: project.id,
        },
        { emit: true },
      );
    }
    const destinationCreates = () =>
      env.sim.stats.count({ method: "POST", route: "/v1/workspaces/{workspaceId}/time-entries" });
    await until(async () => destinationCreates() >= 10, "some creates before the kill");
    child?.kill("SIGKILL");
    await exited;
    const createdBeforeKill = world.listTimeEntries(env.destination.workspaceId).length;
    expect(createdBeforeKill).toBeLessThan(50);

    // Its exit is awaited by the cleanup: this run is meant to keep going.
    void start();
    await until(async () => (await health(port))?.status === "ok", "restart");
    await env.sim.deliveries.idle();
    await until(async () => (await health(port))?.inboxDepth === 0, "inbox drained");

    const copies = world.listTimeEntries(env.destination.workspaceId);
    const descriptions = copies.map((c) => c.description).sort();
    expect(descriptions).toEqual(Array.from({ length: 50 }, (_, i) => `burst ${i}`).sort());
  }, 60_000);
});
