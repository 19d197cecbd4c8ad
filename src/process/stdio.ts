import { once } from "node:events";

export type StdioName = "stdout" | "stderr";

/**
 * A reader that went away (`| head -3`, a killed `tee`) makes Node emit 'error' (EPIPE) on the stream
 * at the next write; with no listener that is an uncaught exception, i.e. a stack trace and a crash
 * wherever the write happened. Once guarded, a failed stream is remembered as closed, later writes to it
 * are dropped, and the listeners below are told once.
 */
const closed: Record<StdioName, NodeJS.ErrnoException | undefined> = { stdout: undefined, stderr: undefined };
const listeners: Array<(name: StdioName, error: NodeJS.ErrnoException) => void> = [];
let guarded = false;

export function guardStdio(): void {
  if (guarded) return;
  guarded = true;
  for (const name of ["stdout", "stderr"] as const) {
    // The listener stays: writes after the first failure fail too (ERR_STREAM_DESTROYED) and must stay quiet.
    process[name].on("error", (error: NodeJS.ErrnoException) => {
      if (closed[name]) return;
      closed[name] = error;
      for (const listener of listeners) listener(name, error);
    });
  }
}

export function onStdioClosed(listener: (name: StdioName, error: NodeJS.ErrnoException) => void): void {
  listeners.push(listener);
}

/** For the process's own last words: nobody to tell when stderr is gone. */
export function writeStderr(text: string): void {
  if (!closed.stderr) process.stderr.write(text);
}

/**
 * Where log lines go: process.stdout itself, not a file-descriptor writer of its own. Node writes a pipe
 * without blocking and queues what the reader has not taken; pino's default writer (sonic-boom) instead
 * flushes synchronously at exit and retries a failed write forever, so a closed pipe froze the process
 * inside process.exit, where no signal handler can run again.
 */
export function stdoutLines(format: (line: string) => string = (line) => line): { write(line: string): void } {
  guardStdio();
  return {
    write(line) {
      if (!closed.stdout) process.stdout.write(format(line));
    },
  };
}

/** Gives what is still queued for a live reader up to `ms` to leave, so the last lines are not lost at exit. */
export async function drainStdio(ms: number): Promise<void> {
  const signal = AbortSignal.timeout(ms);
  const pending = (["stdout", "stderr"] as const).filter((name) => !closed[name] && process[name].writableLength > 0);
  await Promise.all(pending.map((name) => once(process[name], "drain", { signal }).catch(() => undefined)));
}
