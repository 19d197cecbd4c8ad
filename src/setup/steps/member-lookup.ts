import { ClockifyError } from "../../clockify/errors.js";
import type { User } from "../../clockify/schemas.js";
import type { PairConfig } from "../../config/schema.js";
import { isEmail } from "../../sync/members.js";
import { SetupError, type SetupClient } from "../contract.js";
import type { Side } from "./keys.js";

/** One workspace of the pair, with the key setup reads it with and the name messages show. */
export interface PairSide {
  side: Side;
  client: SetupClient;
  workspaceId: string;
  /** `"Customer" (id)`, or the id alone when the workspace list was not readable. */
  label: string;
}

export async function pairSide(pair: PairConfig, side: Side, client: SetupClient): Promise<PairSide> {
  const workspaceId = pair[side].workspaceId;
  let name: string | undefined;
  try {
    name = (await client.listWorkspaces()).find((w) => w.id === workspaceId)?.name;
  } catch (error) {
    if (!(error instanceof ClockifyError)) throw error;
  }
  return { side, client, workspaceId, label: name === undefined ? workspaceId : `"${name}" (${workspaceId})` };
}

/**
 * The member of the workspace `who` (an email or a user id) names, or a SetupError naming the value and
 * the workspace. An email matches only exactly (ignoring case), as the sync matches it (sync/members.ts).
 */
export async function findMember(where: PairSide, who: string): Promise<User> {
  const users = await listUsers(where, isEmail(who) ? { email: who } : {});
  const found = isEmail(who) ? users.filter((u) => u.email?.toLowerCase() === who.toLowerCase()) : users.filter((u) => u.id === who);
  if (found.length === 1 && found[0]) return found[0];
  const kind = isEmail(who) ? "email" : "user id";
  if (found.length === 0) {
    throw new SetupError(
      `${who}: no member of the ${where.side} workspace ${where.label} has this ${kind}. ` +
        `Invite them to that workspace in Clockify (or check the spelling${where.side === "destination" ? ", or give --destination-member the email or id they have there" : ""}). Nothing was written`,
    );
  }
  throw new SetupError(`${who}: ${found.length} members of the ${where.side} workspace ${where.label} have this email; give the user id instead. Nothing was written`);
}

/** The source user an existing entry of the pair stands for; undefined when its email matches nobody now. */
export async function sourceIdOf(where: PairSide, value: string): Promise<string | undefined> {
  if (!isEmail(value)) return value;
  const users = await listUsers(where, { email: value });
  const found = users.filter((u) => u.email?.toLowerCase() === value.toLowerCase());
  return found.length === 1 ? found[0]?.id : undefined;
}

async function listUsers(where: PairSide, filter: { email?: string }): Promise<User[]> {
  try {
    return await where.client.listUsers(where.workspaceId, filter);
  } catch (error) {
    if (error instanceof ClockifyError && error.kind !== "network" && error.kind !== "server") {
      throw new SetupError(
        `the users of the ${where.side} workspace ${where.label} could not be read with the pair's ${where.side} key: HTTP ${error.status}` +
          `${error.detail ? ` (${error.detail})` : ""}. Mirroring others needs an owner's or admin's key. Nothing was written`,
      );
    }
    throw error;
  }
}
