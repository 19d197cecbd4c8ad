import { readFileSync, statSync } from "node:fs";
import { formatPath, type Path } from "./problem.js";
import { wholeFileNotice } from "./whole-file.js";

/**
 * Things about a config file that do not stop the service but that its owner should hear about at
 * every start: an API key in plain text that other local users can read, and the original tool's secret
 * pasted as the whole file. Setup gives the same advice when it writes a typed key.
 */

/** Where API keys sit, in this project's shape and the original tool's. */
const API_KEY_FIELDS: ReadonlySet<string> = new Set(["apiKey", "token", "dest_token"]);
const REFERENCE = /\$\{[^}]*\}/;

/** How to keep keys out of the file; setup's warning ends the same way. */
export function keepKeysOutAdvice(variables: readonly string[] = ["SRC_CLOCKIFY_API_KEY", "DEST_CLOCKIFY_API_KEY"]): string {
  return (
    `to keep it out of the file, export ${variables.join(" and ")} and run setup again ` +
    '(it then writes "${NAME}" references), or write "${NAME}" in its place yourself'
  );
}

/**
 * Fields of the file as written (before `${NAME}` interpolation) that hold an API key literally. A
 * value with a reference in it comes from the environment and is not counted.
 */
export function plaintextKeyFields(raw: unknown, path: Path = []): Path[] {
  if (Array.isArray(raw)) return raw.flatMap((item, index) => plaintextKeyFields(item, [...path, index]));
  if (raw === null || typeof raw !== "object") return [];
  return Object.entries(raw).flatMap(([key, value]) => {
    const at = [...path, key];
    if (API_KEY_FIELDS.has(key) && typeof value === "string") return value !== "" && !REFERENCE.test(value) ? [at] : [];
    return plaintextKeyFields(value, at);
  });
}

/**
 * The warning for a file with literal keys that group or others may read; undefined when the keys are
 * references or the file is private. `mode` is the file's permission bits.
 */
export function permissionWarning(file: string, mode: number, plaintext: readonly Path[]): string | undefined {
  const readers = [mode & 0o040 ? "group" : "", mode & 0o004 ? "others" : ""].filter(Boolean);
  if (plaintext.length === 0 || readers.length === 0) return undefined;
  return (
    `config file ${file} holds an API key in plain text (${plaintext.map(formatPath).join(", ")}) and is readable by ` +
    `${readers.join(" and ")} (mode ${mode.toString(8).padStart(4, "0")}): run chmod 600 ${file}; ${keepKeysOutAdvice()}`
  );
}

/**
 * Every warning about the config file at `path`, to log where the config is loaded. `raw` is the
 * file's JSON as parsed, before `${NAME}` interpolation, when the caller has it; otherwise the file is
 * read here. A file that cannot be read or parsed gives none: loading it reports that.
 */
export function configFileWarnings(path: string, raw?: unknown, platform: NodeJS.Platform = process.platform): string[] {
  let tree = raw;
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
    if (tree === undefined) tree = JSON.parse(readFileSync(path, "utf8").replace(/^\uFEFF/, "")) as unknown;
  } catch {
    return [];
  }
  // Windows reports made-up permission bits; they say nothing about who can read the file.
  const permissions = platform === "win32" ? undefined : permissionWarning(path, mode, plaintextKeyFields(tree));
  return [wholeFileNotice(tree, path), permissions].filter((warning): warning is string => warning !== undefined);
}
