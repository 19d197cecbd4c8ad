import { ConfigError } from "../config/errors.js";

/**
 * Runs a command's body and turns failures into one clear line and an exit code, never a stack trace
 * with secrets in it: 2 for bad input (flags, config), 1 for anything else.
 */
export function runCli(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      if (error instanceof ConfigError || error instanceof UsageError) {
        console.error(`error: ${error.message}`);
        process.exitCode = 2;
        return;
      }
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}
