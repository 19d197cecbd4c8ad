import { readFileSync } from "node:fs";
import { ConfigError } from "./errors.js";
import { describeJsonSyntaxError } from "./json-syntax.js";
import { parseConfig } from "./parse.js";
import type { Config } from "./schema.js";

export { parseConfig };

/** Reads, parses and validates the config file; every failure is a ConfigError naming the file. */
export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Config {
  const raw = parseJson(readConfigText(path), path);
  try {
    return parseConfig(raw, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.problems, { heading: `config file ${path} is invalid:` });
  }
}

function readConfigText(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(unreadableReason(path, error), { cause: error });
  }
  // Editors on Windows like to save JSON with a byte order mark, which JSON.parse rejects.
  return text.startsWith("\uFEFF") ? text.slice(1) : text;
}

function unreadableReason(path: string, error: unknown): string {
  const code = error instanceof Error && "code" in error ? error.code : undefined;
  switch (code) {
    case "ENOENT":
      return (
        `config file ${path} not found; create it with \`npm run setup\` (or \`clockify-sync setup\`), ` +
        "or set CLOCKIFY_SYNC_CONFIG to the path of an existing one"
      );
    case "EISDIR":
      return `config file ${path} is a directory, not a file`;
    case "EACCES":
    case "EPERM":
      return `config file ${path} is not readable: permission denied`;
    default:
      return `config file ${path} could not be read: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // The parser's own message is left out (and not attached as cause): it can quote the file, secrets included.
    throw new ConfigError(`config file ${path} is not valid JSON: ${describeJsonSyntaxError(text)}`);
  }
}
