import { spawn, type ChildProcess } from "node:child_process";
import { get } from "node:http";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./net.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  url: string;
  dir: string;
  databasePath: string;
  /** Resolves with the exit code (null after a signal) once the process has ended. */
  exited: Promise<number | null>;
  output(): string;
  /** Polls /healthz until it answers; throws after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGTERM and wait; SIGKILL after 10 s. Removes the temp dir unless `keepDir`. */
  stop(options?: { keepDir?: boolean }): Promise<number | null>;
}

export interface ServerProcessOptions {
  /** The config file's content (pairs etc.). */
  config: unknown;
  /** Run inside this directory (another server's, to share its database); a new temp dir by default. */
  dir?: string;
  apiUrl?: string;
  /** A port chosen beforehand (webhooks registered before the start need the URL); a free one by default. */
  port?: number;
  env?: Record<string, string>;
}

export interface ServerDir {
  dir: string;
  configPath: string;
  databasePath: string;
}

/** A directory as the server process reads it: its config file written, its database's place beside it. */
export async function writeServerDir(config: unknown, dir?: string): Promise<ServerDir> {
  const at = dir ?? (await mkdtemp(join(tmpdir(), "clockify-sync-proc-")));
  const configPath = join(at, "config.json");
  await writeFile(configPath, JSON.stringify(config));
  return { dir: at, configPath, databasePath: join(at, "sync.db") };
}

/** The real server (`clockify-sync serve`, from source) as its own process, on a free loopback port, with a temp database. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const { dir, configPath, databasePath } = await writeServerDir(options.config, options.dir);
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: "info",
      CLOCKIFY_SYNC_CONFIG: configPath,
      DATABASE_PATH: databasePath,
      PORT: String(port),
      HOST: "127.0.0.1",
      ...(options.apiUrl ? { CLOCKIFY_API_URL: options.apiUrl } : {}),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    pid: child.pid ?? 0,
    port,
    url,
    dir,
    databasePath,
    exited,
    output: () => output,
    async ready(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (done) throw new Error(`the server exited before it was ready:\n${output}`);
        if ((await healthStatus(port)) !== 0) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the server did not answer /healthz within ${timeoutMs} ms:\n${output}`);
    },
    async stop({ keepDir = false } = {}) {
      if (!done) child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(killer);
      if (!keepDir && !options.dir) await rm(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** /healthz's status on a connection of its own, closed after it (0 when nothing answers): polling
 * leaves no idle keep-alive connection behind to skew a test that counts connections or memory. */
function healthStatus(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = get({ host: "127.0.0.1", port, path: "/healthz", agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(0));
  });
}
