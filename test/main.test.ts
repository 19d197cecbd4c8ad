import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "./helpers/net.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});


function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

const pair = {
  id: "acme",
  source: { apiKey: "${SRC_KEY}", workspaceId: "ws-src", userId: "u1", clientId: "c1" },
  destination: { workspaceId: "ws-dst" },
};

describe("the server process", () => {
  it("applies migrations at start, answers /healthz and exits 0 on SIGTERM", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clockify-sync-main-"));
    dirs.push(dir);
    const configPath = join(dir, "config.json");
    await writeFile(configPath, JSON.stringify({ pairs: [pair] }));
    const dbPath = join(dir, "nested", "sync.db");
    const port = await freePort();
    const proc = start({
      CLOCKIFY_SYNC_CONFIG: configPath,
      DATABASE_PATH: dbPath,
      PORT: String(port),
      HOST: "127.0.0.1",
      SRC_KEY: "super-secret-key-value",
    });
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    proc.child.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    expect(proc.output()).not.toContain("super-secret-key-value");
    const db = new Database(dbPath, { readonly: true });
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>;
    db.close();
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(["entry_map", "project_map", "inbox", "reconcile_runs", "webhooks"]),
    );
  });

  it("refuses to start on an invalid config with one clear line and exit code 2", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clockify-sync-main-"));
    dirs.push(dir);
    const configPath = join(dir, "config.json");
    await writeFile(configPath, JSON.stringify({ pairs: [pair] }));
    const proc = start({ CLOCKIFY_SYNC_CONFIG: configPath, DATABASE_PATH: join(dir, "x.db"), SRC_KEY: "" });
    const code = await proc.exited;
    expect(code).toBe(2);
    expect(proc.output()).toMatch(/pairs\[0\]\.source\.apiKey/);
  });
});
