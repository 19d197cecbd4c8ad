import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { choosePort } from "../../src/cli/port.js";
import { runProjectCli, type CliResult } from "../helpers/cli.js";
import { STACK } from "../process/spawn.js";

describe("choosePort", () => {
  it.each([
    { flag: "9000", env: "9100", want: { port: 9000, asked: true, from: "--port" } },
    { flag: "0", env: undefined, want: { port: 0, asked: true, from: "--port" } },
    { flag: undefined, env: "9100", want: { port: 9100, asked: true, from: "PORT" } },
    { flag: undefined, env: "", want: { port: 8787, asked: false, from: "default" } },
    { flag: undefined, env: undefined, want: { port: 8787, asked: false, from: "default" } },
  ])("--port $flag, PORT=$env → $want.port", ({ flag, env, want }) => {
    expect(choosePort(flag, env, 8787)).toEqual(want);
  });

  it.each([
    { flag: "abc", env: undefined, message: '--port: expected an integer between 0 and 65535 (0 picks a free port), got "abc"' },
    { flag: "65536", env: undefined, message: '--port: expected an integer between 0 and 65535 (0 picks a free port), got "65536"' },
    { flag: " 80", env: undefined, message: '--port: expected an integer between 0 and 65535 (0 picks a free port), got " 80"' },
    { flag: undefined, env: "0x50", message: 'PORT: expected an integer between 0 and 65535 (0 picks a free port), got "0x50"' },
  ])("refuses --port $flag / PORT=$env naming the source", ({ flag, env, message }) => {
    expect(() => choosePort(flag, env, 8787)).toThrow(message);
  });
});

// Something else holds a port; each program asked for it says so in one line and exits 1.
let holder: Server;
let busy: number;
let dir: string;
beforeAll(async () => {
  holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  busy = (holder.address() as { port: number }).port;
  dir = await mkdtemp(join(tmpdir(), "clockify-sync-ports-"));
});
afterAll(async () => {
  await new Promise<void>((resolve) => holder.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

function expectPortInUse(result: CliResult): void {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stderr).toBe(`error: port ${busy} on 127.0.0.1 is already in use; pick another with --port N or PORT=N\n`);
  expect(result.stderr).not.toMatch(STACK);
  expect(result.stdout).toBe("");
}

describe("a busy port", () => {
  it("the simulator, asked with --port or PORT, says so and how to pick another", async () => {
    const [byFlag, byEnv, flagWins] = await Promise.all([
      runProjectCli("simulator", ["--port", String(busy)], {}),
      runProjectCli("simulator", [], { PORT: String(busy) }),
      runProjectCli("simulator", ["--port", String(busy)], { PORT: "0" }),
    ]);
    expectPortInUse(byFlag);
    expectPortInUse(byEnv);
    expectPortInUse(flagWins);
  });

  it("the demo, asked with --port or PORT, says so and how to pick another", async () => {
    const [byFlag, byEnv] = await Promise.all([
      runProjectCli("demo", ["--once", "--port", String(busy)], { LOG_LEVEL: "silent" }),
      runProjectCli("demo", ["--once"], { PORT: String(busy), LOG_LEVEL: "silent" }),
    ]);
    expectPortInUse(byFlag);
    expectPortInUse(byEnv);
  });

  it("the demo, not asked for a port, takes a free one when 8080 is taken and says which", async () => {
    // 8080 may already be someone else's; if not, this test takes it.
    const taken = createServer();
    await new Promise<void>((resolve) => {
      taken.once("error", () => resolve());
      taken.listen(8080, "127.0.0.1", () => resolve());
    });
    try {
      const result = await runProjectCli("demo", ["--once"], { PORT: "", LOG_LEVEL: "silent" });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const page = /status page: http:\/\/127\.0\.0\.1:(\d+)\/ \(port 8080 is in use, so a free one was picked; choose with --port N or PORT=N\)/.exec(result.stdout);
      expect(page, result.stdout).not.toBeNull();
      expect(page?.[1]).not.toBe("8080");
    } finally {
      await new Promise<void>((resolve) => (taken.listening ? taken.close(() => resolve()) : resolve()));
    }
  });

  it("the service says which port is taken and how to choose another, in one line", async () => {
    const configPath = join(dir, "config.json");
    const pair = { id: "acme", source: { apiKey: "k", workspaceId: "ws-a", userId: "u", clientId: "c" }, destination: { workspaceId: "ws-b" } };
    await writeFile(configPath, JSON.stringify({ pairs: [pair] }));
    const result = await runProjectCli("serve", [], {
      CLOCKIFY_SYNC_CONFIG: configPath,
      DATABASE_PATH: join(dir, "sync.db"),
      CLOCKIFY_API_URL: "http://127.0.0.1:9/api/v1",
      PORT: String(busy),
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `clockify-sync: failed to start: port ${busy} on 127.0.0.1 is in use (another clockify-sync or another program); set PORT=N to listen elsewhere\n`,
    );
  });
});
