import { constants } from "node:os";
import { Worker } from "node:worker_threads";
import { drainStdio, guardStdio, onStdioClosed, writeStderr } from "./stdio.js";

export type StopReason = "SIGINT" | "SIGTERM" | "stdout closed";

/** Winds the process down; resolves with its exit code. */
export type StopHandler = (reason: StopReason) => Promise<number> | number;

/** A stop gets this long before the process ends anyway: every process must be gone 10 s after a signal. */
export const STOP_GRACE_MS = 8_000;
/** After the grace, when even the forced exit did not run: the event loop itself is stuck. */
const BACKSTOP_MS = 1_000;
/** What is still queued for a slow reader gets this long to leave before the exit. */
const DRAIN_MS = 1_000;
/** What a shell reports for a process SIGPIPE killed: a command cut off by its reader did not finish. */
const SIGPIPE_EXIT_CODE = 128 + constants.signals.SIGPIPE;

export interface LifecycleOptions {
  /**
   * "stop": a closed stdout ends the process as SIGPIPE would, quietly (commands: their output is the
   * point). "keep running": the server goes on serving webhooks without logs, and says so on stderr.
   */
  stdoutClosed: "stop" | "keep running";
  graceMs?: number;
}

export interface Lifecycle {
  /**
   * Makes stops graceful: from now on the first SIGINT or SIGTERM (and a closed stdout, with "stop")
   * calls `handler` once and the process exits with its code. Until a handler is set, a signal has its
   * default effect (the process ends at once), and so does every signal after the first.
   */
  onStop(handler: StopHandler): void;
}

let created = false;

/** The one place a process of this project decides how it ends; each entry point calls it once, first. */
export function processLifecycle(options: LifecycleOptions): Lifecycle {
  if (created) throw new Error("processLifecycle() is called once per process");
  created = true;
  guardStdio();
  const graceMs = options.graceMs ?? STOP_GRACE_MS;
  let handler: StopHandler | undefined;
  let stopping = false;

  const onSignal = (signal: NodeJS.Signals) => requestStop(signal === "SIGINT" ? "SIGINT" : "SIGTERM");
  const requestStop = (reason: StopReason) => {
    if (stopping) return;
    stopping = true;
    // With our listeners gone the next signal gets the kernel's default: a second Ctrl-C ends the process
    // at once, even if the stop is stuck in a synchronous call.
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    if (handler) armWatchdog(graceMs);
    const stop = handler ?? (() => exitCodeSoFar(SIGPIPE_EXIT_CODE));
    void Promise.resolve()
      .then(() => stop(reason))
      .then(
        (code) => exit(code),
        (error: unknown) => {
          writeStderr(`clockify-sync: stop failed: ${error instanceof Error ? error.message : String(error)}\n`);
          return exit(1);
        },
      );
  };

  onStdioClosed((name, error) => {
    if (name !== "stdout") return;
    if (options.stdoutClosed === "stop") requestStop("stdout closed");
    else writeStderr(`clockify-sync: stdout closed (${error.code ?? error.message}); log lines are dropped from now on\n`);
  });

  return {
    onStop(next) {
      if (handler) throw new Error("onStop() takes one handler");
      handler = next;
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
    },
  };
}

/** A command that already set its verdict (`status` printed, then its reader left) keeps it. */
function exitCodeSoFar(otherwise: number): number {
  if (process.exitCode === undefined) return otherwise;
  const code = Number(process.exitCode);
  return Number.isInteger(code) ? code : 1;
}

async function exit(code: number): Promise<void> {
  process.exitCode = code;
  await drainStdio(DRAIN_MS);
  process.exit(code);
}

/** Source of the backstop thread: it needs nothing of the main thread's, which may be the stuck part. */
const BACKSTOP = `
const { workerData } = require("node:worker_threads");
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.ms);
process.kill(workerData.pid, "SIGKILL");
`;

function armWatchdog(graceMs: number): void {
  // unref: a stop that ends sooner must not wait for the timer.
  setTimeout(() => {
    writeStderr(`clockify-sync: did not stop within ${graceMs / 1000} s; exiting anyway\n`);
    process.exit(1);
  }, graceMs).unref();
  // The timer needs a free event loop. A main thread blocked in a synchronous call (a write to a paused
  // terminal, a busy database) is ended from this thread instead. execArgv: [] keeps loaders (tsx) out of it.
  const backstop = new Worker(BACKSTOP, {
    eval: true,
    execArgv: [],
    stdout: true,
    stderr: true,
    workerData: { pid: process.pid, ms: graceMs + BACKSTOP_MS },
  });
  backstop.on("error", () => {});
  backstop.unref();
}
