import type { PairConfig, WorkspaceQuota } from "../config/schema.js";
import type { Side, SideFacts } from "./facts.js";
import type { CheckResult } from "./model.js";

/**
 * Whether a side's workspace has the hourly budget its plan needs. Clockify gives newly created Free
 * workspaces 30 requests per hour in all (API-NOTES §6) and says so only with 429s: without
 * `requestsPerHour` the service learns the per-second limit from them but cannot pace an hourly one, so
 * bulk work may spend what a person's next change needs. Pure; undefined when the plan is not known
 * (Clockify did not say, or the key's workspace list was not read), since guessing would cry wolf.
 */
export function judgeQuota(pair: PairConfig, side: Side, facts: SideFacts, quotas: readonly WorkspaceQuota[]): CheckResult | undefined {
  const { workspaceId } = pair[side];
  if (!facts.key.visible.ok) return undefined;
  const plan = facts.key.visible.value.find((w) => w.id === workspaceId)?.featureSubscriptionType?.trim();
  if (!plan) return undefined;
  const check = `${side}.quota`;
  const perHour = quotas.find((q) => q.workspaceId === workspaceId)?.requestsPerHour;
  if (perHour !== undefined) {
    return { pairId: pair.id, check, level: "ok", message: `${side} workspace ${workspaceId} (plan ${plan}) has a budget of ${perHour} requests per hour` };
  }
  if (!plan.toUpperCase().startsWith("FREE")) {
    return { pairId: pair.id, check, level: "ok", message: `${side} workspace ${workspaceId} is on plan ${plan}: no hourly budget needed` };
  }
  return {
    pairId: pair.id,
    check,
    level: "warning",
    message:
      `${side} workspace ${workspaceId} is on Clockify's Free plan (${plan}), and Free workspaces created since 2026 may make only 30 API ` +
      `requests per hour in all; add { "workspaceId": "${workspaceId}", "requestsPerHour": 30 } to clockify.workspaces so that the ` +
      `service paces itself and spends the hour on webhook changes first, instead of meeting 429s`,
  };
}
