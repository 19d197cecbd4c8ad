import type { z } from "zod";
import { describeValue } from "./describe-value.js";
import type { PathSegment, Problem } from "./problem.js";
import { isSecretPath } from "./secrets.js";

/**
 * Turns zod issues into problems. Every schema in this folder words its messages as "expected ...",
 * and the offending value is appended here, in one place, so secrets are described by shape only.
 * Issues must come from a parse with `reportInput: true`.
 */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(toSegment);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path, message: `unknown key ${JSON.stringify(key)}` }));
    }
    if (issue.code === "invalid_type" && issue.input === undefined) return [{ path, message: "required" }];
    return [{ path, message: `${issue.message}, got ${describeValue(issue.input, isSecretPath(path))}` }];
  });
}

function toSegment(key: PropertyKey): PathSegment {
  return typeof key === "symbol" ? String(key) : key;
}
