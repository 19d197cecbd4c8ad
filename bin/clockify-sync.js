#!/usr/bin/env node
// `clockify-sync <command>`: runs the compiled program (dist/), in this process, so a signal sent to
// this process (SIGTERM from Docker or systemd) reaches the server itself. In a clone (src/ beside
// dist/) it first rebuilds dist/ when a source is newer, so `npm start` or `npm run reconcile` right
// after `npm ci` or a `git pull` runs what is checked out. Where there is no src/ (the image, a
// production copy) it never builds.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const ENTRY = join(ROOT, "dist", "src", "cli", "main.js");
const SOURCES = join(ROOT, "src");
/** Besides src/: what else decides what tsc emits. */
const BUILD_INPUTS = ["tsconfig.json", "tsconfig.build.json"].map((name) => join(ROOT, name));

/** The newest modification time under `dir`, in ms (0 for an empty or missing tree). */
function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Why dist/ must be rebuilt first, or undefined when it is up to date (or this is no clone). */
function staleness() {
  if (!existsSync(SOURCES)) return existsSync(ENTRY) ? undefined : "missing";
  const built = mtime(ENTRY);
  if (built === 0) return "missing";
  const newest = Math.max(newestIn(SOURCES), ...BUILD_INPUTS.map(mtime));
  return newest > built ? "sources changed" : undefined;
}

/** A service user under systemd's ProtectSystem= cannot write the checkout: it runs what is there. */
function writable() {
  try {
    accessSync(existsSync(join(ROOT, "dist")) ? join(ROOT, "dist") : ROOT, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function typescriptCompiler() {
  try {
    return createRequire(join(ROOT, "package.json")).resolve("typescript/bin/tsc");
  } catch {
    return undefined;
  }
}

const HOW_TO_BUILD = "npm ci && npm run build (then npm prune --omit=dev, if this is a production install)";

/** Builds dist/ when a clone needs it; returns an exit code when the program cannot be run. */
function ensureBuilt() {
  const why = staleness();
  if (why === undefined) return undefined;
  const tsc = existsSync(SOURCES) && writable() ? typescriptCompiler() : undefined;
  if (tsc === undefined) {
    if (why === "missing") {
      process.stderr.write(`clockify-sync: ${ENTRY} is missing (not built). Run: ${HOW_TO_BUILD}\n`);
      return 1;
    }
    // An old build runs rather than none: a service restarted after a `git pull` keeps working.
    process.stderr.write(
      `clockify-sync: warning: dist/ is older than src/ and cannot be rebuilt here (TypeScript not installed, or dist/ not writable); running the old build. To update: ${HOW_TO_BUILD}\n`,
    );
    return undefined;
  }
  process.stderr.write(`clockify-sync: building dist/ (${why})…\n`);
  // stdout stays the command's own (`status --json | jq`): the compiler's messages go to stderr.
  // --noEmitOnError: a tree with type errors leaves the old dist/ alone, so the next run says so again.
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--noEmitOnError"], { cwd: ROOT, stdio: ["ignore", 2, 2] });
  if (result.status === 0 && existsSync(ENTRY)) return undefined;
  process.stderr.write(`clockify-sync: the build failed (above); fix it, or run: npm run build\n`);
  return 1;
}

const failed = ensureBuilt();
if (failed !== undefined) {
  process.exitCode = failed;
} else {
  try {
    const { main } = await import(pathToFileURL(ENTRY).href);
    await main(process.argv);
  } catch (error) {
    // The commands report their own failures; this is the program not loading (a native module built
    // for another Node, a file missing from dist/).
    process.stderr.write(`clockify-sync: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
