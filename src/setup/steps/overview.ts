import type { PairChoices, SetupRun } from "../contract.js";
import { describeKey } from "./keys.js";

export interface OverviewFacts {
  /** Whether the config file existed before setup. */
  fileExists: boolean;
  /** How many pairs the file holds besides the one being written. */
  otherPairs: number;
  /** The checked --webhook-url, undefined without the flag. */
  presetWebhookUrl: string | undefined;
}

/** What will be written and what will happen next, before the one confirmation that writes. */
export function printOverview(run: SetupRun, choices: PairChoices, facts: OverviewFacts): void {
  const { out, flags } = run;
  const { pairId, sourceKey, destinationKey } = choices;
  const configPath = run.deps.configPath;
  const where = facts.fileExists
    ? choices.replacing
      ? "replaces the pair of that id"
      : `added next to ${facts.otherPairs} other pair(s)`
    : "new file";
  out.line();
  out.line(`Pair "${pairId}" → ${configPath} (${where})`);
  out.line(`  source       workspace  ${choices.sourceWorkspace.label} (${choices.sourceWorkspace.id})`);
  out.line(`               client     ${choices.client.label} (${choices.client.id})`);
  out.line(`               user       ${choices.sourceUser.label} (${choices.sourceUser.id})`);
  out.line(`               API key    ${describeKey(sourceKey)}`);
  out.line(`  destination  workspace  ${choices.destinationWorkspace.label} (${choices.destinationWorkspace.id})`);
  out.line(`               user       ${choices.destinationUser.label} (${choices.destinationUser.id})`);
  out.line(`               API key    ${destinationKey === sourceKey ? "the source key" : describeKey(destinationKey)}`);
  out.line("Steps:");
  out.line("  1. write the pair to the config file");
  out.line(`  2. register Clockify webhooks: ${webhookPlan(run, facts.presetWebhookUrl)}`);
  out.line(`  3. first reconciliation: ${flags.reconcile === false ? "skipped (--no-reconcile)" : flags.reconcile ? "yes (--reconcile)" : "you will be asked"}`);
  out.line();
}

function webhookPlan(run: SetupRun, preset: string | undefined): string {
  if (run.flags.webhooks === false) return "skipped (--no-webhooks)";
  if (preset !== undefined) return `at ${preset} (--webhook-url)`;
  return "you will be asked";
}
