import { execFile, spawn } from "node:child_process";
import { cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { program } from "../../src/cli/main.js";
import { freePort } from "../helpers/net.js";

// A production install made for real, as the README's non-Docker route makes one: the build output with
// package.json, the lock file, bin/ and migrations/, and only the production dependencies. `npm ci
// --omit=dev` would compile better-sqlite3 again (over a minute), so the clone's node_modules is copied
// and pruned: the same tree, in seconds. No src/, no tsx, no TypeScript: every command must run anyway.
const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
let app: string;

/** Each command and subcommand, as words after `clockify-sync`, with the long flags its help must name. */
function commandsOf(command: Command, path: string[] = []): Array<{ words: string[]; flags: string[] }> {
  return command.commands.flatMap((sub) => {
    const words = [...path, sub.name()];
    const flags = sub.options.map((o) => o.long).filter((flag): flag is string => flag !== undefined);
    return [{ words, flags }, ...commandsOf(sub, words)];
  });
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function launch(file: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return run(file, args, { cwd: app, env: { PATH: process.env.PATH ?? "", HOME: app, NO_COLOR: "1", ...env }, timeout: 30_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? null, stdout: error.stdout ?? "", stderr: error.stderr ?? "" }),
  );
}

beforeAll(async () => {
  app = await mkdtemp(join(tmpdir(), "clockify-sync-production-"));
  for (const file of ["package.json", "package-lock.json"]) await cp(join(root, file), join(app, file));
  for (const dir of ["bin", "migrations"]) await cp(join(root, dir), join(app, dir), { recursive: true });
  // `npm run build`'s output, written here rather than into the clone's dist/.
  await run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json", "--outDir", join(app, "dist")], {
    cwd: root,
    timeout: 120_000,
  });
  await cp(join(root, "node_modules"), join(app, "node_modules"), { recursive: true, verbatimSymlinks: true });
  await run("npm", ["prune", "--omit=dev", "--no-audit", "--no-fund"], { cwd: app, timeout: 120_000 });
}, 180_000);

afterAll(async () => {
  if (app) await rm(app, { recursive: true, force: true });
});

describe("a production install (build output, npm prune --omit=dev)", () => {
  it("holds no dev dependency and no sources", async () => {
    for (const dev of ["tsx", "typescript", "vitest", "eslint"]) await expect(stat(join(app, "node_modules", dev))).rejects.toThrow();
    await expect(stat(join(app, "src"))).rejects.toThrow();
    await expect(stat(join(app, "node_modules", "commander"))).resolves.toBeTruthy();
  });

  it("answers --help for the program and every subcommand, naming each option", async () => {
    const commands = commandsOf(await program()).filter(({ words }) => !words.includes("help"));
    const names = commands.filter(({ words }) => words.length === 1).map(({ words }) => words[0]);
    expect(names).toEqual(["serve", "reconcile", "status", "doctor", "webhooks", "deadletter", "setup", "demo", "simulator"]);
    const top = await launch(process.execPath, ["bin/clockify-sync.js", "--help"]);
    expect(top.code, top.stderr).toBe(0);
    for (const name of names) expect(top.stdout).toMatch(new RegExp(`^  ${name}\\b`, "m"));

    const helps = await Promise.all(commands.map(({ words }) => launch(process.execPath, ["bin/clockify-sync.js", ...words, "--help"])));
    commands.forEach(({ words, flags }, i) => {
      const help = helps[i];
      expect(help?.code, `${words.join(" ")} --help: ${help?.stderr}`).toBe(0);
      expect(help?.stdout).toContain(`Usage: clockify-sync ${words.join(" ")}`);
      for (const flag of flags) expect(help?.stdout, `${words.join(" ")} --help names ${flag}`).toContain(flag);
    });
    expect(commands.find((c) => c.words.join(" ") === "simulator")?.flags).toEqual(["--port", "--host", "--seed"]);

    const version = await launch(process.execPath, ["bin/clockify-sync.js", "--version"]);
    const { version: expected } = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { version: string };
    expect(version.stdout.trim()).toBe(expected);
  });

  it("runs every npm script that names a subcommand: `npm run <name> -- --help`", async () => {
    const { scripts } = JSON.parse(await readFile(join(app, "package.json"), "utf8")) as { scripts: Record<string, string> };
    const launched = Object.entries(scripts).filter(([, line]) => line.startsWith("node bin/clockify-sync.js "));
    expect(launched.map(([name]) => name)).toEqual(
      expect.arrayContaining(["start", "reconcile", "status", "doctor", "webhooks", "deadletter", "setup", "demo", "simulator"]),
    );
    const helps = await Promise.all(launched.map(([name]) => launch("npm", ["run", "--silent", name, "--", "--help"])));
    launched.forEach(([name, line], i) => {
      const subcommand = line.split(" ")[2] ?? "";
      expect(helps[i]?.code, `npm run ${name} -- --help: ${helps[i]?.stderr}`).toBe(0);
      expect(helps[i]?.stdout).toContain(`Usage: clockify-sync ${subcommand}`);
    });
  });

  it("runs a real command: deadletter list makes and migrates the database and reports none", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clockify-sync-production-db-"));
    try {
      const databasePath = join(dir, "data", "sync.db");
      const configPath = join(dir, "config.json");
      const pair = { id: "acme", source: { apiKey: "k", workspaceId: "ws-a", userId: "u", clientId: "c" }, destination: { workspaceId: "ws-b" } };
      await writeFile(configPath, JSON.stringify({ pairs: [pair] }));
      const env = { DATABASE_PATH: databasePath, CLOCKIFY_SYNC_CONFIG: configPath };
      const list = await launch(process.execPath, ["bin/clockify-sync.js", "deadletter", "list"], env);
      expect(list, list.stderr).toMatchObject({ code: 0, stdout: "no dead letters\n" });
      await expect(stat(databasePath)).resolves.toBeTruthy();
      const status = await launch("npm", ["run", "--silent", "status", "--", "--json"], env);
      expect(status.stderr).not.toMatch(/^\s+at /m);
      const report = JSON.parse(status.stdout) as { pairs: Array<{ id: string }> };
      expect(report.pairs.map((p) => p.id)).toEqual(["acme"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("runs the simulator in the launcher's own process (no child) and stops it with SIGTERM", async () => {
    const child = spawn(process.execPath, ["bin/clockify-sync.js", "simulator", "--port", "0"], {
      cwd: app,
      env: { PATH: process.env.PATH ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      for (let i = 0; i < 200 && !out.includes("Ctrl-C to stop"); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toMatch(/Clockify simulator listening on http:\/\/127\.0\.0\.1:\d+/);
      // Linux lists a process's children here: a signal to this pid reaches the program itself.
      const tasks = await readdir(`/proc/${child.pid}/task`);
      const children = await Promise.all(tasks.map((t) => readFile(`/proc/${child.pid}/task/${t}/children`, "utf8")));
      expect(children.join("").trim()).toBe("");
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it(
    "starts with the Dockerfile's CMD, passes its HEALTHCHECK and stops on SIGTERM with 0",
    async () => {
      const dockerfile = await readFile(join(root, "Dockerfile"), "utf8");
      const config = join(app, "config.json");
      await writeFile(
        config,
        JSON.stringify({
          pairs: [
            {
              id: "image",
              source: { apiKey: "${SRC_KEY}", workspaceId: "ws-a", userId: "u", clientId: "c" },
              destination: { workspaceId: "ws-b" },
            },
          ],
        }),
      );
      const port = await freePort();
      const env = {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "production",
        CLOCKIFY_SYNC_CONFIG: config,
        DATABASE_PATH: join(app, "data", "clockify-sync.db"),
        CLOCKIFY_API_URL: "http://127.0.0.1:9/api/v1",
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        SRC_KEY: "image-test-key",
      };
      // The image's own CMD, with this Node for its `node`.
      const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? "[]") as string[];
      expect(cmd[0]).toBe("node");
      const server = spawn(process.execPath, cmd.slice(1), { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      server.stdout.on("data", (d: Buffer) => (output += d.toString()));
      server.stderr.on("data", (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => server.on("exit", (code) => resolve(code)));
      try {
        // Join continuation lines, then take the HEALTHCHECK's own command.
        const joined = dockerfile.replace(/\\\n\s*/g, " ");
        const check = /^HEALTHCHECK .*? CMD (.+)$/m.exec(joined)?.[1]?.trim();
        const script = /^node -e "(.*)"$/.exec(check ?? "")?.[1] ?? "";
        expect(script).toContain("/healthz");
        let healthy = false;
        for (let i = 0; i < 100 && !healthy; i++) {
          healthy = await run(process.execPath, ["-e", script], { env }).then(
            () => true,
            () => false,
          );
          if (!healthy) await new Promise((r) => setTimeout(r, 100));
        }
        expect(healthy, output).toBe(true);
        server.kill("SIGTERM");
        expect(await exited, output).toBe(0);
        await expect(stat(env.DATABASE_PATH)).resolves.toBeTruthy();
      } finally {
        server.kill("SIGKILL");
      }
    },
    60_000,
  );
});
