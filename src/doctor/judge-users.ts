import type { WorkspaceDetail } from "../clockify/workspace-rules.js";
import type { MemberConfig, PairConfig } from "../config/schema.js";
import { isEmail } from "../sync/members.js";
import type { EmailFacts, Side, SideFacts } from "./facts.js";
import { answered, couldNotCheck, isRefusal, keyField, keyIsManager, who } from "./judge-keys.js";
import type { CheckResult } from "./model.js";

/** Where the file names a member's side: "source.userId" / "destination.userId" for the one-user form, else "users[1].source". */
export function memberField(member: MemberConfig, side: Side): string {
  return member.field === "source.userId" ? `${side}.userId` : `${member.field}.${side}`;
}

/**
 * The check id of a member's side: the first member keeps "source.user" / "destination.user" (so a file
 * converted to `users` keeps its stored verdicts), the others get "source.user[1]", ….
 */
export function memberCheck(side: Side, index: number): string {
  return index === 0 ? `${side}.user` : `${side}.user[${index}]`;
}

/** One check per mirrored member and side; a member given by email is judged by the id it resolves to. */
export function judgeUsers(pair: PairConfig, side: Side, facts: SideFacts & { emails: EmailFacts }, workspace: WorkspaceDetail): CheckResult[] {
  return pair.members.map((member, index) => {
    const check = memberCheck(side, index);
    const field = memberField(member, side);
    const value = member[side];
    if (!isEmail(value)) return judgeUser({ pair, side, facts, workspace, check, label: `${field} ${value}`, field, userId: value });
    const resolved = resolveEmail(pair, side, facts.emails, { check, field, email: value, workspace });
    if ("level" in resolved) return resolved;
    const label = `${field} ${value} (user id ${resolved.userId})`;
    return judgeUser({ pair, side, facts, workspace, check, label, field, userId: resolved.userId });
  });
}

interface EmailSpot {
  check: string;
  field: string;
  email: string;
  workspace: WorkspaceDetail;
}

/**
 * The id an email stands for, or why it stands for nobody. Only an exact match (ignoring case) counts,
 * as in the sync (sync/members.ts): Clockify's email filter also matches "joann@" for "ann@".
 */
function resolveEmail(pair: PairConfig, side: Side, emails: EmailFacts, spot: EmailSpot): { userId: string } | CheckResult {
  const { check, field, email, workspace } = spot;
  const lookup = emails.get(email.toLowerCase());
  if (lookup === undefined) return couldNotCheck(pair.id, check, `${field} ${email}`, "its users were not listed");
  if (!lookup.ok) {
    if (!isRefusal(lookup.error)) return couldNotCheck(pair.id, check, `${field} ${email}`, lookup.error);
    return {
      pairId: pair.id,
      check,
      level: "error",
      message:
        `${field} ${email}: the users of the ${side} workspace "${workspace.name}" are not readable with ${keyField(pair, side)} (${answered(lookup.error)}), ` +
        `so the email cannot be turned into a user. Use the user's id in ${field}, or an owner's or admin's key in ${side}.apiKey`,
    };
  }
  const found = lookup.value.filter((u) => u.email?.toLowerCase() === email.toLowerCase());
  if (found.length === 1 && found[0]) return { userId: found[0].id };
  const message =
    found.length === 0
      ? `${field} ${email}: no member of the ${side} workspace "${workspace.name}" has this email, so the pair does not start. ` +
        `Fix the email in ${field}, give the user's id instead, or invite them to the workspace`
      : `${field} ${email}: ${found.length} members of the ${side} workspace "${workspace.name}" have this email; ` +
        `give the user's id in ${field} instead (${found.map((u) => u.id).join(", ")})`;
  return { pairId: pair.id, check, level: "error", message };
}

function isMember(workspace: WorkspaceDetail, userId: string): boolean | undefined {
  if (!workspace.memberships) return undefined;
  return workspace.memberships.some((m) => m.userId === userId && (m.membershipStatus ?? "ACTIVE") !== "INACTIVE");
}

interface MemberSpot {
  pair: PairConfig;
  side: Side;
  facts: SideFacts;
  workspace: WorkspaceDetail;
  check: string;
  /** "users[1].source ann@x.com (user id …)" or "source.userId u-1": how messages name the member. */
  label: string;
  field: string;
  userId: string;
}

/**
 * The mirrored user is a member, and a key of someone else may act for them: reading another member's
 * entries (source) needs an owner's or admin's key; creating them (destination) also needs the
 * workspace's "add time for others" feature.
 */
function judgeUser(spot: MemberSpot): CheckResult {
  const { pair, side, facts, workspace, check, label, field, userId } = spot;
  const fail = (message: string): CheckResult => ({ pairId: pair.id, check, level: "error", message });
  if (isMember(workspace, userId) === false) {
    return fail(`${label} is not a member of the ${side} workspace "${workspace.name}". Fix ${field}, or invite that user to the workspace`);
  }
  if (!facts.key.user.ok || facts.key.user.value.id === userId) {
    return { pairId: pair.id, check, level: "ok", message: `${label} is the key's own user, a member of "${workspace.name}"` };
  }
  const owner = who(facts.key.user.value);
  const manager = keyIsManager(facts.key, workspace.id);
  const act = side === "source" ? "read the entries of" : "add time for";
  if (manager === false) {
    return fail(
      `${keyField(pair, side)} belongs to ${owner}, who is not an owner or admin of "${workspace.name}", so it cannot ${act} ${label}. ` +
        `Put an owner's or admin's key in ${side}.apiKey, or (with a single user) that user's own key`,
    );
  }
  if (side === "destination" && workspace.features && !workspace.features.includes("ADD_TIME_FOR_OTHERS")) {
    return fail(
      `the destination workspace "${workspace.name}" does not allow adding time for others (a paid feature), so copies cannot be created for ${label} with ${owner}'s key. ` +
        `Enable it in Clockify (workspace settings; needs a paid plan), or use that user's own key in destination.apiKey`,
    );
  }
  const note = manager === undefined ? " (the key's role could not be read)" : "";
  return { pairId: pair.id, check, level: "ok", message: `${label} is a member; ${owner}'s key may ${act} them${note}` };
}
