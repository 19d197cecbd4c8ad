import { withCommandSession } from "../command-session.js";
import { readRuntimeEnv } from "../config/env.js";
import { UsageError } from "../config/errors.js";
import { Asker } from "./asker.js";
import { pairSummaries, readRawConfig } from "./config-file.js";
import type { PairChoices, SetupDeps, SetupResult, SetupRun } from "./contract.js";
import type { SetupFlags } from "./flags.js";
import { addMember, offerAddMember } from "./steps/add-member.js";
import { firstRunStep } from "./steps/first-run.js";
import { nonEmpty, readKeys, SOURCE_KEY_VAR } from "./steps/keys.js";
import { printOverview } from "./steps/overview.js";
import { doctorStep } from "./steps/doctor.js";
import { choosePairId, type ExistingPairs } from "./steps/pair-id.js";
import { printRepeat } from "./steps/repeat.js";
import { chooseUsers } from "./steps/users.js";
import { checkedWebhookUrl } from "./steps/webhook-url.js";
import { webhooksStep } from "./steps/webhooks.js";
import { chooseDestination, chooseSource } from "./steps/workspaces.js";
import { writePair } from "./steps/write-config.js";

/**
 * The whole interactive setup: pick what to mirror, write the pair into the config file, then
 * optionally register webhooks and run the first reconciliation. Every question can be answered by a
 * flag instead; when questions cannot be asked (`interactive: false`), a missing answer is a
 * UsageError naming the flag, raised before anything is written.
 */
export async function runSetup(deps: SetupDeps): Promise<SetupResult> {
  const { addMember: email, pair } = deps.flags;
  if (email !== undefined && pair !== undefined) {
    const run = startRun(deps, false);
    run.out.line(`clockify-sync setup — adding a member to pair "${pair}" in ${deps.configPath}`);
    return addMember(run, { pairId: pair, email, ...(deps.flags.destinationMember === undefined ? {} : { destination: deps.flags.destinationMember }) });
  }
  const run = startRun(deps);
  // A bad --webhook-url is found now, not after the config is written.
  const presetWebhookUrl = run.flags.webhookUrl === undefined ? undefined : checkedWebhookUrl(run.flags.webhookUrl, run.out);
  // Read the file first: a broken one stops setup before any question is asked.
  const initial = readRawConfig(deps.configPath);
  run.out.line(`clockify-sync setup — config file ${deps.configPath}${initial.exists ? "" : " (will be created)"}`);
  const existing = pairSummaries(initial);
  if (initial.wrappedLegacy) {
    const [legacyId] = existing.keys();
    run.out.line(`  it holds the original tool's secret on its own; setup writes it back wrapped in "pairs", as pair "${legacyId ?? ""}"`);
  }
  const adding = await offerAddMember(run, existing);
  if (adding) return addMember(run, adding);
  const choices = await askWhatToMirror(run, existing);
  const { pairId } = choices;
  const otherPairs = [...existing.keys()].filter((id) => id !== pairId).length;
  printOverview(run, choices, { fileExists: initial.exists, otherPairs, presetWebhookUrl });

  const written = await writePair(run, choices);
  const result: SetupResult = {
    pairId,
    configPath: deps.configPath,
    replaced: written.replaced,
    secretInFile: written.secretInFile,
    webhooks: "skipped",
    reconcile: "skipped",
    reload: written.reload,
    checks: "failed",
    exitCode: 0,
  };
  const sessionOptions = { name: "setup", runtime: run.runtime, config: written.validated.config, logger: deps.logger };
  const webhookUrl = await withCommandSession(sessionOptions, async (session) => {
    const webhooks = await webhooksStep(run, session, { pairId, config: written.validated.full }, presetWebhookUrl);
    result.webhooks = webhooks.status;
    result.reconcile = await firstRunStep(run, session, pairId);
    return webhooks.url;
  });
  result.exitCode = anyStepFailed(result) ? 1 : 0;

  printRepeat(run, written.entry, result, webhookUrl);
  result.checks = await doctorStep(run, written.validated.config, pairId);
  return result;
}

/** `newPair`: without a terminal, every answer a new pair needs must be given (adding a member needs only --yes). */
function startRun(deps: SetupDeps, newPair = true): SetupRun {
  const interactive = deps.interactive ?? true;
  if (!interactive && newPair) preflight(deps.flags, deps.env);
  const runtime = readRuntimeEnv(deps.env);
  const ask = new Asker(deps.prompts, interactive, deps.flags.yes === true, deps.output);
  return { deps, flags: deps.flags, out: deps.output, ask, runtime, interactive };
}

/** Without a terminal every answer must come from flags and the environment; all missing ones are named at once. */
function preflight(flags: SetupFlags, env: NodeJS.ProcessEnv): void {
  const missing: string[] = [];
  if (nonEmpty(env[SOURCE_KEY_VAR]) === undefined) missing.push(`${SOURCE_KEY_VAR} (environment variable)`);
  if (flags.sourceWorkspace === undefined) missing.push("--source-workspace <id|name>");
  if (flags.client === undefined) missing.push("--client <id|name>");
  if (flags.destinationWorkspace === undefined) missing.push("--destination-workspace <id|name>");
  if (flags.webhookUrl === undefined && flags.webhooks !== false) missing.push("--webhook-url <url> (or --no-webhooks)");
  if (flags.yes !== true) missing.push("--yes");
  if (missing.length > 0) {
    throw new UsageError(`stdin is not a terminal, so setup cannot ask; missing: ${missing.join(", ")}`);
  }
}

/** The questions, in the order a person thinks of them: accounts, where from, where to, whose, what to call it. */
async function askWhatToMirror(run: SetupRun, existing: ExistingPairs): Promise<PairChoices> {
  const keys = await readKeys(run);
  const source = await chooseSource(run, keys.source);
  const destination = await chooseDestination(run, keys, source.workspace);
  const users = await chooseUsers(run, { key: keys.source, workspace: source.workspace }, destination);
  const { pairId, replacing } = await choosePairId(run, source.client, existing);
  return {
    sourceKey: keys.source,
    destinationKey: destination.key,
    sourceWorkspace: source.workspace,
    client: source.client,
    destinationWorkspace: destination.workspace,
    sourceUser: users.source,
    destinationUser: users.destination,
    pairId,
    replacing,
  };
}

/** A step after writing the config failed: the exit code says so, while the written file stays. */
function anyStepFailed(result: SetupResult): boolean {
  const { webhooks, reconcile } = result;
  return webhooks === "failed" || reconcile === "failed" || (typeof reconcile === "object" && reconcile.outcome !== "succeeded");
}
