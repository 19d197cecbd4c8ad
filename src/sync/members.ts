import type { User } from "../clockify/schemas.js";
import type { MemberConfig, PairConfig } from "../config/schema.js";

/** A mirrored person with both sides as user ids. */
export interface Member {
  sourceUserId: string;
  destinationUserId: string;
  /** Where the file names them ("users[1]", "source.userId"), for messages. */
  field: string;
}

export type Side = "source" | "destination";

/** Clockify user ids are 24 hex characters; anything with an @ is read as an email. */
export const isEmail = (value: string): boolean => value.includes("@");

/** The emails of one side that need a lookup. */
export function emailsToResolve(members: readonly MemberConfig[], side: Side): string[] {
  return [...new Set(members.map((m) => m[side]).filter(isEmail).map((e) => e.toLowerCase()))];
}

/** The lookups' answers for one side: the users found for each asked email (lower case). */
export type EmailAnswers = ReadonlyMap<string, readonly User[]>;

export type MemberMatch = { ok: true; members: Member[] } | { ok: false; problems: string[] };

/**
 * Turns the file's users into ids, from what the workspaces answered for each email. Pure. An email
 * matches only exactly (ignoring case): the users filter of Clockify matches substrings, and
 * "ann@acme.com" must not become "joann@acme.com". Nobody, or several people, is an error naming the entry.
 */
export function matchMembers(pair: Pick<PairConfig, "members">, answers: Record<Side, EmailAnswers>): MemberMatch {
  const problems: string[] = [];
  const members: Member[] = [];
  for (const member of pair.members) {
    const ids = { source: idOf(member, "source", answers.source, problems), destination: idOf(member, "destination", answers.destination, problems) };
    if (ids.source !== undefined && ids.destination !== undefined) {
      members.push({ sourceUserId: ids.source, destinationUserId: ids.destination, field: member.field });
    }
  }
  const duplicates = duplicateSources(members);
  problems.push(...duplicates);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, members };
}

function idOf(member: MemberConfig, side: Side, answers: EmailAnswers, problems: string[]): string | undefined {
  const value = member[side];
  if (!isEmail(value)) return value;
  const found = (answers.get(value.toLowerCase()) ?? []).filter((u) => u.email?.toLowerCase() === value.toLowerCase());
  const where = member.field === "source.userId" ? (side === "source" ? "source.userId" : "destination.userId") : `${member.field}.${side}`;
  if (found.length === 1 && found[0]) return found[0].id;
  problems.push(
    found.length === 0
      ? `${where}: no member of the ${side} workspace has the email ${value}. Fix the email, use the user's id, or invite them to the workspace`
      : `${where}: ${found.length} members of the ${side} workspace have the email ${value}; use the user's id instead`,
  );
  return undefined;
}

/** Two entries that turn out to be the same source user would mirror one entry twice. */
function duplicateSources(members: readonly Member[]): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const m of members) {
    const first = seen.get(m.sourceUserId);
    if (first !== undefined) problems.push(`${m.field} is the same source user as ${first}; list each person once`);
    else seen.set(m.sourceUserId, m.field);
  }
  return problems;
}

/** The destination user of a source user, when the pair mirrors them. */
export function destinationUserOf(members: readonly Member[], sourceUserId: string): string | undefined {
  return members.find((m) => m.sourceUserId === sourceUserId)?.destinationUserId;
}

/**
 * Whether a webhook for this source user may concern the pair, before emails are resolved: a member
 * given by id must match; a member given by email might be anyone until the worker resolves it.
 */
export function mayMirrorSourceUser(pair: Pick<PairConfig, "members">, userId: string): boolean {
  return pair.members.some((m) => m.source === userId || isEmail(m.source));
}
