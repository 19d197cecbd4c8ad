import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { neededWebhooks } from "../../src/webhooks/registration/needs.js";
import { parseConfig } from "../../src/config/index.js";
import { openAndMigrate } from "../../src/db/migrate.js";
import { startServerProcess, writeServerDir, type ServerProcess } from "../helpers/server-process.js";
import { acmeConfigFile, seedWebhooks, startTwoWorkspaces, type TwoWorkspaces } from "../helpers/world.js";

let w: TwoWorkspaces | undefined;
let server: ServerProcess | undefined;

afterEach(async () => {
  await server?.stop();
  await w?.sim.close();
  server = undefined;
  w = undefined;
});

async function healthUntil(url: string, status: string, timeoutMs = 15_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    last = (await (await fetch(`${url}/healthz`)).json()) as Record<string, unknown>;
    if (last.status === status) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`/healthz did not become ${status}: ${JSON.stringify(last)}`);
}

describe("the server process reloads its config on SIGHUP", () => {
  it("degraded with a foreign client, ok after the fixed file and a SIGHUP; an invalid file is refused and the service keeps going", async () => {
    const world = (w = await startTwoWorkspaces());
    const foreign = world.sim.world.addClient(world.destination.workspaceId, { name: "Agency" });
    const broken = acmeConfigFile(world, { source: { apiKey: world.user.apiKey, workspaceId: world.source.workspaceId, userId: world.user.id, clientId: foreign.id } });
    // Webhooks registered before the start, so the only problem left is the client.
    const { dir, databasePath } = await writeServerDir(broken);
    const database = openAndMigrate(databasePath);
    for (const need of neededWebhooks(parseConfig(broken).pairs)) {
      await seedWebhooks(world.sim, database, "https://sync.example/webhooks/clockify", need.workspaceId, need.webhooks.map((x) => x.event));
    }
    database.close();
    server = await startServerProcess({ config: broken, dir, apiUrl: world.sim.apiBaseUrl });
    await server.ready();
    const degraded = await healthUntil(server.url, "degraded");
    expect(degraded.problems).toEqual([expect.objectContaining({ pairId: "acme", check: "source.client", level: "error" })]);

    const configPath = join(dir, "config.json");
    await writeFile(configPath, JSON.stringify(acmeConfigFile(world)), { mode: 0o600 });
    server.child.kill("SIGHUP");
    expect(await healthUntil(server.url, "ok")).toMatchObject({ problems: [] });

    await writeFile(configPath, '{"pairs": [{"id": "acme", "sourec": {}}]}');
    server.child.kill("SIGHUP");
    const deadline = Date.now() + 10_000;
    while (!server.output().includes("config reload refused") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(server.output()).toContain("config reload refused");
    expect(server.output()).toMatch(/unknown key \\?"sourec\\?"/);
    expect(await healthUntil(server.url, "ok")).toMatchObject({ status: "ok" });
    expect(await server.stop({ keepDir: false })).toBe(0);
    server = undefined;
  });
});
