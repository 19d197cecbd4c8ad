import { LEGACY_KEYS } from "../config/legacy-shape.js";

type JsonObject = Record<string, unknown>;

/** A member as the file's `users` holds it: `destination` left out when it is the same as `source`. */
export interface UserEntry {
  source: string;
  destination?: string;
}

export type AddedMember =
  | { ok: true; tree: JsonObject; pair: JsonObject; field: string; converted: boolean }
  | { ok: false; problem: string };

/**
 * The file's tree with `member` appended to the users of pair `pairId`. A pair in the one-user form
 * (source.userId / destination.userId) is turned into `users` first, its user kept as users[0], since
 * the two forms may not be mixed. Pure: everything else in the file, and the pair's key order, stays.
 * Duplicates are judged by the caller, who knows the ids the emails stand for.
 */
export function addMemberToTree(tree: JsonObject, pairId: string, member: UserEntry): AddedMember {
  const pairs = Array.isArray(tree["pairs"]) ? (tree["pairs"] as unknown[]) : [];
  const index = pairs.findIndex((pair) => isObject(pair) && pair["id"] === pairId);
  const old = pairs[index];
  if (index < 0 || !isObject(old)) return { ok: false, problem: `no pair "${pairId}" in the config file${listIds(pairs)}` };
  if (Object.keys(old).some((key) => LEGACY_KEYS.has(key))) {
    return {
      ok: false,
      problem: `pair "${pairId}" is written in the original tool's shape (user_id, token, …), which has one user only; rewrite it first with npm run setup -- --pair ${pairId} --replace, then add the member`,
    };
  }
  const source = isObject(old["source"]) ? old["source"] : undefined;
  const destination = isObject(old["destination"]) ? old["destination"] : {};
  if (source === undefined) return { ok: false, problem: `pair "${pairId}" has no source object; fix the file first` };
  const { users: existing, converted, pair: base } = currentUsers(old, source, destination);
  if (existing === undefined) return { ok: false, problem: `pair "${pairId}" has neither users nor source.userId; fix the file first` };
  const users = [...existing, member];
  const pair = withUsers(base, users);
  const nextPairs = pairs.map((p, i) => (i === index ? pair : p));
  return { ok: true, tree: { ...tree, pairs: nextPairs }, pair, field: `users[${users.length - 1}]`, converted };
}

/** The pair's users as the file gives them, and the pair without the one-user fields when it had them. */
function currentUsers(old: JsonObject, source: JsonObject, destination: JsonObject): { users: unknown[] | undefined; converted: boolean; pair: JsonObject } {
  if (Array.isArray(old["users"])) return { users: old["users"] as unknown[], converted: false, pair: old };
  const sourceUser = source["userId"];
  if (typeof sourceUser !== "string") return { users: undefined, converted: false, pair: old };
  const { userId: _source, ...sourceRest } = source;
  const { userId: destinationUser, ...destinationRest } = destination;
  const first: UserEntry = {
    source: sourceUser,
    ...(typeof destinationUser === "string" && destinationUser !== sourceUser ? { destination: destinationUser } : {}),
  };
  const pair: JsonObject = { ...old, source: sourceRest, ...("destination" in old ? { destination: destinationRest } : {}) };
  return { users: [first], converted: true, pair };
}

/** `users` where it was, or right after `destination` (where a reader looks for who is mirrored). */
function withUsers(pair: JsonObject, users: unknown[]): JsonObject {
  if ("users" in pair) return { ...pair, users };
  const next: JsonObject = {};
  for (const [key, value] of Object.entries(pair)) {
    next[key] = value;
    if (key === "destination") next["users"] = users;
  }
  if (!("users" in next)) next["users"] = users;
  return next;
}

function listIds(pairs: unknown[]): string {
  const ids = pairs.flatMap((p) => (isObject(p) && typeof p["id"] === "string" ? [`"${p["id"]}"`] : []));
  return ids.length === 0 ? " (it has no pairs)" : `; it has ${ids.join(", ")}`;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
