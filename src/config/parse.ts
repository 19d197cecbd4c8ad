import { ConfigError } from "./errors.js";
import { interpolateEnv } from "./interpolate.js";
import { convertLegacyPairs } from "./legacy.js";
import { pairRuleProblems } from "./pair-rules.js";
import { formatProblem, type Path, type Problem } from "./problem.js";
import { configSchema, KNOWN_KEYS, type Config } from "./schema.js";
import { withoutRequiredOfMisspelt } from "./suggest.js";
import { wrapWholeFileLegacy } from "./whole-file.js";
import { knownKeysFrom, problemsFromIssues } from "./zod-issues.js";

const knownKeys = knownKeysFrom(KNOWN_KEYS);

/**
 * Validates an already parsed config file and fills in defaults. Throws one ConfigError listing every
 * problem found; secret values never appear in it.
 */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): Config {
  const interpolated = interpolateEnv(raw, env);
  // Without the variable's value, any further finding about that field would be noise.
  if (interpolated.problems.length > 0) throw new ConfigError(interpolated.problems.map(formatProblem));

  const whole = wrapWholeFileLegacy(interpolated.value);
  const legacy = convertLegacyPairs(whole.tree);
  const result = configSchema.safeParse(legacy.tree, { reportInput: true });
  const schemaProblems = result.success ? [] : problemsFromIssues(result.error.issues, knownKeys);
  const written = (path: Path) => whole.writtenPath(legacy.writtenPath(path));
  const found = [
    ...legacy.problems,
    ...schemaProblems.filter((problem) => !legacy.isInUnconvertedPair(problem.path)),
    ...pairRuleProblems(legacy.tree),
  ]
    .sort((a, b) => pairRank(a) - pairRank(b))
    .map(({ path, message, meant }) => ({ path: written(path), message, ...(meant === undefined ? {} : { meant: written(meant) }) }));
  const problems = withoutRequiredOfMisspelt(found);

  if (problems.length > 0 || !result.success) throw new ConfigError(problems.map(formatProblem));
  return result.data;
}

/** Groups problems by pair, in file order; problems outside a single pair follow, in their own order. */
function pairRank(problem: Problem): number {
  const [top, index] = problem.path;
  return top === "pairs" && typeof index === "number" ? index : Number.MAX_SAFE_INTEGER;
}
