import type { PairConfig } from "../config/schema.js";
import type { PairFacts } from "./facts.js";
import type { JudgeContext } from "./judge.js";
import type { CheckResult } from "./model.js";

const HOUR_MS = 3_600_000;

function age(ms: number): string {
  if (ms < HOUR_MS) return `${Math.max(0, Math.round(ms / 60_000))} min`;
  if (ms < 48 * HOUR_MS) return `${Math.round(ms / HOUR_MS)} h`;
  return `${Math.round(ms / (24 * HOUR_MS))} days`;
}

function lastDelivery(at: number | null, now: number): string {
  return at === null ? "no delivery stored lately" : `last delivery ${age(now - at)} ago`;
}

/** Webhooks of each side: registered by the service (or covered by webhookSecrets), enabled, delivering. */
export function judgeWebhooks(pair: PairConfig, facts: PairFacts, context: JudgeContext): CheckResult[] {
  return facts.webhooks.flatMap(({ side, workspaceId, listing, lastDeliveryAt }) => {
    if (!listing) return [];
    const check = `${side}.webhooks`;
    const delivery = lastDelivery(lastDeliveryAt, context.now);
    const result = (level: CheckResult["level"], message: string): CheckResult[] => [{ pairId: pair.id, check, level, message }];
    const manual = pair.webhookSecrets.length > 0;
    const disabled = listing.registrations.filter((r) => r.needed && r.status === "disabled");
    if (disabled.length > 0) {
      const which = disabled.map((r) => `${r.event} (${r.webhookId}: ${r.detail ?? "disabled"})`).join(", ");
      return result(
        "error",
        `${side} workspace ${workspaceId}: webhook(s) ${which} do not deliver; changes wait for the nightly run. ` +
          "Repair: `clockify-sync webhooks repair` re-enables them, or deletes and re-creates them (the running service " +
          "does it by itself at its next webhook check unless webhooks.autoRepair is false); or re-enable them in Clockify (Workspace settings → Webhooks)",
      );
    }
    if (listing.error !== null) {
      if (manual) return result("ok", `${side} workspace ${workspaceId}: webhooks covered by webhookSecrets (not listable: ${listing.error}); ${delivery}`);
      return result("warning", `${side} workspace ${workspaceId}: webhooks could not be checked: ${listing.error}; ${delivery}`);
    }
    if (listing.missing.length > 0 && !manual) {
      return result(
        "warning",
        `${side} workspace ${workspaceId}: ${listing.missing.join(", ")} not registered, so those changes wait for the nightly run; ` +
          `run \`clockify-sync webhooks register\` (or register them by hand and list their tokens in pairs[].webhookSecrets); ${delivery}`,
      );
    }
    const how = listing.missing.length > 0 ? "registered by hand (webhookSecrets)" : "registered and enabled";
    return result("ok", `${side} workspace ${workspaceId}: webhooks ${how}; ${delivery}`);
  });
}

