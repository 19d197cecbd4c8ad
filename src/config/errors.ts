/**
 * Why the service cannot start with the given configuration. The message names every problem, one per
 * line, by field path and never carries a secret value, so it is safe to print and log as it is.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** One line per problem, without any heading the message may carry. */
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[], options?: { heading?: string; cause?: unknown }) {
    const list = typeof problems === "string" ? [problems] : [...problems];
    const lines = options?.heading === undefined ? list : [options.heading, ...list];
    super(lines.join("\n"), options?.cause === undefined ? undefined : { cause: options.cause });
    this.problems = list;
  }
}

/**
 * The command line asks for something that cannot be done (a bad flag, a missing answer, an unknown
 * pair). Beside ConfigError because both say "the input is wrong": the launcher exits 2 for either.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
