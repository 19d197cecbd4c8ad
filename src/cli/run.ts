import { ConfigError, UsageError } from "../config/errors.js";
import { processLifecycle, type LifecycleOptions } from "../process/lifecycle.js";

export interface CliOptions {
  /**
   * The command has something to wind down (a server, a temp dir): SIGINT, SIGTERM or a closed stdout
   * abort `stop`, and the process exits once the command has returned (within the stop grace). Other
   * commands end at once, as a signal or SIGPIPE would end them.
   */
  graceful?: boolean;
  /** Default "stop": a command's output is its point. The server says "keep running". */
  stdoutClosed?: LifecycleOptions["stdoutClosed"];
}

/**
 * Runs a subcommand's body and turns failures into one clear line and an exit code, never a stack trace
 * with secrets in it: 2 for bad input (flags, config), 1 for anything else. Called from the subcommand's
 * action, i.e. once commander has parsed the line and before the command writes anything: that is when
 * the process's lifecycle is decided (once per process). Resolves when the body is done; the exit code
 * is left in process.exitCode, so the process ends when its last handle closes.
 */
export async function runCommand(main: (stop: AbortSignal) => Promise<number | void>, options: CliOptions = {}): Promise<void> {
  const lifecycle = processLifecycle({ stdoutClosed: options.stdoutClosed ?? "stop" });
  const stop = new AbortController();
  const finished = main(stop.signal).then(
    (code) => code ?? Number(process.exitCode ?? 0),
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
  process.exitCode = await finished;
}

/** Resolves when `stop` is aborted: what a long-running command waits on instead of its own signal handlers. */
export function stopped(stop: AbortSignal): Promise<void> {
  if (stop.aborted) return Promise.resolve();
  return new Promise((resolve) => stop.addEventListener("abort", () => resolve(), { once: true }));
}

/** Whether a listen failed because the address is taken (Node's EADDRINUSE). */
export function isAddressInUse(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "EADDRINUSE";
}

/** The one line a busy port gets: what is wrong and the two ways to choose another port. */
export function portInUseMessage(port: number, host: string): string {
  return `port ${port} on ${host} is already in use; pick another with --port N or PORT=N`;
}
