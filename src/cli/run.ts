import { ConfigError, UsageError } from "../config/errors.js";
import { processLifecycle } from "../process/lifecycle.js";

export interface CliOptions {
  /**
   * The command has something to wind down (a server, a temp dir): SIGINT, SIGTERM or a closed stdout
   * abort `stop`, and the process exits once the command has returned (within the stop grace). Other
   * commands end at once, as a signal or SIGPIPE would end them.
   */
  graceful?: boolean;
}

/**
 * Runs a command's body and turns failures into one clear line and an exit code, never a stack trace
 * with secrets in it: 2 for bad input (flags, config), 1 for anything else.
 */
export function runCli(main: (stop: AbortSignal) => Promise<number | void>, options: CliOptions = {}): void {
  const lifecycle = processLifecycle({ stdoutClosed: "stop" });
  const stop = new AbortController();
  const finished = main(stop.signal).then(
    (code) => code ?? 0,
    (error: unknown) => {
      if (error instanceof ConfigError || error instanceof UsageError) {
        console.error(`error: ${error.message}`);
        return 2;
      }
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    },
  );
  if (options.graceful) {
    lifecycle.onStop((reason) => {
      stop.abort(reason);
      return finished;
    });
  }
  void finished.then((code) => {
    process.exitCode = code;
  });
}

/** Resolves when `stop` is aborted: what a long-running command waits on instead of its own signal handlers. */
export function stopped(stop: AbortSignal): Promise<void> {
  if (stop.aborted) return Promise.resolve();
  return new Promise((resolve) => stop.addEventListener("abort", () => resolve(), { once: true }));
}
