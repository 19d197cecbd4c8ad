import { LEGACY_KEYS } from "./legacy-shape.js";
import type { Path } from "./problem.js";
import { KNOWN_KEYS } from "./schema.js";

/**
 * The original tool's secret pasted as the whole file: one flat pair, not wrapped in `pairs`. It is read
 * as that one pair; the notice shows the wrapping to write, which also lets the user choose the id.
 */

/** The id such a pair gets when it has none: the legacy shape carries the client's id only, not its name. */
export const WHOLE_FILE_PAIR_ID = "pair-1";

/** Top-level keys of this project's file; the rest of a whole-file secret belongs to its pair. */
const FILE_LEVEL_KEYS: readonly string[] = (KNOWN_KEYS[""] ?? []).filter((key) => key !== "pairs");

type JsonObject = Record<string, unknown>;

export interface WholeFileWrap {
  /** The tree with the secret wrapped as `pairs[0]`, or the tree as it was. */
  tree: unknown;
  wrapped: boolean;
  /** Moves a path of the wrapped tree back to where the user wrote it. */
  writtenPath(path: Path): Path;
}

export function isWholeFileLegacy(tree: unknown): tree is JsonObject {
  return isObject(tree) && !("pairs" in tree) && Object.keys(tree).some((key) => LEGACY_KEYS.has(key));
}

export function wrapWholeFileLegacy(tree: unknown): WholeFileWrap {
  if (!isWholeFileLegacy(tree)) return { tree, wrapped: false, writtenPath: (path) => path };
  const pair: JsonObject = { id: WHOLE_FILE_PAIR_ID };
  const top: JsonObject = {};
  for (const [key, value] of Object.entries(tree)) {
    if (FILE_LEVEL_KEYS.includes(key)) top[key] = value;
    else pair[key] = value;
  }
  return {
    tree: { pairs: [pair], ...top },
    wrapped: true,
    writtenPath: (path) => (path[0] === "pairs" && (path.length === 1 || path[1] === 0) ? path.slice(2) : path),
  };
}

/** What to tell a user whose file is a whole-file secret: how it was read and the exact wrapping to write. */
export function wholeFileNotice(tree: unknown, file: string): string | undefined {
  if (!isWholeFileLegacy(tree)) return undefined;
  const id = typeof tree["id"] === "string" ? tree["id"] : WHOLE_FILE_PAIR_ID;
  const pairKeys = Object.keys(tree).filter((key) => key !== "id" && !FILE_LEVEL_KEYS.includes(key));
  const topKeys = Object.keys(tree).filter((key) => FILE_LEVEL_KEYS.includes(key));
  // Values are left out: the secret holds API keys. "…" stands for each value as it is in the file.
  const pair = [`"id": ${JSON.stringify(id)}`, ...pairKeys.map((key) => `${JSON.stringify(key)}: …`)].join(", ");
  const rest = topKeys.map((key) => `, ${JSON.stringify(key)}: …`).join("");
  return (
    `config file ${file} holds the original tool's secret on its own, not wrapped in "pairs"; it is read as one pair ` +
    `with id ${JSON.stringify(id)}. To choose the id (e.g. the client's name) or add pairs, write the file as: ` +
    `{ "pairs": [ { ${pair} } ]${rest} } with each … the value it has now`
  );
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
