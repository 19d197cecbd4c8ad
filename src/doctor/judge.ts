import type { PairConfig } from "../config/schema.js";
import type { WorkspaceDetail } from "../clockify/workspace-rules.js";
import type { Client } from "../clockify/schemas.js";
import type { Answer, PairFacts, Side, SideFacts } from "./facts.js";
import { answered, couldNotCheck, isRefusal, judgeKey, judgeWorkspace, keyField, keyIsManager, who } from "./judge-keys.js";
import { judgeDestinationRules } from "./judge-rules.js";
import { judgeReconcile, judgeWebhooks } from "./judge-runtime.js";
import type { CheckResult } from "./model.js";

export interface JudgeContext {
  now: number;
  /** config.alerts.silenceHours: how long without a delivery is worth a warning. */
  silenceHours: number;
  /** config.reconcile.windowDays: a lock inside the window stops edits from being mirrored. */
  windowDays: number;
}

/**
 * Every check of one pair, judged from what was read (pure: the table tests give facts, not a server).
 * A check that cannot be judged because an earlier one failed (no workspace without a key) is left out,
 * so the list says the first thing to fix, not the ten consequences of it.
 */
export function judgePair(pair: PairConfig, facts: PairFacts, context: JudgeContext): CheckResult[] {
  const results: CheckResult[] = [judgeKey(pair, "source", facts.source.key)];
  const sameKey = pair.destination.apiKey === pair.source.apiKey;
  if (!sameKey) results.push(judgeKey(pair, "destination", facts.destination.key));
  const sourceWorkspace = judgeWorkspace(pair, "source", facts.source, pair.source.workspaceId);
  const destinationWorkspace = judgeWorkspace(pair, "destination", facts.destination, pair.destination.workspaceId);
  if (sourceWorkspace) results.push(sourceWorkspace);
  if (facts.source.workspace?.ok) {
    results.push(judgeClient(pair, facts), judgeUser(pair, "source", facts.source, facts.source.workspace.value));
  }
  if (destinationWorkspace) results.push(destinationWorkspace);
  if (facts.destination.workspace?.ok) {
    const workspace = facts.destination.workspace.value;
    results.push(...judgeDestinationClient(pair, facts), judgeUser(pair, "destination", facts.destination, workspace));
    results.push(...judgeDestinationRules(pair, facts.destination, workspace, context));
  }
  results.push(...judgeWebhooks(pair, facts, context), judgeReconcile(pair, facts.lastRun));
  return results;
}

function judgeClient(pair: PairConfig, facts: PairFacts): CheckResult {
  const writes = "nothing is written until it is fixed. Fix source.clientId";
  return judgeClientOf(pair, "source", pair.source.clientId, facts.source.clients, writes);
}

/** Only with destination.clientId: the client the service creates destination projects under. */
function judgeDestinationClient(pair: PairConfig, facts: PairFacts): CheckResult[] {
  const clientId = pair.destination.clientId;
  if (clientId === undefined) return [];
  const writes = "projects the service creates there are refused until it is fixed. Fix destination.clientId, or remove it to create them without a client";
  return [judgeClientOf(pair, "destination", clientId, facts.destination.clients, writes)];
}

function judgeClientOf(pair: PairConfig, side: Side, clientId: string, clients: Answer<Client[]> | null, writes: string): CheckResult {
  const check = `${side}.client`;
  const field = `${side}.clientId`;
  if (clients === null) return couldNotCheck(pair.id, check, field, "the workspace was not read");
  if (!clients.ok) {
    return isRefusal(clients.error)
      ? { pairId: pair.id, check, level: "error", message: `${side} clients not readable with ${keyField(pair, side)}: ${answered(clients.error)}` }
      : couldNotCheck(pair.id, check, `${field} ${clientId}`, clients.error);
  }
  const client = clients.value.find((c) => c.id === clientId);
  if (client) {
    const archived = client.archived ? " (archived: its projects still mirror)" : "";
    return { pairId: pair.id, check, level: "ok", message: `${field} ${clientId} is "${client.name}"${archived}` };
  }
  const offer = clients.value.slice(0, 8).map((c) => `"${c.name}" ${c.id}`);
  return {
    pairId: pair.id,
    check,
    level: "error",
    message:
      `${side} client not found: ${field} ${clientId} is not a client of the ${side} workspace ${pair[side].workspaceId}` +
      ` (it may belong to another workspace); ${writes}` +
      (offer.length > 0 ? `; clients there: ${offer.join(", ")}${clients.value.length > 8 ? ", …" : ""}` : "; the workspace has no clients"),
  };
}

function isMember(workspace: WorkspaceDetail, userId: string): boolean | undefined {
  if (!workspace.memberships) return undefined;
  return workspace.memberships.some((m) => m.userId === userId && (m.membershipStatus ?? "ACTIVE") !== "INACTIVE");
}

/**
 * The mirrored user is a member, and a key of someone else may act for them: reading another member's
 * entries (source) needs an owner's or admin's key; creating them (destination) also needs the
 * workspace's "add time for others" feature.
 */
function judgeUser(pair: PairConfig, side: Side, facts: SideFacts, workspace: WorkspaceDetail): CheckResult {
  const check = `${side}.user`;
  const userId = pair[side].userId;
  const fail = (message: string): CheckResult => ({ pairId: pair.id, check, level: "error", message });
  if (isMember(workspace, userId) === false) {
    return fail(`${side}.userId ${userId} is not a member of the ${side} workspace "${workspace.name}". Fix ${side}.userId, or invite that user to the workspace`);
  }
  if (!facts.key.user.ok || facts.key.user.value.id === userId) {
    return { pairId: pair.id, check, level: "ok", message: `${side}.userId ${userId} is the key's own user, a member of "${workspace.name}"` };
  }
  const owner = who(facts.key.user.value);
  const manager = keyIsManager(facts.key, workspace.id);
  const act = side === "source" ? "read the entries of" : "add time for";
  if (manager === false) {
    const field = keyField(pair, side);
    return fail(`${field} belongs to ${owner}, who is not an owner or admin of "${workspace.name}", so it cannot ${act} ${side}.userId ${userId}. Put an owner's or admin's key in ${side}.apiKey, or that user's own key`);
  }
  if (side === "destination" && workspace.features && !workspace.features.includes("ADD_TIME_FOR_OTHERS")) {
    return fail(
      `the destination workspace "${workspace.name}" does not allow adding time for others (a paid feature), so copies cannot be created for destination.userId ${userId} with ${owner}'s key. ` +
        "Enable it in Clockify (workspace settings; needs a paid plan), or use destination.userId's own key in destination.apiKey",
    );
  }
  const note = manager === undefined ? " (the key's role could not be read)" : "";
  return { pairId: pair.id, check, level: "ok", message: `${side}.userId ${userId} is a member; ${owner}'s key may ${act} them${note}` };
}
