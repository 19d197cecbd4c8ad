import type { PairEntry } from "../config-file.js";
import type { SetupResult, SetupRun } from "../contract.js";

/** The last words: the command that repeats this setup without questions, and what to do next. */
export function printRepeat(run: SetupRun, entry: PairEntry, result: SetupResult, webhookUrl: string | undefined): void {
  run.out.line();
  run.out.line("To repeat this setup without questions:");
  run.out.line(`  ${unattendedCommand(entry, result, webhookUrl)}`);
  for (const line of nextSteps(result.reload)) run.out.line(line);
}

/** The hint a running service needs to see a changed file. */
export const RELOAD_HINT =
  "a running service picks this up on SIGHUP: systemctl reload clockify-sync / " +
  'kill -HUP $(pgrep -f "clockify-sync.js serve") / docker kill -s HUP clockify-sync, or the status page\'s Reload button';

/** What to do next, and whether a service already running on this file must reload. */
export function nextSteps(reload: SetupResult["reload"]): string[] {
  switch (reload) {
    case "new file":
      return ["Next: start the service with `npm start` (or `npm run dev`)."];
    case "not needed":
      return ["The config file is unchanged: a running service need not reload."];
    case "needed":
      return [
        "Next: start the service with `npm start` (or `npm run dev`).",
        `The config file changed: a service already running must reload it; ${RELOAD_HINT}.`,
      ];
  }
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
