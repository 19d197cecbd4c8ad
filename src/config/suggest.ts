import type { Path, Problem } from "./problem.js";

/**
 * "did you mean": the known key a mistyped one most likely meant. Case is ignored because the usual
 * slip is `workspaceid` for `workspaceId`; the allowed distance grows with the key's length so that a
 * short key is not "corrected" into an unrelated one.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const wanted = key.toLowerCase();
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    if (candidate === key) continue;
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance > allowedDistance(candidate)) continue;
    if (best === undefined || distance < best.distance) best = { key: candidate, distance };
  }
  return best?.key;
}

/** `unknown key "destinaton"; did you mean "destination"?`, or without the question when nothing is close. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const suggestion = closestKey(key, known);
  const unknown = `unknown key ${JSON.stringify(key)}`;
  return suggestion === undefined ? unknown : `${unknown}; did you mean ${JSON.stringify(suggestion)}?`;
}

/** The problem for an unknown key in the object at `path`, with the field it probably meant. */
export function unknownKeyProblem(path: Path, key: string, known: readonly string[]): Problem {
  const suggestion = closestKey(key, known);
  return {
    path,
    message: unknownKeyMessage(key, known),
    ...(suggestion === undefined ? {} : { meant: [...path, suggestion] }),
  };
}

/**
 * Drops "required" for a field whose misspelling is reported with a "did you mean" already: both
 * would say the same thing.
 */
export function withoutRequiredOfMisspelt(problems: readonly Problem[]): Problem[] {
  const meant = new Set(problems.flatMap((problem) => (problem.meant === undefined ? [] : [JSON.stringify(problem.meant)])));
  return problems.filter((problem) => problem.message !== "required" || !meant.has(JSON.stringify(problem.path)));
}

function allowedDistance(candidate: string): number {
  return Math.max(1, Math.floor(candidate.length / 4));
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let j = 0; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, at(i - 2, j - 2) + 1);
      row[j] = distance;
    }
  }
  return at(a.length, b.length);
}
