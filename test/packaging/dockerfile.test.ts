import { execFile, spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";

// There is no Docker engine here, so this performs the Dockerfile's production steps by hand in a temp
// dir: production-only install, the build, the migrations, start with a config, the HEALTHCHECK command,
// SIGTERM. If the recipe drifts from what the service needs, this fails.
const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
let dockerfile: string;
let app: string;


beforeAll(async () => {
  dockerfile = await readFile(join(root, "Dockerfile"), "utf8");
  app = await mkdtemp(join(tmpdir(), "clockify-sync-image-"));
}, 10_000);
afterAll(async () => {
  await rm(app, { recursive: true, force: true });
});

describe("Dockerfile", () => {
  it("states the production recipe", () => {
    expect(dockerfile).toMatch(/^FROM node:22-bookworm-slim AS build$/m);
    expect(dockerfile).toMatch(/RUN npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/^CMD \["node", "bin\/clockify-sync\.js", "serve"\]$/m);
    // `docker exec <container> clockify-sync reconcile`: the launcher on PATH.
    expect(dockerfile).toMatch(/ln -s \/app\/bin\/clockify-sync\.js \/usr\/local\/bin\/clockify-sync/);
    expect(dockerfile).toMatch(/DATABASE_PATH=\/data\//);
  });

  it("copies only files that exist", async () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] ?? "").split(/\s+/));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) await expect(stat(join(root, source))).resolves.toBeTruthy();
  });

  it(
    "installs for production, starts with a config, passes its HEALTHCHECK and stops on SIGTERM",
    async () => {
      for (const file of ["package.json", "package-lock.json"]) await cp(join(root, file), join(app, file));
      await cp(join(root, "migrations"), join(app, "migrations"), { recursive: true });
      await cp(join(root, "bin"), join(app, "bin"), { recursive: true });
      await run("npm", ["ci", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: app, timeout: 240_000 });
      await expect(stat(join(app, "node_modules", "vitest"))).rejects.toThrow();
      await run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json", "--outDir", join(app, "dist")], {
        cwd: root,
        timeout: 120_000,
      });
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
    300_000,
  );
});
