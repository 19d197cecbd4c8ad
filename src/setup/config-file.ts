import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { ConfigError } from "../config/errors.js";
import { describeJsonSyntaxError } from "../config/json-syntax.js";
import { parseConfig } from "../config/parse.js";
import type { Config } from "../config/schema.js";
import { isWholeFileLegacy, wrapWholeFileLegacy } from "../config/whole-file.js";

type JsonObject = Record<string, unknown>;

/** The config file as found on disk, kept as a raw JSON tree so that nothing else in it changes. */
export interface RawConfigFile {
  path: string;
  exists: boolean;
  tree: JsonObject;
  /** Permission bits of the existing file. */
  mode?: number;
  /** The file was the original tool's secret on its own; `tree` has it wrapped as a pair, as setup writes it back. */
  wrappedLegacy?: boolean;
}

/** The pair as setup writes it: secrets as `${NAME}` references or literal values. */
export interface PairEntry {
  id: string;
  source: { apiKey: string; workspaceId: string; userId: string; clientId: string };
  /** `apiKey` is left out when the destination uses the source's key. */
  destination: { apiKey?: string; workspaceId: string; userId: string };
}

export function readRawConfig(path: string): RawConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return { path, exists: false, tree: { pairs: [] } };
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`config file ${path} could not be read: ${reason}`);
  }
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  let tree: unknown;
  try {
    tree = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    // As loadConfig: the parser's own message may quote the file, secrets included.
    throw new ConfigError(
      `config file ${path} is not valid JSON: ${describeJsonSyntaxError(text)}; fix it first, setup does not overwrite it`,
    );
  }
  if (!isObject(tree)) throw new ConfigError(`config file ${path} must hold a JSON object; setup does not overwrite it`);
  if (tree["pairs"] !== undefined && !Array.isArray(tree["pairs"])) {
    throw new ConfigError(`config file ${path}: "pairs" must be an array; setup does not overwrite it`);
  }
  const mode = statSync(path).mode & 0o777;
  if (isWholeFileLegacy(tree)) return { path, exists: true, tree: wrapWholeFileLegacy(tree).tree as JsonObject, mode, wrappedLegacy: true };
  return { path, exists: true, tree, mode };
}

/** Ids of the pairs in the file, in file order (entries without a string id are skipped). */
export function pairIds(file: RawConfigFile): string[] {
  return pairsOf(file.tree).flatMap((pair) => (isObject(pair) && typeof pair["id"] === "string" ? [pair["id"]] : []));
}

/** Each pair of the file by id, with what it mirrors as far as the file says (ids only, never a key). */
export function pairSummaries(file: RawConfigFile): Map<string, string | undefined> {
  const summaries = new Map<string, string | undefined>();
  for (const pair of pairsOf(file.tree)) {
    if (isObject(pair) && typeof pair["id"] === "string") summaries.set(pair["id"], summarize(pair));
  }
  return summaries;
}

function summarize(pair: JsonObject): string | undefined {
  const source = isObject(pair["source"]) ? pair["source"] : {};
  const destination = isObject(pair["destination"]) ? pair["destination"] : {};
  const field = (value: unknown) => (typeof value === "string" && !value.includes("${") ? value : undefined);
  const client = field(source["clientId"] ?? pair["time_entry_source_client_id"]);
  const user = field(source["userId"] ?? pair["user_id"]);
  const from = field(source["workspaceId"] ?? pair["time_entry_source_workspace_id"]);
  const to = field(destination["workspaceId"] ?? pair["time_entry_destination_workspace_id"]);
  const parts = [client && `client ${client}`, user && `user ${user}`, from && to && `workspace ${from} → ${to}`].filter(Boolean);
  return parts.length === 0 ? undefined : parts.join(", ");
}

/**
 * The file's tree with `entry` in place of the pair of the same id (keeping that pair's other settings,
 * such as projectOptions) or appended. Other pairs and top-level keys stay as they were.
 */
export function upsertPair(tree: JsonObject, entry: PairEntry): { tree: JsonObject; replaced: boolean; pair: JsonObject } {
  const pairs = pairsOf(tree);
  const index = pairs.findIndex((pair) => isObject(pair) && pair["id"] === entry.id);
  const pair = { ...entry, ...keptSettings(index >= 0 ? pairs[index] : undefined) } as JsonObject;
  const nextPairs = index >= 0 ? pairs.map((old, i) => (i === index ? pair : old)) : [...pairs, pair];
  // Keep the key order of the file; a file without "pairs" gets it first.
  const next: JsonObject = "pairs" in tree ? { ...tree, pairs: nextPairs } : { pairs: nextPairs, ...tree };
  return { tree: next, replaced: index >= 0, pair };
}

/** Per-pair settings that setup does not ask about and that survive replacing the pair. */
function keptSettings(old: unknown): JsonObject {
  if (!isObject(old)) return {};
  const kept: JsonObject = {};
  const settings = ["destinationDefaults", "projectOptions", "destinationProjectOptions", "createMissingDestinationProjects", "createMissingDestinationTags", "createMissingDestinationTasks", "webhookSecrets"];
  for (const key of settings) {
    if (old[key] !== undefined) kept[key] = old[key];
  }
  // A pair in the original tool's shape keeps its project options as a JSON string.
  if (kept["projectOptions"] === undefined && typeof old["project_options"] === "string") {
    try {
      const parsed: unknown = JSON.parse(old["project_options"]);
      if (isObject(parsed)) kept["projectOptions"] = parsed;
    } catch {
      // Unparseable options are dropped with the legacy pair; the validation below would reject them anyway.
    }
  }
  return kept;
}

const UNSET_VARIABLE = /: environment variable ([A-Za-z_][A-Za-z0-9_]*) is not set$/;

export interface Validated {
  /** The new pair with the file's `reconcile` and `clockify` settings: what the first reconciliation runs with. */
  config: Config;
  /** The whole file as the service will see it; undefined when it refers to variables not set here. */
  full: Config | undefined;
  /** Variables the file refers to that this process does not have; the service will need them. */
  unsetVariables: string[];
}

/**
 * Checks the whole file as the service will read it. Variables that other parts of the file refer to
 * may legitimately be missing from the shell setup runs in; they are reported, not fatal, as long as
 * the new pair itself validates.
 */
export function validateTree(tree: JsonObject, pair: JsonObject, env: NodeJS.ProcessEnv): Validated {
  let unsetVariables: string[] = [];
  let full: Config | undefined;
  try {
    full = parseConfig(tree, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const names = error.problems.map((problem) => UNSET_VARIABLE.exec(problem)?.[1]);
    if (names.some((name) => name === undefined)) {
      throw new ConfigError(error.problems, { heading: "the config file would be invalid; nothing was written:" });
    }
    unsetVariables = [...new Set(names as string[])];
  }
  // Hand-made webhook secrets only matter to the server; setup's own steps do not read them.
  const { webhookSecrets: _secrets, ...ownPair } = pair;
  const own: JsonObject = { pairs: [ownPair] };
  for (const key of ["reconcile", "clockify"]) if (tree[key] !== undefined) own[key] = tree[key];
  try {
    return { config: parseConfig(own, env), full, unsetVariables };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.problems, { heading: "the new pair would be invalid; nothing was written:" });
  }
}

/**
 * Writes the file atomically (a temporary file in the same directory, then a rename), so a reader
 * sees either the old or the new file. `mode` applies to the new file; without it, the umask decides.
 */
export function writeConfigAtomically(path: string, tree: JsonObject, mode?: number): void {
  const target = resolveLink(path);
  mkdirSync(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const text = `${JSON.stringify(tree, null, 2)}\n`;
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx", mode ?? 0o666);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    // openSync's mode is filtered by the umask; a secret-holding file must end up exactly 0600.
    if (mode !== undefined) chmodSync(temp, mode);
    renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // Already renamed or never created.
    }
    throw error;
  }
}

/** A config path that is a symlink (a mounted secret, a dotfiles repo) is written through, not replaced. */
function resolveLink(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function pairsOf(tree: JsonObject): unknown[] {
  return Array.isArray(tree["pairs"]) ? (tree["pairs"] as unknown[]) : [];
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function errorCode(error: unknown): unknown {
  return error instanceof Error && "code" in error ? error.code : undefined;
}
