import type { Problem } from "./problem.js";

/**
 * Which shape a pair is written in. The original Python tool's flat secret and this project's nested
 * pair may meet in one pair only where they do not describe the same thing: a legacy pair may carry
 * this project's optional keys, but a side (or the project options) given in both shapes is refused,
 * since either could be the one the user means.
 */

/** The original tool's keys, each with the field of this project's shape it becomes. */
export const LEGACY_FIELD_OF: Readonly<Record<string, string>> = {
  token: "source.apiKey",
  time_entry_source_workspace_id: "source.workspaceId",
  user_id: "source.userId",
  time_entry_source_client_id: "source.clientId",
  dest_token: "destination.apiKey",
  time_entry_destination_workspace_id: "destination.workspaceId",
  dest_user_id: "destination.userId",
  project_options: "projectOptions",
};
export const LEGACY_KEYS: ReadonlySet<string> = new Set(Object.keys(LEGACY_FIELD_OF));

/** This project's keys a legacy pair may carry as they are. */
export const OPTIONAL_MODERN_KEYS: readonly string[] = [
  "id",
  "projectOptions",
  "destinationProjectOptions",
  "createMissingDestinationProjects",
  "createMissingDestinationTags",
  "createMissingDestinationTasks",
  "webhookSecrets",
];

/** The keys that describe one thing, in each shape. */
const GROUPS: readonly { modern: string; what: string; legacy: readonly string[] }[] = [
  { modern: "source", what: "the source", legacy: legacyKeysUnder("source") },
  { modern: "destination", what: "the destination", legacy: legacyKeysUnder("destination") },
  { modern: "projectOptions", what: "the project options", legacy: ["project_options"] },
];

export type PairShape = { kind: "modern" } | { kind: "legacy"; modernOptions: boolean } | { kind: "refused"; problems: Problem[] };

type JsonObject = Record<string, unknown>;

export function pairShape(pair: JsonObject, path: readonly (string | number)[]): PairShape {
  const keys = Object.keys(pair);
  if (!keys.some((key) => LEGACY_KEYS.has(key))) return { kind: "modern" };
  const present = GROUPS.map((group) => ({
    ...group,
    hasModern: keys.includes(group.modern),
    legacyGiven: group.legacy.filter((key) => keys.includes(key)),
  }));
  const both = present.filter((group) => group.hasModern && group.legacyGiven.length > 0);
  if (both.length > 0) {
    return { kind: "refused", problems: both.map((group) => ({ path, message: bothShapesMessage(group.modern, group.what, group.legacyGiven) })) };
  }
  const sides = present.slice(0, 2);
  const modernSides = sides.filter((side) => side.hasModern);
  const legacyKeys = present.flatMap((group) => group.legacyGiven);
  if (modernSides.length === 0) return { kind: "legacy", modernOptions: keys.includes("projectOptions") };
  const legacySides = sides.filter((side) => side.legacyGiven.length > 0);
  const message =
    legacySides.length === 0
      ? strayLegacyMessage(modernSides.map((side) => side.modern), legacyKeys)
      : halfAndHalfMessage(modernSides.map((side) => side.modern), legacyKeys);
  return { kind: "refused", problems: [{ path, message }] };
}

function bothShapesMessage(modern: string, what: string, legacy: readonly string[]): string {
  return (
    `gives ${what} twice, as ${quoted([modern])} and as the original tool's ${quoted(legacy)}; ` +
    `keep ${quoted([modern])} and delete ${quoted(legacy)} (or the other way round)`
  );
}

/** A pair in this project's shape with a leftover legacy key, most often project_options. */
function strayLegacyMessage(modern: readonly string[], legacy: readonly string[]): string {
  return (
    `${quoted(legacy)} ${legacy.length === 1 ? "is a key" : "are keys"} of the original tool's shape, but this pair ` +
    `uses ${quoted(modern)}; write ${renames(legacy)}`
  );
}

function halfAndHalfMessage(modern: readonly string[], legacy: readonly string[]): string {
  return (
    `gives ${quoted(modern)} in this project's shape and ${quoted(legacy)} in the original tool's; ` +
    `write the pair in one shape: ${renames(legacy)}`
  );
}

function renames(legacy: readonly string[]): string {
  return legacy
    .map((key) => {
      const field = LEGACY_FIELD_OF[key] ?? key;
      return field === "projectOptions" ? `"projectOptions" (an object, not a string) instead of "${key}"` : `${field} instead of "${key}"`;
    })
    .join(", ");
}

function quoted(keys: readonly string[]): string {
  return keys.map((key) => JSON.stringify(key)).join(", ");
}

function legacyKeysUnder(side: string): string[] {
  return Object.entries(LEGACY_FIELD_OF)
    .filter(([, field]) => field.startsWith(`${side}.`))
    .map(([key]) => key);
}
