import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runProjectCli } from "../helpers/cli.js";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";

/** Two services on one SQLite file would both claim each event and copy it twice: the second refuses. */
const config = {
  pairs: [
    {
      id: "acme",
      source: { apiKey: "k-source-0000000000", workspaceId: "ws-src", userId: "u1", clientId: "c1" },
      destination: { workspaceId: "ws-dst" },
    },
  ],
};
const NOWHERE = "http://127.0.0.1:9/api/v1";

const started: ServerProcess[] = [];
afterEach(async () => {
  const dirs = new Set(started.map((s) => s.dir));
  await Promise.all(started.splice(0).map((s) => s.stop({ keepDir: true })));
  await Promise.all([...dirs].map((d) => rm(d, { recursive: true, force: true })));
});

async function server(dir?: string): Promise<ServerProcess> {
  const s = await startServerProcess({ config, apiUrl: NOWHERE, ...(dir ? { dir } : {}) });
  started.push(s);
  return s;
}

describe("one service per database file", () => {
  it("refuses a second service with a clear message, lets CLIs work, and takes over from a killed one at once", async () => {
    const first = await server();
    await first.ready();

    const second = await server(first.dir);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain("another clockify-sync service");
    expect(second.output()).toContain(`pid ${first.pid}`);
    expect(second.output()).toContain("DATABASE_PATH");
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);

    const cli = await runProjectCli("deadletter", ["list"], {
      CLOCKIFY_SYNC_CONFIG: join(first.dir, "config.json"),
      DATABASE_PATH: first.databasePath,
    });
    expect(cli.stderr).not.toContain("another clockify-sync service");
    expect(cli.code).toBe(0);

    // A crash leaves the lock behind; its holder is gone, so the next start does not wait for it to expire.
    first.child.kill("SIGKILL");
    await first.exited;
    const third = await server(first.dir);
    await third.ready();
    expect(await third.stop({ keepDir: true })).toBe(0);

    // A clean stop releases it.
    const fourth = await server(first.dir);
    await fourth.ready();
  });
});
