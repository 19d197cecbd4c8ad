import { describeValue } from "./describe-value.js";
import { describeJsonSyntaxError } from "./json-syntax.js";
import type { Path, Problem } from "./problem.js";

/**
 * The original Python tool kept each pair as a flat secret; such pairs are still accepted and are
 * rewritten to the modern shape before validation.
 */
const LEGACY_KEYS: ReadonlySet<string> = new Set([
  "time_entry_source_workspace_id",
  "time_entry_source_client_id",
  "time_entry_destination_workspace_id",
  "user_id",
  "token",
  "project_options",
  "dest_token",
  "dest_user_id",
]);
const MODERN_ONLY_KEYS: ReadonlySet<string> = new Set([
  "source",
  "destination",
  "projectOptions",
  "createMissingDestinationProjects",
  "webhookSecrets",
]);

/** Where each modern field of a rewritten pair came from, to report problems by the key the user wrote. */
const LEGACY_NAME_OF: Readonly<Record<string, string>> = {
  "source.apiKey": "token",
  "source.workspaceId": "time_entry_source_workspace_id",
  "source.userId": "user_id",
  "source.clientId": "time_entry_source_client_id",
  "destination.apiKey": "dest_token",
  "destination.workspaceId": "time_entry_destination_workspace_id",
  "destination.userId": "dest_user_id",
};

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

function isLegacyPair(pair: JsonObject): boolean {
  return Object.keys(pair).some((key) => LEGACY_KEYS.has(key));
}

export function convertLegacyPairs(tree: unknown): LegacyConversion {
  const problems: Problem[] = [];
  const converted = new Set<number>();
  const unconverted = new Set<number>();
  const pairs = isObject(tree) && Array.isArray(tree["pairs"]) ? tree["pairs"] : undefined;
  const rewritten = pairs?.map((pair: unknown, index) => {
    if (!isObject(pair) || !isLegacyPair(pair)) return pair;
    const path = ["pairs", index];
    const modernKeys = Object.keys(pair).filter((key) => MODERN_ONLY_KEYS.has(key));
    if (modernKeys.length > 0) {
      const legacyKeys = Object.keys(pair).filter((key) => LEGACY_KEYS.has(key));
      problems.push({
        path,
        message:
          `mixes legacy keys (${legacyKeys.join(", ")}) with modern keys (${modernKeys.join(", ")}); ` +
          "write the pair in one shape",
      });
      unconverted.add(index);
      return pair;
    }
    converted.add(index);
    return convertPair(pair, path, problems);
  });

  return {
    tree: rewritten === undefined || !isObject(tree) ? tree : { ...tree, pairs: rewritten },
    problems,
    writtenPath: (path) =>
      isPairPath(path, converted) ? [...path.slice(0, 2), ...legacyPath(path.slice(2))] : path,
    isInUnconvertedPair: (path) => isPairPath(path, unconverted),
  };
}

function convertPair(pair: JsonObject, path: Path, problems: Problem[]): JsonObject {
  for (const key of Object.keys(pair)) {
    if (key === "id" || LEGACY_KEYS.has(key)) continue;
    problems.push({ path, message: `unknown key ${JSON.stringify(key)}` });
  }
  const projectOptions = parseProjectOptions(pair["project_options"], [...path, "project_options"], problems);
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

function legacyPath(inPair: Path): Path {
  const [first, second, ...rest] = inPair;
  if (first === "projectOptions") return ["project_options", ...inPair.slice(1)];
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
