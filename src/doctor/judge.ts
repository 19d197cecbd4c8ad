import type { PairConfig, WorkspaceQuota } from "../config/schema.js";
import type { Client } from "../clockify/schemas.js";
import type { Answer, PairFacts, Side } from "./facts.js";
import { answered, couldNotCheck, isRefusal, judgeKey, judgeWorkspace, keyField } from "./judge-keys.js";
import { judgeDestinationRules } from "./judge-rules.js";
import { judgeQuota } from "./judge-quota.js";
import { judgeReconcile } from "./judge-runtime.js";
import { judgeWebhooks } from "./judge-webhooks.js";
import { judgeUsers } from "./judge-users.js";
import type { CheckResult } from "./model.js";

export interface JudgeContext {
  now: number;
  /** config.alerts.silenceHours: how long without a delivery is worth a warning. */
  silenceHours: number;
  /** config.reconcile.windowDays: a lock inside the window stops edits from being mirrored. */
  windowDays: number;
  /** config.clockify.workspaces: which workspaces have an hourly budget. */
  quotas?: readonly WorkspaceQuota[];
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
    results.push(judgeClient(pair, facts), ...judgeUsers(pair, "source", facts.source, facts.source.workspace.value));
  }
  if (destinationWorkspace) results.push(destinationWorkspace);
  if (facts.destination.workspace?.ok) {
    const workspace = facts.destination.workspace.value;
    results.push(...judgeDestinationClient(pair, facts), ...judgeUsers(pair, "destination", facts.destination, workspace));
    results.push(...judgeDestinationRules(pair, facts.destination, workspace, context));
  }
  for (const side of ["source", "destination"] as const) {
    const quota = facts[side].workspace?.ok ? judgeQuota(pair, side, facts[side], context.quotas ?? []) : undefined;
    if (quota) results.push(quota);
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
