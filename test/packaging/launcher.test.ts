import { execFile } from "node:child_process";
import { chmod, cp, mkdir, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// bin/clockify-sync.js in small stand-in projects: the real launcher, package.json and tsconfig files,
// and a src/cli/main.ts of one function that prints what it was asked, so each build takes a second
// and the launcher's decisions (build, run, refuse) are what is tested.
const root = fileURLToPath(new URL("../..", import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const PROGRAM = `export async function main(argv: readonly string[]): Promise<void> {
  console.log(JSON.stringify({ argv: argv.slice(2), pid: process.pid }));
}
`;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  pid: number | undefined;
}

function launch(dir: string, file: string, args: string[], as: { uid?: number; gid?: number } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const options = { cwd: dir, env: { PATH: process.env.PATH ?? "", HOME: dir }, timeout: 60_000, ...as };
    const child = execFile(file, args, options, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr, pid: child.pid }),
    );
  });
}
const clockifySync = (dir: string, ...args: string[]) => launch(dir, process.execPath, ["bin/clockify-sync.js", ...args]);
const printed = (ran: Ran) => JSON.parse(ran.stdout) as { argv: string[]; pid: number };
const argvOf = (ran: Ran) => printed(ran).argv;

/** A clone in miniature: `withTypescript` links the real node_modules, as `npm ci` leaves them. */
async function project(options: { src?: boolean; withTypescript?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "clockify-sync-launcher-"));
  dirs.push(dir);
  await cp(join(root, "bin"), join(dir, "bin"), { recursive: true });
  for (const file of ["package.json", "tsconfig.json", "tsconfig.build.json"]) await cp(join(root, file), join(dir, file));
  if (options.src ?? true) {
    await mkdir(join(dir, "src", "cli"), { recursive: true });
    await writeFile(join(dir, "src", "cli", "main.ts"), PROGRAM);
  }
  if (options.withTypescript) await symlink(join(root, "node_modules"), join(dir, "node_modules"));
  return dir;
}

/** Marks a file as changed `seconds` from now, as an edit or a `git pull` would. */
async function touch(path: string, seconds = 5): Promise<void> {
  const at = new Date(Date.now() + seconds * 1000);
  await utimes(path, at, at);
}

describe("bin/clockify-sync.js", () => {
  it("in a clone: builds dist/ when it is missing or older than src/, then runs it in its own process", async () => {
    const dir = await project({ withTypescript: true });
    const first = await clockifySync(dir, "status", "--pair", "acme");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe("clockify-sync: building dist/ (missing)…\n");
    expect(argvOf(first)).toEqual(["status", "--pair", "acme"]);
    // The program ran in the launcher's process (a signal to it reaches the server), not in a child.
    expect(printed(first).pid).toBe(first.pid);

    const again = await clockifySync(dir, "reconcile");
    expect(again).toMatchObject({ code: 0, stderr: "" });
    expect(argvOf(again)).toEqual(["reconcile"]);

    await touch(join(dir, "src", "cli", "main.ts"));
    const edited = await clockifySync(dir, "doctor");
    expect(edited.stderr).toBe("clockify-sync: building dist/ (sources changed)…\n");
    expect(argvOf(edited)).toEqual(["doctor"]);

    await touch(join(dir, "tsconfig.build.json"), 10);
    expect((await clockifySync(dir, "doctor")).stderr).toBe("clockify-sync: building dist/ (sources changed)…\n");
  });

  it("in a clone: a source that does not compile is reported, nothing runs and the old dist/ stays", async () => {
    const dir = await project({ withTypescript: true });
    expect((await clockifySync(dir, "status")).code).toBe(0);
    const built = (await stat(join(dir, "dist", "src", "cli", "main.js"))).mtimeMs;
    await writeFile(join(dir, "src", "cli", "main.ts"), `${PROGRAM}\nexport const broken: number = "text";\n`);
    await touch(join(dir, "src", "cli", "main.ts"));
    const failed = await clockifySync(dir, "status");
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe("");
    expect(failed.stderr).toMatch(/error TS2322/);
    expect(failed.stderr).toContain("the build failed (above); fix it, or run: npm run build");
    expect((await stat(join(dir, "dist", "src", "cli", "main.js"))).mtimeMs).toBe(built);
  });

  it("`npm start` in a clone that was never built builds and serves", async () => {
    const dir = await project({ withTypescript: true });
    const started = await launch(dir, "npm", ["start", "--silent"]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stderr).toContain("building dist/ (missing)…");
    expect(argvOf(started)).toEqual(["serve"]);
  });

  it("without TypeScript: a missing build says exactly what to run; an old one runs with a warning", async () => {
    const dir = await project();
    const missing = await clockifySync(dir, "status");
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/dist\/src\/cli\/main\.js is missing \(not built\)\. Run: npm ci && npm run build/);

    const built = await project({ withTypescript: true });
    expect((await clockifySync(built, "status")).code).toBe(0);
    await cp(join(built, "dist"), join(dir, "dist"), { recursive: true });
    await touch(join(dir, "src", "cli", "main.ts"));
    const stale = await clockifySync(dir, "status");
    expect(stale.code).toBe(0);
    expect(stale.stderr).toContain("dist/ is older than src/ and cannot be rebuilt here (TypeScript not installed, or dist/ not writable); running the old build");
    expect(argvOf(stale)).toEqual(["status"]);
  });

  it("with TypeScript but a checkout it may not write (a service user): runs the old build, warns, builds nothing", async () => {
    const dir = await project({ withTypescript: true });
    expect((await clockifySync(dir, "status")).code).toBe(0);
    await touch(join(dir, "src", "cli", "main.ts"));
    // Root may write anything: then the command runs as nobody, as a service user would.
    const as = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    await chmod(dir, 0o755);
    await chmod(join(dir, "dist"), 0o555);
    try {
      const stale = await launch(dir, process.execPath, ["bin/clockify-sync.js", "serve"], as);
      expect(stale.code).toBe(0);
      expect(stale.stderr).toMatch(/^clockify-sync: warning: dist\/ is older than src\/ and cannot be rebuilt here/);
      expect(stale.stderr).not.toContain("building");
      expect(argvOf(stale)).toEqual(["serve"]);
    } finally {
      await chmod(join(dir, "dist"), 0o755);
    }
  });

  it("without src/ (the image, a production copy) never builds: dist/ missing is an error naming the build", async () => {
    const dir = await project({ src: false, withTypescript: true });
    const missing = await clockifySync(dir, "serve");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("is missing (not built). Run: npm ci && npm run build");
    await expect(stat(join(dir, "dist"))).rejects.toThrow();
  });

  it("is executable, with a node shebang", async () => {
    const launcher = join(root, "bin", "clockify-sync.js");
    expect((await readFile(launcher, "utf8")).split("\n")[0]).toBe("#!/usr/bin/env node");
    expect((await stat(launcher)).mode & 0o111).toBe(0o111);
    const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { bin?: Record<string, string> };
    expect(pkg.bin).toEqual({ "clockify-sync": "bin/clockify-sync.js" });
  });
});
