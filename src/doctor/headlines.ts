import type { CheckProblem, CheckResult } from "./model.js";

/**
 * What each check is about, in fixed words: what /healthz (open to anyone who can reach the port) says
 * of a problem. The full message names workspaces, users and emails, so it is kept for the status page,
 * `status` and `doctor`.
 */
const HEADLINES: Record<string, string> = {
  "source.key": "the source API key (source.apiKey)",
  "destination.key": "the destination API key (destination.apiKey)",
  "source.workspace": "the source workspace (source.workspaceId)",
  "destination.workspace": "the destination workspace (destination.workspaceId)",
  "source.client": "the source client (source.clientId)",
  "destination.client": "the destination client (destination.clientId)",
  "source.user": "the source user (source.userId)",
  "destination.user": "the destination user (destination.userId)",
  "destination.required": "fields the destination workspace requires",
  "destination.lock": "the destination workspace's lock date",
  "destination.custom-fields": "the destination workspace's required custom fields",
  "source.webhooks": "the source workspace's webhooks",
  "destination.webhooks": "the destination workspace's webhooks",
  reconcile: "the last reconciliation",
};

export function headline(check: string): string {
  return HEADLINES[check] ?? check;
}

/** A problem as /healthz lists it: pair, check, level and fixed words, never Clockify's ids or names. */
export function publicProblem(problem: CheckResult | CheckProblem): { pairId: string; check: string; level: string; message: string } {
  const verdict = problem.level === "error" ? "needs fixing, the pair cannot mirror" : "worth a look";
  return { pairId: problem.pairId, check: problem.check, level: problem.level, message: `${headline(problem.check)}: ${verdict}; details: clockify-sync doctor, or the status page` };
}
