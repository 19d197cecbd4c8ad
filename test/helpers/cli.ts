import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The program every command runs through (`clockify-sync <subcommand>`), from source: tests need no build. */
export const CLI_MAIN = "src/cli/main.ts";

/**
 * Runs `clockify-sync` from source with exactly these arguments as its own process, asynchronously: the
 * simulator usually runs in the test's process, and a blocking spawn would freeze it. `env` is merged
 * over this process's environment; `stdin: "closed"` gives the child an stdin that is already at its end.
 */
export function runClockifySync(args: string[], env: Record<string, string | undefined> = {}, options: { stdin?: "ignore" | "closed" } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI_MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: [options.stdin === "closed" ? "pipe" : "ignore", "pipe", "pipe"],
    });
    child.stdin?.end();
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** One of the project's subcommands (`reconcile`, `webhooks`, …), with quiet, colourless logs. */
export function runProjectCli(subcommand: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return runClockifySync([subcommand, ...args], { LOG_LEVEL: "", NO_COLOR: "1", ...env });
}
