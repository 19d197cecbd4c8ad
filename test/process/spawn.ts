import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Watched {
  child: ChildProcessByStdio<null, Readable, Readable>;
  stderr(): string;
  stdout(): string;
  /** Resolves once stdout has shown `pattern` (what was read so far included). */
  saw(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** The reader's end of the stdout pipe closed, as when `tee` or `head` is gone. */
  closeReader(): void;
  /** How the process ended, or "still running" after `ms` (then it is SIGKILLed, so no test leaks it). */
  endsWithin(ms: number): Promise<Ended | "still running">;
}

/**
 * A script of the project in its own process, stdout and stderr on real pipes: `["src/cli/main.ts",
 * "status"]` for a subcommand, or a fixture's path.
 */
export function watch(args: string[], env: Record<string, string> = {}): Watched {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const ended = new Promise<Ended>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    async saw(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (Date.now() > deadline) throw new Error(`stdout never showed ${pattern}:\n${out}\n${err}`);
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`ended before ${pattern}:\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    closeReader() {
      child.stdout.destroy();
    },
    async endsWithin(ms) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"still running">((resolve) => (timer = setTimeout(() => resolve("still running"), ms)));
      const result = await Promise.race([ended, late]);
      clearTimeout(timer);
      if (result === "still running") {
        child.kill("SIGKILL");
        await ended;
      }
      return result;
    },
  };
}

/** A Node stack trace, as an unhandled EPIPE prints it. */
export const STACK = /^\s+at .+\(.+:\d+:\d+\)$/m;
