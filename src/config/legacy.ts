import { describeValue } from "./describe-value.js";
import { describeJsonSyntaxError } from "./json-syntax.js";
import { LEGACY_FIELD_OF, LEGACY_KEYS, OPTIONAL_MODERN_KEYS, pairShape } from "./legacy-shape.js";
import type { Path, Problem } from "./problem.js";
import { unknownKeyProblem } from "./suggest.js";

/**
 * The original Python tool kept each pair as a flat secret; such pairs are still accepted and are
 * rewritten to the modern shape before validation. Which pairs count as legacy: legacy-shape.ts.
 */

/** Where each modern field of a rewritten pair came from, to report problems by the key the user wrote. */
const LEGACY_NAME_OF: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(LEGACY_FIELD_OF).map(([legacy, field]) => [field, legacy]),
);

/** What an unknown key in a legacy pair is compared with for a "did you mean". */
const LEGACY_PAIR_KEYS: readonly string[] = [...LEGACY_KEYS, ...OPTIONAL_MODERN_KEYS];

type JsonObject = Record<string, unknown>;

export interface LegacyConversion {
  /** The config tree with every legacy pair rewritten to the modern shape. */
  tree: unknown;
  problems: Problem[];
  /** Moves a path inside a rewritten pair back to the legacy key it came from. */
  writtenPath(path: Path): Path;
  /** Whether a path lies in a pair that could not be rewritten, whose other problems would only confuse. */
  isInUnconvertedPair(path: Path): boolean;
}

export function convertLegacyPairs(tree: unknown): LegacyConversion {
  const problems: Problem[] = [];
  /** Converted pairs by index; true when its projectOptions were written in the modern shape. */
  const converted = new Map<number, boolean>();
  const unconverted = new Set<number>();
  const pairs = isObject(tree) && Array.isArray(tree["pairs"]) ? tree["pairs"] : undefined;
  const rewritten = pairs?.map((pair: unknown, index) => {
    if (!isObject(pair)) return pair;
    const path = ["pairs", index];
    const shape = pairShape(pair, path);
    if (shape.kind === "modern") return pair;
    if (shape.kind === "refused") {
      problems.push(...shape.problems);
      unconverted.add(index);
      return pair;
    }
    converted.set(index, shape.modernOptions);
    return convertPair(pair, path, problems);
  });

  return {
    tree: rewritten === undefined || !isObject(tree) ? tree : { ...tree, pairs: rewritten },
    problems,
    writtenPath: (path) => {
      const index = path[1];
      const modernOptions = path[0] === "pairs" && typeof index === "number" ? converted.get(index) : undefined;
      return modernOptions === undefined ? path : [...path.slice(0, 2), ...legacyPath(path.slice(2), modernOptions)];
    },
    isInUnconvertedPair: (path) => isPairPath(path, unconverted),
  };
}

function convertPair(pair: JsonObject, path: Path, problems: Problem[]): JsonObject {
  for (const key of Object.keys(pair)) {
    if (LEGACY_PAIR_KEYS.includes(key)) continue;
    problems.push(unknownKeyProblem(path, key, LEGACY_PAIR_KEYS));
  }
  const projectOptions =
    pair["projectOptions"] !== undefined
      ? pair["projectOptions"]
      : parseProjectOptions(pair["project_options"], [...path, "project_options"], problems);
  const { webhookSecrets, createMissingDestinationProjects } = pair;
  return {
    id: pair["id"],
    source: {
      apiKey: pair["token"],
      workspaceId: pair["time_entry_source_workspace_id"],
      userId: pair["user_id"],
      clientId: pair["time_entry_source_client_id"],
    },
    destination: {
      apiKey: unlessEmpty(pair["dest_token"]),
      workspaceId: pair["time_entry_destination_workspace_id"],
      userId: unlessEmpty(pair["dest_user_id"]),
    },
    ...(projectOptions === undefined ? {} : { projectOptions }),
    ...(webhookSecrets === undefined ? {} : { webhookSecrets }),
    ...(createMissingDestinationProjects === undefined ? {} : { createMissingDestinationProjects }),
  };
}

// The Python tool read dest_token/dest_user_id with `or`, so an empty string there meant "use the source's".
function unlessEmpty(value: unknown): unknown {
  return value === "" ? undefined : value;
}

const PROJECT_OPTIONS_EXPECTED = "expected a string holding a JSON object";

function parseProjectOptions(value: unknown, path: Path, problems: Problem[]): unknown {
  if (value === undefined) {
    problems.push({ path, message: "required" });
    return undefined;
  }
  if (typeof value !== "string") {
    problems.push({ path, message: `${PROJECT_OPTIONS_EXPECTED}, got ${describeValue(value, false)}` });
    return undefined;
  }
  if (value.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    const reason = describeJsonSyntaxError(value);
    problems.push({ path, message: `${PROJECT_OPTIONS_EXPECTED}, got invalid JSON (${reason})` });
    return undefined;
  }
  if (!isObject(parsed)) {
    const kind = parsed === null ? "null" : Array.isArray(parsed) ? "an array" : `a ${typeof parsed}`;
    problems.push({ path, message: `${PROJECT_OPTIONS_EXPECTED}, got a string holding ${kind}` });
    return undefined;
  }
  return parsed;
}

function legacyPath(inPair: Path, modernOptions: boolean): Path {
  const [first, second, ...rest] = inPair;
  if (first === "projectOptions") return modernOptions ? inPair : ["project_options", ...inPair.slice(1)];
  const legacyName = LEGACY_NAME_OF[`${String(first)}.${String(second)}`];
  return legacyName === undefined ? inPair : [legacyName, ...rest];
}

function isPairPath(path: Path, indexes: ReadonlySet<number>): boolean {
  const index = path[1];
  return path[0] === "pairs" && typeof index === "number" && indexes.has(index);
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
