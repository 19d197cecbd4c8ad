import type { Path, Problem } from "./problem.js";

const REFERENCE = /\$\{([^}]*)\}/g;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MALFORMED_REFERENCE =
  "malformed environment variable reference; expected ${NAME} with NAME made of letters, digits and _";

export interface Interpolated {
  value: unknown;
  problems: Problem[];
}

/**
 * Replaces every `${NAME}` in string values of a parsed JSON tree with the environment variable NAME,
 * so secrets can stay out of the file. Keys are left alone. An empty variable counts as set.
 */
export function interpolateEnv(tree: unknown, env: NodeJS.ProcessEnv): Interpolated {
  const problems: Problem[] = [];
  const value = walk(tree, [], env, problems);
  return { value, problems };
}

function walk(node: unknown, path: Path, env: NodeJS.ProcessEnv, problems: Problem[]): unknown {
  if (typeof node === "string") return substitute(node, path, env, problems);
  if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index], env, problems));
  if (node !== null && typeof node === "object") {
    return Object.fromEntries(
      Object.entries(node).map(([key, child]) => [key, walk(child, [...path, key], env, problems)]),
    );
  }
  return node;
}

function substitute(text: string, path: Path, env: NodeJS.ProcessEnv, problems: Problem[]): string {
  return text.replace(REFERENCE, (reference, name: string) => {
    if (!VARIABLE_NAME.test(name)) {
      // The reference itself is not echoed: in a secret field it could be part of the secret.
      problems.push({ path, message: MALFORMED_REFERENCE });
      return reference;
    }
    const replacement = env[name];
    if (replacement === undefined) {
      problems.push({ path, message: `environment variable ${name} is not set` });
      return reference;
    }
    return replacement;
  });
}
