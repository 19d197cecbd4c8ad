import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "../../helpers/net.js";
import { startServerProcess, type ServerProcess } from "../../helpers/server-process.js";
import { acmeConfigFile, startTwoWorkspaces, type TwoWorkspaces } from "../../helpers/world.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

export interface ProcessWorld extends TwoWorkspaces {
  server: ServerProcess;
  sourceProjectId: string;
  /** Creates a source entry (its NEW_TIME_ENTRY webhook goes to the server) with this description. */
  entry(description: string): void;
  destinationDescriptions(): string[];
  close(): Promise<void>;
}

/**
 * The simulator in this process, the real server in its own: what a fault injected into the server's
 * process (strace, a foreign lock) needs. The NEW_TIME_ENTRY webhook's token is a config secret, so
 * the server needs no registration step; the simulator retries a non-2xx delivery every `retryMs`.
 */
export async function startProcessWorld(options: { retryMs?: number; env?: Record<string, string> } = {}): Promise<ProcessWorld> {
  const world = await startTwoWorkspaces({ webhookRetryDelayMs: options.retryMs ?? 300, webhookMaxAttempts: 100 });
  const port = await freePort();
  const hook = world.sim.world.addWebhook(world.source.workspaceId, {
    url: `http://127.0.0.1:${port}/webhooks/clockify`,
    webhookEvent: "NEW_TIME_ENTRY",
  });
  const project = world.sim.world.addProject(world.source.workspaceId, { name: "Website", clientId: world.source.clientId });
  world.sim.world.addProject(world.destination.workspaceId, { name: "Website" });
  const server = await startServerProcess({
    config: acmeConfigFile(world, { webhookSecrets: [hook.authToken] }),
    apiUrl: world.sim.apiBaseUrl,
    port,
    ...(options.env ? { env: options.env } : {}),
  });
  await server.ready();
  let minute = 0;
  return {
    ...world,
    server,
    sourceProjectId: project.id,
    entry(description) {
      const start = new Date(Date.UTC(2026, 10, 20, 8, 0) + minute++ * 60_000).toISOString().replace(".000", "");
      const end = new Date(Date.parse(start) + 30_000).toISOString().replace(".000", "");
      world.sim.world.createTimeEntry(
        world.source.workspaceId,
        world.user.id,
        { start, end, description, projectId: project.id, billable: false },
        { emit: true },
      );
    },
    destinationDescriptions: () =>
      world.sim.world
        .listTimeEntries(world.destination.workspaceId)
        .map((e) => e.description)
        .sort(),
    async close() {
      await server.stop();
      await world.sim.close();
    },
  };
}

/** strace attached to a running process; `detach()` ends the tracing (and any fault it injects). */
export interface Tracer {
  /** What strace wrote (its -o file is its stderr here). */
  output(): string;
  detach(): Promise<void>;
}

export async function attachStrace(pid: number, args: string[]): Promise<Tracer> {
  const child: ChildProcess = spawn("strace", ["-p", String(pid), ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let output = "";
  const attached = new Promise<void>((resolve, reject) => {
    child.stderr?.on("data", (d: Buffer) => {
      output += d.toString();
      if (output.includes("attached")) resolve();
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`strace exited (${code}) before attaching:\n${output}`)));
  });
  await attached;
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    output: () => output,
    async detach() {
      child.kill("SIGINT");
      await exited;
    },
  };
}

/** Another process holding the database's write lock (BEGIN IMMEDIATE) until `release()`. */
export async function holdWriteLock(databasePath: string): Promise<{ release(): Promise<void> }> {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[1]);
    db.exec("BEGIN IMMEDIATE");
    process.stdout.write("locked\\n");
    process.stdin.on("data", () => { db.exec("COMMIT"); db.close(); process.exit(0); });
  `;
  const child = spawn(process.execPath, ["-e", script, databasePath], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => d.toString().includes("locked") && resolve());
    child.on("exit", (code) => reject(new Error(`the lock holder exited (${code})`)));
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    async release() {
      child.stdin.write("go\n");
      await exited;
    },
  };
}
