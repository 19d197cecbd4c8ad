import type { ClockifyClient } from "../clockify/client.js";
import type { User } from "../clockify/schemas.js";
import type { PairConfig } from "../config/schema.js";
import { emailsToResolve, matchMembers, type Member, type Side } from "./members.js";

/**
 * A pair's users could not all be resolved: a mistake in the file (or a person not invited yet). The
 * pair's events wait and are retried (nothing accepted is dropped); doctor and the checks say what to fix.
 */
export class MembersError extends Error {
  constructor(
    readonly pairId: string,
    readonly problems: readonly string[],
  ) {
    super(`pair ${pairId}: ${problems.join("; ")}`);
    this.name = "MembersError";
  }
}

/**
 * The pair's members with emails turned into ids: one users lookup per email and side (ids are taken
 * as written; doctor checks that they are members). Throws MembersError naming each entry that matches
 * nobody, and Clockify's error when a lookup fails (retried like any read).
 */
export async function resolveMembers(pair: PairConfig, clients: Record<Side, ClockifyClient>): Promise<Member[]> {
  const answers = { source: new Map<string, User[]>(), destination: new Map<string, User[]>() };
  for (const side of ["source", "destination"] as const) {
    for (const email of emailsToResolve(pair.members, side)) {
      answers[side].set(email, await clients[side].listUsers(pair[side].workspaceId, { email }));
    }
  }
  const match = matchMembers(pair, answers);
  if (!match.ok) throw new MembersError(pair.id, match.problems);
  return match.members;
}
