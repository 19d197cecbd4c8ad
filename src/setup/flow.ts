import type { ClockifyClient } from "../clockify/client.js";
import { ClockifyError } from "../clockify/errors.js";
import { RateLimiterRegistry } from "../clockify/rate-limiter.js";
import type { User, Workspace } from "../clockify/schemas.js";
import { UsageError } from "../cli/run.js";
import { readRuntimeEnv, type RuntimeEnv } from "../config/env.js";
import type { Config } from "../config/schema.js";
import type { AppDatabase } from "../db/connection.js";
import { openAndMigrate } from "../db/migrate.js";
import { createLogger, type Logger } from "../observability/logger.js";
import { terminalProgress, type Progress } from "../observability/progress.js";
import { KeyedMutex } from "../sync/keyed-mutex.js";
import { createPairRuntimes } from "../sync/pair-runtime.js";
import { formatSummary, reconcileAll } from "../sync/reconcile-all.js";
import type { RunSummary } from "../sync/reconcile.js";
import { pairIds, readRawConfig, upsertPair, validateTree, writeConfigAtomically, type PairEntry } from "./config-file.js";
import type { SetupFlags } from "./flags.js";
import { checkPairId, maskSecret, matchFlag, slugPairId, type Named } from "./match.js";
import type { Prompts, SelectQuestion } from "./prompts.js";
import { registerWebhooks, WEBHOOK_URL_PATH } from "../webhooks/registration.js";
import { completeWebhookUrl, registerWebhooksStep, type RegisterWebhooks } from "./webhooks-step.js";

export const SOURCE_KEY_VAR = "SRC_CLOCKIFY_API_KEY";
export const DESTINATION_KEY_VAR = "DEST_CLOCKIFY_API_KEY";

/** The part of the Clockify client setup uses. */
export type SetupClient = Pick<ClockifyClient, "getCurrentUser" | "listWorkspaces" | "listClients" | "listUsers">;

/** Where setup talks to the user; questions go through `prompts`. */
export interface SetupOutput {
  line(text?: string): void;
  warn(text: string): void;
}

export interface SetupDeps {
  /** Environment: the API keys, and CLOCKIFY_API_URL / DATABASE_PATH / LOG_LEVEL for the later steps. */
  env: NodeJS.ProcessEnv;
  flags: SetupFlags;
  prompts: Prompts;
  clientFactory: (apiKey: string) => SetupClient;
  output: SetupOutput;
  configPath: string;
  /** Whether questions may be asked at all (stdin is a terminal); default true. */
  interactive?: boolean;
  /** Progress of the first reconciliation; default a bar on stderr. */
  progress?: Progress;
  logger?: Logger;
  /** The webhook registration step; default src/webhooks/registration.ts. */
  registerWebhooks?: RegisterWebhooks;
}

export interface SetupResult {
  pairId: string;
  configPath: string;
  replaced: boolean;
  /** Whether an API key was written into the file as a literal value. */
  secretInFile: boolean;
  webhooks: "registered" | "skipped" | "failed";
  reconcile: RunSummary | "skipped" | "failed";
  /** 0, or 1 when a step after writing the config failed. */
  exitCode: number;
}

/** Setup could not go on (a rejected key, an unreachable API, an empty workspace); nothing was written. */
export class SetupError extends Error {
  override readonly name = "SetupError";
}

/** The user answered "no" to writing the config. */
export class SetupCancelled extends Error {
  override readonly name = "SetupCancelled";
}

interface Key {
  value: string;
  /** The environment variable it came from; undefined when typed. */
  envName: string | undefined;
  owner: User;
  client: SetupClient;
}

const ANOTHER_ACCOUNT = "\u0000another-account";
const KEY_ATTEMPTS = 3;

/**
 * The whole interactive setup: pick what to mirror, write the pair into the config file, then
 * optionally register webhooks and run the first reconciliation. Every question can be answered by a
 * flag instead; when questions cannot be asked (`interactive: false`), a missing answer is a
 * UsageError naming the flag, raised before anything is written.
 */
export async function runSetup(deps: SetupDeps): Promise<SetupResult> {
  const { env, flags, output: out } = deps;
  const interactive = deps.interactive ?? true;
  if (!interactive) preflight(flags, env);
  const runtime = readRuntimeEnv(env);
  const ask = new Asker(deps.prompts, interactive, flags.yes === true, out);
  // A bad --webhook-url is found now, not after the config is written.
  const presetWebhookUrl = flags.webhookUrl === undefined ? undefined : checkedWebhookUrl(flags.webhookUrl, out);

  // Read the file first: a broken one stops setup before any question is asked.
  const initial = readRawConfig(deps.configPath);
  out.line(`clockify-sync setup — config file ${deps.configPath}${initial.exists ? "" : " (will be created)"}`);

  // ---- keys ----
  const keys = new KeyReader(deps, ask, runtime);
  const source = await keys.read("source", SOURCE_KEY_VAR);
  out.line(`✔ source key belongs to ${describeUser(source.owner)}`);
  const destinationFromEnv = nonEmpty(env[DESTINATION_KEY_VAR]);
  let destination = destinationFromEnv === undefined ? source : await keys.read("destination", DESTINATION_KEY_VAR);
  if (destination !== source) out.line(`✔ destination key belongs to ${describeUser(destination.owner)}`);

  // ---- source workspace and client ----
  const sourceWorkspaces = await source.client.listWorkspaces();
  if (sourceWorkspaces.length === 0) throw new SetupError(`${describeUser(source.owner)} is in no workspace`);
  const sourceWorkspace = await ask.choose({
    flag: "--source-workspace",
    flagValue: flags.sourceWorkspace,
    what: "workspace",
    title: "source workspace",
    message: "Source workspace (where you track your time, e.g. the agency's)",
    items: sourceWorkspaces.map(workspaceItem),
  });

  const clients = await source.client.listClients(sourceWorkspace.id, { archived: false });
  if (clients.length === 0) {
    throw new SetupError(`workspace "${sourceWorkspace.label}" has no clients; create the customer as a client there first`);
  }
  const client = await ask.choose({
    flag: "--client",
    flagValue: flags.client,
    what: "client",
    title: "client",
    message: `Client in "${sourceWorkspace.label}" whose projects are mirrored`,
    items: clients.map((c) => ({ id: c.id, label: c.name, alias: c.name })),
  });

  // ---- destination workspace ----
  let destinationWorkspace: Named | undefined;
  while (destinationWorkspace === undefined) {
    const workspaces = await destination.client.listWorkspaces();
    const items = workspaces.map(workspaceItem);
    if (flags.destinationWorkspace !== undefined) {
      const picked = matchDestinationFlag(flags.destinationWorkspace, items, destination === source);
      if (picked.id === sourceWorkspace.id) {
        throw new UsageError(`--destination-workspace: "${picked.label}" is the source workspace; a pair cannot mirror a workspace into itself`);
      }
      out.line(`✔ destination workspace: ${picked.label} (--destination-workspace)`);
      destinationWorkspace = picked;
      break;
    }
    const choices = items.map((item) => ({
      value: item.id,
      name: item.id === sourceWorkspace.id ? `${item.label} (the source workspace)` : item.label,
      description: item.id,
    }));
    if (destinationFromEnv === undefined && destination === source) {
      choices.push({
        value: ANOTHER_ACCOUNT,
        name: "A workspace of another Clockify account…",
        description: "enter that account's API key next",
      });
    }
    const id = await ask.select("--destination-workspace", {
      message: "Destination workspace (the customer's own, where the copies go)",
      choices,
    });
    if (id === ANOTHER_ACCOUNT) {
      destination = await keys.read("destination", DESTINATION_KEY_VAR, { prompt: true });
      out.line(`✔ destination key belongs to ${describeUser(destination.owner)}`);
      continue;
    }
    if (id === sourceWorkspace.id) {
      out.warn(`"${sourceWorkspace.label}" is the source workspace; a pair cannot mirror a workspace into itself. Pick another one.`);
      continue;
    }
    destinationWorkspace = items.find((item) => item.id === id);
  }

  // ---- users ----
  const sourceUser = await chooseUser(ask, out, {
    key: source,
    workspace: sourceWorkspace,
    flag: "--source-user",
    flagValue: flags.sourceUser,
    title: "source user",
    message: `Source user in "${sourceWorkspace.label}" (whose entries are mirrored)`,
  });
  const destinationUser = await chooseUser(ask, out, {
    key: destination,
    workspace: destinationWorkspace,
    flag: "--destination-user",
    flagValue: flags.destinationUser,
    title: "destination user",
    message: `Destination user in "${destinationWorkspace.label}" (who owns the copies)`,
  });
  if (destinationUser.id !== destination.owner.id) {
    out.warn(
      `copies will belong to ${destinationUser.label}, not to the destination key's owner: ` +
        "that key must be a workspace admin's and the workspace must allow adding time for others",
    );
  }

  // ---- pair id ----
  const existingIds = new Set(pairIds(initial));
  let pairId = flags.pair;
  if (pairId === undefined) {
    const suggested = slugPairId(client.label);
    pairId = interactive
      ? await ask.input("--pair", { message: "Pair id (your name for this mirror)", default: suggested, validate: checkPairId })
      : suggested;
    if (!interactive) out.line(`✔ pair id: ${pairId} (from the client's name; --pair to choose)`);
  }
  let replacing = false;
  while (existingIds.has(pairId)) {
    replacing = await ask.confirm({
      message: `${deps.configPath} already has a pair "${pairId}". Replace it? (its projectOptions and webhookSecrets are kept)`,
      default: false,
    });
    if (replacing) break;
    pairId = await ask.input("--pair", {
      message: "Another pair id",
      validate: (value) => (existingIds.has(value) ? `"${value}" is taken too` : checkPairId(value)),
    });
  }

  // ---- what will happen ----
  const entry: PairEntry = {
    id: pairId,
    source: {
      apiKey: keyReference(source),
      workspaceId: sourceWorkspace.id,
      userId: sourceUser.id,
      clientId: client.id,
    },
    destination: {
      ...(destination === source ? {} : { apiKey: keyReference(destination) }),
      workspaceId: destinationWorkspace.id,
      userId: destinationUser.id,
    },
  };
  const otherPairs = [...existingIds].filter((id) => id !== pairId).length;
  out.line();
  out.line(`Pair "${pairId}" → ${deps.configPath} (${initial.exists ? (replacing ? "replaces the pair of that id" : `added next to ${otherPairs} other pair(s)`) : "new file"})`);
  out.line(`  source       workspace  ${sourceWorkspace.label} (${sourceWorkspace.id})`);
  out.line(`               client     ${client.label} (${client.id})`);
  out.line(`               user       ${sourceUser.label} (${sourceUser.id})`);
  out.line(`               API key    ${describeKey(source)}`);
  out.line(`  destination  workspace  ${destinationWorkspace.label} (${destinationWorkspace.id})`);
  out.line(`               user       ${destinationUser.label} (${destinationUser.id})`);
  out.line(`               API key    ${destination === source ? "the source key" : describeKey(destination)}`);
  out.line("Steps:");
  out.line("  1. write the pair to the config file");
  out.line(`  2. register Clockify webhooks: ${webhookPlan(flags, presetWebhookUrl)}`);
  out.line(`  3. first reconciliation: ${flags.reconcile === false ? "skipped (--no-reconcile)" : flags.reconcile ? "yes (--reconcile)" : "you will be asked"}`);
  out.line();

  // ---- step 1: the config file ----
  if (!(await ask.confirm({ message: `Write pair "${pairId}" to ${deps.configPath}?`, default: true }))) {
    throw new SetupCancelled("setup cancelled: nothing was written");
  }
  // Read again: only this pair changes, whatever happened to the file while questions were answered.
  const current = readRawConfig(deps.configPath);
  const { tree, replaced, pair } = upsertPair(current.tree, entry);
  const validated = validateTree(tree, pair, env);
  const secretInFile = source.envName === undefined || (destination !== source && destination.envName === undefined);
  writeConfigAtomically(deps.configPath, tree, secretInFile ? 0o600 : current.mode);
  out.line(`✔ ${replaced ? "replaced" : "added"} pair "${pairId}" in ${deps.configPath}`);
  if (secretInFile) {
    const names = [source, destination].filter((k) => k.envName === undefined).map((k) => (k === source ? SOURCE_KEY_VAR : DESTINATION_KEY_VAR));
    out.warn(
      `${deps.configPath} now holds an API key in plain text (file mode set to 0600). To keep it out of the ` +
        `file, export ${[...new Set(names)].join(" and ")} and run setup again: it then writes "\${NAME}" references.`,
    );
  }
  if (validated.unsetVariables.length > 0) {
    out.warn(`the config file refers to variables not set here: ${validated.unsetVariables.join(", ")}; the service needs them`);
  }

  const result: SetupResult = {
    pairId,
    configPath: deps.configPath,
    replaced,
    secretInFile,
    webhooks: "skipped",
    reconcile: "skipped",
    exitCode: 0,
  };
  const logger = deps.logger ?? createLogger({ level: runtime.logLevel === "info" ? "warn" : runtime.logLevel, name: "setup" });
  let database: AppDatabase | undefined;
  let webhookUrl: string | undefined;
  const openDatabase = () => (database ??= openAndMigrate(runtime.databasePath));
  try {
    // ---- step 2: webhooks ----
    webhookUrl = await webhookUrlAnswer(ask, flags, presetWebhookUrl, out);
    if (webhookUrl !== undefined) {
      result.webhooks = await registerWebhooksStep({
        register: deps.registerWebhooks ?? registerWebhooks,
        config: validated.full,
        apiUrl: runtime.apiUrl,
        url: webhookUrl,
        pairId,
        logger,
        output: out,
        openDatabase,
      });
    } else {
      out.line(`webhooks not registered; later: npm run webhooks -- register --url <public URL> --pair ${pairId}`);
    }

    // ---- step 3: first reconciliation ----
    const reconcile =
      flags.reconcile ??
      (await ask.confirm({
        message: `Run the first reconciliation now (the last ${validated.config.reconcile.windowDays} days)?`,
        default: true,
      }));
    if (reconcile) {
      result.reconcile = await firstReconciliation(validated.config, runtime, openDatabase(), logger, deps.progress, out);
    } else {
      out.line(`first reconciliation skipped; later: npm run reconcile -- --pair ${pairId}`);
    }
  } finally {
    database?.close();
  }
  if (result.webhooks === "failed" || result.reconcile === "failed" || (typeof result.reconcile === "object" && result.reconcile.outcome !== "succeeded")) {
    result.exitCode = 1;
  }

  out.line();
  out.line("To repeat this setup without questions:");
  out.line(`  ${unattendedCommand(entry, result, webhookUrl)}`);
  out.line("Next: start the service with `npm start` (or `npm run dev`).");
  return result;
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

/** Asks through the prompts, or answers from --yes, or fails naming the flag when it cannot ask. */
class Asker {
  constructor(
    private readonly prompts: Prompts,
    private readonly interactive: boolean,
    private readonly yes: boolean,
    private readonly out: SetupOutput,
  ) {}

  async confirm(question: { message: string; default?: boolean }): Promise<boolean> {
    if (this.yes) {
      this.out.line(`✔ ${question.message} yes (--yes)`);
      return true;
    }
    this.mayAsk("--yes", question.message);
    return this.prompts.confirm(question);
  }

  async select<T>(flag: string, question: SelectQuestion<T>): Promise<T> {
    this.mayAsk(flag, question.message);
    return this.prompts.select<T>(question);
  }

  async input(flag: string, question: Parameters<Prompts["input"]>[0]): Promise<string> {
    this.mayAsk(flag, question.message);
    return (await this.prompts.input(question)).trim();
  }

  async password(what: string, question: Parameters<Prompts["password"]>[0]): Promise<string> {
    this.mayAsk(what, question.message);
    return (await this.prompts.password(question)).trim();
  }

  /** A flag's value, or the user's pick from the list; `fallback` answers when no question may be asked. */
  async choose<T extends Named>(spec: {
    flag: string;
    flagValue: string | undefined;
    /** What a flag names, for errors: "workspace", "client", "user". */
    what: string;
    /** How the answer is reported: "source workspace", "destination user". */
    title: string;
    message: string;
    items: readonly T[];
    default?: string;
    fallback?: T;
  }): Promise<T> {
    if (spec.flagValue !== undefined) {
      const picked = matchFlag(spec.flag, spec.flagValue, spec.items, spec.what);
      this.out.line(`✔ ${spec.title}: ${picked.label} (${spec.flag})`);
      return picked;
    }
    if (!this.interactive && spec.fallback !== undefined) {
      this.out.line(`✔ ${spec.title}: ${spec.fallback.label} (the key's owner; ${spec.flag} to choose)`);
      return spec.fallback;
    }
    const id = await this.select(spec.flag, {
      message: spec.message,
      choices: spec.items.map((item) => ({ value: item.id, name: item.label, description: item.id })),
      ...(spec.default === undefined ? {} : { default: spec.default }),
    });
    const picked = spec.items.find((item) => item.id === id);
    if (picked === undefined) throw new Error(`the answer to "${spec.message}" is not one of the choices`);
    return picked;
  }

  private mayAsk(flag: string, message: string): void {
    if (!this.interactive) {
      throw new UsageError(`missing ${flag}: stdin is not a terminal, so setup cannot ask "${message}"`);
    }
  }
}

/** Reads an API key from the environment or a masked prompt, and checks it with Clockify. */
class KeyReader {
  constructor(
    private readonly deps: SetupDeps,
    private readonly ask: Asker,
    private readonly runtime: RuntimeEnv,
  ) {}

  async read(side: "source" | "destination", envName: string, options: { prompt?: boolean } = {}): Promise<Key> {
    const fromEnv = options.prompt ? undefined : nonEmpty(this.deps.env[envName]);
    if (fromEnv !== undefined) {
      if (fromEnv.trim() !== fromEnv) throw new UsageError(`${envName} has leading or trailing whitespace; remove it`);
      return this.verify(side, fromEnv, envName, `${envName} (from the environment)`);
    }
    for (let attempt = 1; ; attempt++) {
      const value = await this.ask.password(envName, {
        message: `API key of the ${side} account (Clockify → Profile settings → API; or set ${envName})`,
        validate: (v) => (v.trim() === "" ? "the key is required" : true),
      });
      try {
        return await this.verify(side, value, undefined, `${side} API key`);
      } catch (error) {
        if (!(error instanceof SetupError) || attempt >= KEY_ATTEMPTS) throw error;
        this.deps.output.warn(`${error.message}; try again`);
      }
    }
  }

  private async verify(side: "source" | "destination", value: string, envName: string | undefined, label: string): Promise<Key> {
    const client = this.deps.clientFactory(value);
    try {
      const owner = await client.getCurrentUser();
      return { value, envName, owner, client };
    } catch (error) {
      if (error instanceof ClockifyError) {
        if (error.kind === "unauthorized" || error.kind === "forbidden") {
          throw new SetupError(
            `Clockify rejected the ${label}: HTTP ${error.status}` +
              `${error.detail ? ` (${error.detail})` : ""}; check the ${side} key (Clockify → Profile settings → API). Nothing was written`,
          );
        }
        if (error.kind === "network" || error.kind === "server") {
          throw new SetupError(`could not check the ${label} at ${this.runtime.apiUrl}: ${error.message}. Nothing was written`);
        }
      }
      throw error;
    }
  }
}

async function chooseUser(
  ask: Asker,
  out: SetupOutput,
  spec: { key: Key; workspace: Named; flag: string; flagValue: string | undefined; title: string; message: string },
): Promise<Named> {
  let users: User[];
  try {
    users = await spec.key.client.listUsers(spec.workspace.id);
  } catch (error) {
    // Members without admin rights may not list users; the key's owner is the usual answer anyway.
    if (!(error instanceof ClockifyError) || (error.kind !== "forbidden" && error.kind !== "unauthorized")) throw error;
    out.warn(`cannot list the users of "${spec.workspace.label}" (HTTP ${error.status}); only the key's owner is offered`);
    users = [];
  }
  if (!users.some((user) => user.id === spec.key.owner.id)) users = [spec.key.owner, ...users];
  const items = users.map(userItem);
  const owner = items.find((item) => item.id === spec.key.owner.id);
  return ask.choose({
    flag: spec.flag,
    flagValue: spec.flagValue,
    what: "user",
    title: spec.title,
    message: spec.message,
    items,
    default: spec.key.owner.id,
    ...(owner ? { fallback: owner } : {}),
  });
}

function matchDestinationFlag(value: string, items: readonly Named[], sameKey: boolean): Named {
  try {
    return matchFlag("--destination-workspace", value, items, "workspace");
  } catch (error) {
    if (!(error instanceof UsageError) || !sameKey) throw error;
    throw new UsageError(`${error.message}. If another Clockify account owns it, set ${DESTINATION_KEY_VAR} to that account's key`);
  }
}

/** The URL to register webhooks at (the flag's, or asked for), or undefined to skip them. */
async function webhookUrlAnswer(ask: Asker, flags: SetupFlags, preset: string | undefined, out: SetupOutput): Promise<string | undefined> {
  if (flags.webhooks === false) return undefined;
  if (preset !== undefined) return preset;
  const register = await ask.confirm({
    message: "Register Clockify webhooks now, so changes are mirrored within seconds? (needs the service's public URL)",
    default: true,
  });
  if (!register) return undefined;
  const answer = await ask.input("--webhook-url", {
    message: `Public URL of the service, as Clockify will reach it (e.g. https://sync.example.com; ${WEBHOOK_URL_PATH} is added)`,
    validate: (value) => {
      const checked = completeWebhookUrl(value);
      return "error" in checked ? checked.error : true;
    },
  });
  return checkedWebhookUrl(answer, out);
}

function checkedWebhookUrl(raw: string, out: SetupOutput): string {
  const checked = completeWebhookUrl(raw);
  if ("error" in checked) throw new UsageError(`--webhook-url: ${checked.error}`);
  if (checked.warning !== null) out.warn(checked.warning);
  return checked.url;
}

async function firstReconciliation(
  config: Config,
  runtime: RuntimeEnv,
  database: AppDatabase,
  logger: Logger,
  progress: Progress | undefined,
  out: SetupOutput,
): Promise<RunSummary | "failed"> {
  try {
    const runtimes = createPairRuntimes({
      config,
      apiUrl: runtime.apiUrl,
      database,
      logger,
      limiters: new RateLimiterRegistry({ requestsPerSecond: config.clockify.requestsPerSecond }),
      locks: new KeyedMutex(),
    });
    const summaries = await reconcileAll([...runtimes.values()], {
      trigger: "setup",
      windowDays: config.reconcile.windowDays,
      progress: progress ?? terminalProgress(),
    });
    for (const summary of summaries) out.line(formatSummary(summary));
    const [summary] = summaries;
    if (summary === undefined) return "failed";
    if (summary.outcome !== "succeeded") {
      out.warn(`the first reconciliation ${summary.outcome}; fix the cause and run: npm run reconcile -- --pair ${summary.pairId}`);
    }
    return summary;
  } catch (error) {
    out.warn(`the first reconciliation failed: ${error instanceof Error ? error.message : String(error)}`);
    return "failed";
  }
}

function webhookPlan(flags: SetupFlags, preset: string | undefined): string {
  if (flags.webhooks === false) return "skipped (--no-webhooks)";
  if (preset !== undefined) return `at ${preset} (--webhook-url)`;
  return "you will be asked";
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

function keyReference(key: Key): string {
  return key.envName === undefined ? key.value : `\${${key.envName}}`;
}

function describeKey(key: Key): string {
  return key.envName === undefined
    ? `${maskSecret(key.value)}, typed: stored in the file as it is`
    : `\${${key.envName}} (from the environment; the file keeps the reference)`;
}

function describeUser(user: User): string {
  const name = user.name ?? user.id;
  return user.email ? `${name} <${user.email}>` : name;
}

function workspaceItem(workspace: Workspace): Named {
  return { id: workspace.id, label: workspace.name, alias: workspace.name };
}

function userItem(user: User): Named {
  return { id: user.id, label: describeUser(user), alias: user.email };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
