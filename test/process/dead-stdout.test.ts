import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";
import { ROOT, STACK, watch } from "./spawn.js";

// Every process of the project must end within 10 s of SIGINT/SIGTERM, whatever became of its stdout;
// here the reader of a real pipe goes away (a killed `tee`, `| head`), as it does in a shell.
const SIGNAL_TO_EXIT_MS = 10_000;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "clockify-sync-dead-stdout-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const pair = {
  id: "acme",
  source: { apiKey: "src-key-for-dead-stdout", workspaceId: "ws-src", userId: "u1", clientId: "c1" },
  destination: { workspaceId: "ws-dst" },
};

async function configured(apiUrl = "http://127.0.0.1:9") {
  const dir = await tempDir();
  const configPath = join(dir, "config.json");
  // 0600: a literal key in a file others can read gets a warning on stderr, which this test keeps empty.
  await writeFile(configPath, JSON.stringify({ pairs: [pair] }), { mode: 0o600 });
  return { CLOCKIFY_SYNC_CONFIG: configPath, DATABASE_PATH: join(dir, "sync.db"), CLOCKIFY_API_URL: apiUrl, LOG_LEVEL: "info" };
}

const rejectedWebhook = (port: number) =>
  fetch(`http://127.0.0.1:${port}/webhooks/clockify`, {
    method: "POST",
    headers: { "content-type": "application/json", "clockify-signature": "not-a-token" },
    body: "{}",
  }).then((r) => r.status);

describe("a process whose stdout reader is gone", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`the server exits 0 within 10 s of ${signal}, after log lines were written`, async () => {
      const port = await freePort();
      const server = watch(["src/cli/main.ts", "serve"], { ...(await configured()), PORT: String(port), HOST: "127.0.0.1" });
      await server.saw(/"msg":"listening"/);
      expect(await rejectedWebhook(port)).toBe(401);
      await server.saw(/"msg":"webhook rejected"/);
      server.closeReader();
      // Counted, not logged: it comes out as a summary line at shutdown, the first write to find the pipe
      // closed, the moment the old code froze in pino's exit flush.
      expect(await rejectedWebhook(port)).toBe(401);
      server.child.kill(signal);
      expect(await server.endsWithin(SIGNAL_TO_EXIT_MS), server.stderr()).toEqual({ code: 0, signal: null });
      expect(server.stderr()).toContain("stdout closed (EPIPE); log lines are dropped from now on");
      expect(server.stderr()).not.toMatch(STACK);
    });
  }

  it("`demo | head -3` ends by itself, quietly, once head has its lines", async () => {
    const shell = spawn("bash", ["-c", `"${process.execPath}" --import tsx src/cli/main.ts demo --port 0 | head -3; exit "\${PIPESTATUS[0]}"`], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    shell.stdout.on("data", (d: Buffer) => (out += d.toString()));
    shell.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => shell.kill("SIGKILL"), 20_000);
    const code = await new Promise<number | null>((resolve) => shell.on("exit", (c) => resolve(c)));
    clearTimeout(timer);
    expect(out.split("\n").filter(Boolean)).toHaveLength(3);
    expect(out).toContain("clockify-sync demo");
    expect(err).toBe("");
    expect(code, "the demo's own exit code").toBe(0);
  });

  it("the simulator exits within 10 s of SIGTERM, and by itself when it finds its reader gone", async () => {
    const running = watch(["src/cli/main.ts", "simulator", "--port", "0"]);
    await running.saw(/Ctrl-C to stop/);
    running.closeReader();
    running.child.kill("SIGTERM");
    expect(await running.endsWithin(SIGNAL_TO_EXIT_MS)).toEqual({ code: 0, signal: null });

    const unread = watch(["src/cli/main.ts", "simulator", "--port", "0"]);
    unread.closeReader();
    expect(await unread.endsWithin(SIGNAL_TO_EXIT_MS)).toEqual({ code: 0, signal: null });
    expect(unread.stderr()).toBe("");
  });

  it("reconcile exits within 10 s of SIGTERM while Clockify keeps it waiting", async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const { port } = silent.address() as { port: number };
    const reconcile = watch(["src/cli/main.ts", "reconcile"], await configured(`http://127.0.0.1:${port}`));
    reconcile.closeReader();
    for (let i = 0; i < 200 && sockets.size === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(sockets.size, reconcile.stderr()).toBeGreaterThan(0);
    reconcile.child.kill("SIGTERM");
    expect(await reconcile.endsWithin(SIGNAL_TO_EXIT_MS)).not.toBe("still running");
    expect(reconcile.stderr()).not.toMatch(STACK);
  });

  it("status, its reader gone before it prints, ends quietly", async () => {
    const status = watch(["src/cli/main.ts", "status"], await configured());
    status.closeReader();
    const ended = await status.endsWithin(SIGNAL_TO_EXIT_MS);
    expect(ended).not.toBe("still running");
    expect(status.stderr()).toBe("");
  });
});
