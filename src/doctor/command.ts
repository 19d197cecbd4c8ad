import { Command } from "commander";

/** `clockify-sync doctor [--pair ID] [--json]`. (Stub: being written.) */
export function doctorCommand(): Command {
  return new Command("doctor")
    .description("check every pair now: keys, workspaces, client, users, destination rules, webhooks, last run")
    .option("--pair <id>", "only this pair")
    .option("--json", "machine-readable output")
    .action(() => {
      process.exitCode = 0;
    });
}
