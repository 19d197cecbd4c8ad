import type { z } from "zod";
import { describeValue } from "./describe-value.js";
import type { Path, PathSegment, Problem } from "./problem.js";
import { isSecretPath } from "./secrets.js";
import { unknownKeyProblem } from "./suggest.js";

/** The keys the object at `path` may have, for a "did you mean"; undefined when there is no such list. */
export type KnownKeys = (path: Path) => readonly string[] | undefined;

/**
 * Turns zod issues into problems. Every schema in this folder words its messages as "expected ...",
 * and the offending value is appended here, in one place, so secrets are described by shape only.
 * Issues must come from a parse with `reportInput: true`.
 */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], knownKeys: KnownKeys = () => undefined): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const path = issue.path.map(toSegment);
    if (issue.code === "unrecognized_keys") {
      const known = knownKeys(path) ?? [];
      return issue.keys.map((key) => unknownKeyProblem(path, key, known));
    }
    if (issue.code === "invalid_type" && issue.input === undefined) return [{ path, message: "required" }];
    // A rule across fields (schema.ts checkMemberForm) says everything itself; its input is the whole pair.
    if (issue.code === "custom" && issue.params?.["complete"] === true) return [{ path, message: issue.message }];
    return [{ path, message: `${issue.message}, got ${describeValue(issue.input, isSecretPath(path))}` }];
  });
}

/** Looks a path up in a table keyed like `pairs.*.source` (array indexes written as `*`). */
export function knownKeysFrom(table: Readonly<Record<string, readonly string[]>>): KnownKeys {
  return (path) => table[path.map((segment) => (typeof segment === "number" ? "*" : segment)).join(".")];
}

function toSegment(key: PropertyKey): PathSegment {
  return typeof key === "symbol" ? String(key) : key;
}
