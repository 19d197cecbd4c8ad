import type { PairEntry } from "../config-file.js";
import type { SetupResult, SetupRun } from "../contract.js";

/** The last words: the command that repeats this setup without questions, and what to do next. */
export function printRepeat(run: SetupRun, entry: PairEntry, result: SetupResult, webhookUrl: string | undefined): void {
  run.out.line();
  run.out.line("To repeat this setup without questions:");
  run.out.line(`  ${unattendedCommand(entry, result, webhookUrl)}`);
  run.out.line("Next: start the service with `npm start` (or `npm run dev`).");
}

function unattendedCommand(entry: PairEntry, result: SetupResult, webhookUrl: string | undefined): string {
  const parts = [
    "npm run setup --",
    `--source-workspace ${entry.source.workspaceId}`,
    `--client ${entry.source.clientId}`,
    `--destination-workspace ${entry.destination.workspaceId}`,
    `--source-user ${entry.source.userId}`,
    `--destination-user ${entry.destination.userId}`,
    `--pair ${entry.id}`,
    webhookUrl === undefined ? "--no-webhooks" : `--webhook-url ${webhookUrl}`,
    result.reconcile === "skipped" ? "--no-reconcile" : "--reconcile",
    "--yes",
  ];
  return parts.join(" ");
}
