import type { Problem } from "./problem.js";

/**
 * Rules across fields and pairs, checked on the unvalidated tree so they are reported together with
 * field problems instead of only after those are fixed.
 */
export function pairRuleProblems(tree: unknown): Problem[] {
  const pairs = isObject(tree) && Array.isArray(tree["pairs"]) ? tree["pairs"] : [];
  return [...duplicateIdProblems(pairs), ...sameWorkspaceProblems(pairs)];
}

function duplicateIdProblems(pairs: readonly unknown[]): Problem[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const pair of pairs) {
    const id = isObject(pair) ? pair["id"] : undefined;
    if (typeof id !== "string") continue;
    if (seen.has(id)) duplicates.add(id);
    seen.add(id);
  }
  return [...duplicates].map((id) => ({ path: ["pairs"], message: `duplicate pair id ${JSON.stringify(id)}` }));
}

function sameWorkspaceProblems(pairs: readonly unknown[]): Problem[] {
  return pairs.flatMap((pair, index) => {
    if (!isObject(pair)) return [];
    const source = workspaceIdOf(pair["source"]);
    if (source === undefined || source === "" || source !== workspaceIdOf(pair["destination"])) return [];
    return [
      {
        path: ["pairs", index],
        message:
          `source and destination are the same workspace ${JSON.stringify(source)}; ` +
          "a pair cannot mirror a workspace into itself",
      },
    ];
  });
}

function workspaceIdOf(side: unknown): string | undefined {
  const id = isObject(side) ? side["workspaceId"] : undefined;
  return typeof id === "string" ? id : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
