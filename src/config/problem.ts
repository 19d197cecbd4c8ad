export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** One thing wrong with the configuration, at the place the user wrote it. */
export interface Problem {
  path: Path;
  message: string;
  /** For an unknown key close to a known one: the field it probably meant. */
  meant?: Path;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["pairs", 0, "source", "apiKey"]` → `pairs[0].source.apiKey`; the root is called `config`. */
export function formatPath(path: Path): string {
  if (path.length === 0) return "config";
  return path
    .map((segment, index) => {
      if (typeof segment === "number") return `[${segment}]`;
      if (!PLAIN_KEY.test(segment)) return `[${JSON.stringify(segment)}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join("");
}

export function formatProblem(problem: Problem): string {
  return `${formatPath(problem.path)}: ${problem.message}`;
}
