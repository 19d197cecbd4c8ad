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
  "source.user": "the first source user (source.userId or users[0].source)",
  "destination.user": "the first destination user (destination.userId or users[0].destination)",
  "destination.required": "fields the destination workspace requires",
  "destination.lock": "the destination workspace's lock date",
  "destination.custom-fields": "the destination workspace's required custom fields",
  "source.quota": "the source workspace's hourly request budget (clockify.workspaces)",
  "destination.quota": "the destination workspace's hourly request budget (clockify.workspaces)",
  "source.webhooks": "the source workspace's webhooks",
  "destination.webhooks": "the destination workspace's webhooks",
  reconcile: "the last reconciliation",
};

/** "source.user[2]": the checks of the pair's further members (doctor/judge-users.ts). */
const FURTHER_MEMBER = /^(source|destination)\.user\[(\d+)\]$/;

export function headline(check: string): string {
  const member = FURTHER_MEMBER.exec(check);
  if (member) return `the ${member[1] ?? ""} user users[${member[2] ?? ""}].${member[1] ?? ""}`;
  return HEADLINES[check] ?? check;
}

/** A problem as /healthz lists it: pair, check, level and fixed words, never Clockify's ids or names. */
export function publicProblem(problem: CheckResult | CheckProblem): { pairId: string; check: string; level: string; message: string } {
  const verdict = problem.level === "error" ? "needs fixing, the pair cannot mirror" : "worth a look";
  return { pairId: problem.pairId, check: problem.check, level: problem.level, message: `${headline(problem.check)}: ${verdict}; details: clockify-sync doctor, or the status page` };
}
