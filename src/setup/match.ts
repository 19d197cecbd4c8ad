import { UsageError } from "../cli/run.js";
import { PAIR_ID_PATTERN } from "../config/schema.js";

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

/** A pair id made from a client name: "Customer Co." → "customer-co". */
export function slugPairId(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 64)
    .replace(/[-.]+$/g, "");
  return PAIR_ID_PATTERN.test(slug) ? slug : "pair";
}

export const PAIR_ID_RULE = "1-64 characters from A-Z a-z 0-9 _ . -";

export function checkPairId(id: string): true | string {
  return PAIR_ID_PATTERN.test(id) ? true : `a pair id is ${PAIR_ID_RULE}`;
}

/** An API key as it may be shown: its length and last four characters. */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return "*".repeat(secret.length);
  return `${"*".repeat(8)}${secret.slice(-4)} (${secret.length} characters)`;
}
