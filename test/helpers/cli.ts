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
 * Runs one of the project's subcommands (`reconcile`, `webhooks`, …) as its own process, asynchronously:
 * the simulator usually runs in the test's process, and a blocking spawn would freeze it.
 */
export function runProjectCli(subcommand: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI_MAIN, subcommand, ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: "", NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
