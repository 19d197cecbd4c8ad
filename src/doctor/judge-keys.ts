import { ClockifyError } from "../clockify/errors.js";
import type { User, Workspace } from "../clockify/schemas.js";
import type { PairConfig } from "../config/schema.js";
import type { Answer, KeyFacts, Side, SideFacts } from "./facts.js";
import type { CheckResult } from "./model.js";

/** "Clockify answered HTTP 403 code 501: Access Denied", or what went wrong before an answer. */
export function answered(error: unknown): string {
  if (error instanceof ClockifyError) {
    if (error.status === 0) return `no answer from Clockify (${error.detail})`;
    return `Clockify answered HTTP ${error.status}${error.code === undefined ? "" : ` code ${error.code}`}: ${error.detail}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Whether an error says "this key may not" (401/403), as opposed to "Clockify could not answer now". */
export function isRefusal(error: unknown): boolean {
  return error instanceof ClockifyError && (error.kind === "unauthorized" || error.kind === "forbidden" || error.kind === "not_found" || error.kind === "invalid");
}

export function isKeyRejected(error: unknown): boolean {
  return error instanceof ClockifyError && error.kind === "unauthorized";
}

/** A read that failed for a passing reason (network, 5xx, 429): a warning that the next run repeats. */
export function couldNotCheck(pairId: string, check: string, what: string, error: unknown): CheckResult {
  return { pairId, check, level: "warning", message: `could not check ${what}: ${answered(error)}; the check runs again within the hour`, inconclusive: true };
}

export const who = (user: User) => `${user.name ?? "?"}${user.email ? ` <${user.email}>` : ""} (user id ${user.id})`;

/** The config field that holds the side's key: without destination.apiKey the destination uses source.apiKey. */
export function keyField(pair: PairConfig, side: Side): string {
  return side === "destination" && pair.destination.apiKey === pair.source.apiKey ? "source.apiKey" : `${side}.apiKey`;
}

/** The key's owner, or why the key is refused. */
export function judgeKey(pair: PairConfig, side: Side, key: KeyFacts): CheckResult {
  const check = `${side}.key`;
  const field = keyField(pair, side);
  if (key.user.ok) return { pairId: pair.id, check, level: "ok", message: `${field} belongs to ${who(key.user.value)}` };
  if (isKeyRejected(key.user.error)) {
    return {
      pairId: pair.id,
      check,
      level: "error",
      message:
        `${side} key refused: ${answered(key.user.error)}. Fix ${field} in the config: create a key in Clockify ` +
        "(Profile settings → API → Generate) for the account that can see the workspace, then reload the service",
    };
  }
  return couldNotCheck(pair.id, check, `${field}`, key.user.error);
}

function visibleList(visible: Answer<Workspace[]>): string {
  if (!visible.ok || visible.value.length === 0) return "";
  const names = visible.value.slice(0, 8).map((w) => `"${w.name}" ${w.id}`);
  return `; this key can see: ${names.join(", ")}${visible.value.length > 8 ? ", …" : ""}`;
}

/** Whether the configured workspace is reachable with the side's key. */
export function judgeWorkspace(pair: PairConfig, side: Side, facts: SideFacts, workspaceId: string): CheckResult | undefined {
  const check = `${side}.workspace`;
  const workspace = facts.workspace;
  if (workspace === null || !facts.key.user.ok) return undefined;
  if (workspace.ok) return { pairId: pair.id, check, level: "ok", message: `${side}.workspaceId ${workspaceId} is "${workspace.value.name}"` };
  if (!isRefusal(workspace.error)) return couldNotCheck(pair.id, check, `${side}.workspaceId ${workspaceId}`, workspace.error);
  const owner = who(facts.key.user.value);
  return {
    pairId: pair.id,
    check,
    level: "error",
    message:
      `${side} workspace not reachable: ${side}.workspaceId ${workspaceId} with ${keyField(pair, side)} of ${owner}: ${answered(workspace.error)}. ` +
      `Fix ${side}.workspaceId (or use a key of a member of that workspace)${visibleList(facts.key.visible)}`,
  };
}

/** The role of the key's user in a workspace: owner/admin or not; undefined when Clockify did not say. */
export function keyIsManager(key: KeyFacts, workspaceId: string): boolean | undefined {
  return key.managed.ok ? key.managed.value.has(workspaceId) : undefined;
}
