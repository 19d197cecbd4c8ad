import { UsageError } from "../config/errors.js";

/** Something the user picks from a list: a workspace, a client, a user. */
export interface Named {
  id: string;
  /** What the user sees; also matched by flags (workspace and client names, user emails). */
  label: string;
  /** Besides the id, the value a flag may give instead (name or email), compared case-insensitively. */
  alias?: string | null | undefined;
}

/**
 * The item a flag names, by id first, then by name or email (case-insensitive). A miss or an ambiguous
 * name is a UsageError that lists what there is, so the user can copy an id.
 */
export function matchFlag<T extends Named>(flag: string, value: string, items: readonly T[], what: string): T {
  const byId = items.find((item) => item.id === value);
  if (byId) return byId;
  const wanted = value.trim().toLowerCase();
  const byAlias = items.filter((item) => item.alias?.trim().toLowerCase() === wanted);
  if (byAlias.length === 1 && byAlias[0]) return byAlias[0];
  if (byAlias.length > 1) {
    throw new UsageError(`${flag} ${JSON.stringify(value)} matches ${byAlias.length} ${what}s; give the id instead: ${listing(byAlias)}`);
  }
  throw new UsageError(`${flag} ${JSON.stringify(value)}: no such ${what}; there are ${listing(items) || "none"}`);
}

function listing(items: readonly Named[]): string {
  return items.map((item) => `${item.label} (${item.id})`).join(", ");
}
