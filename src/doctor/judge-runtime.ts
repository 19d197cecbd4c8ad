import type { PairConfig } from "../config/schema.js";
import type { ReconcileRun } from "../db/schema.js";
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
          "Re-enable them in Clockify (Workspace settings → Webhooks), or delete them there and run `clockify-sync webhooks register`",
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

/** How the pair's last real reconciliation ended. */
export function judgeReconcile(pair: PairConfig, run: ReconcileRun | undefined): CheckResult {
  const check = "reconcile";
  const ok = (message: string): CheckResult => ({ pairId: pair.id, check, level: "ok", message });
  if (!run) return ok("no reconciliation has run yet");
  const when = `${new Date(run.startedAt).toISOString().slice(0, 16).replace("T", " ")} UTC (${run.trigger})`;
  const again = `clockify-sync reconcile --pair ${pair.id}`;
  switch (run.outcome) {
    case "running":
      return ok(`a reconciliation started ${when} is running`);
    case "failed":
      // Entries that failed one by one (a lock, a required tag) are their own dead letters; the pair still
      // mirrors everything else. Only a run that failed as a whole says the pair cannot.
      if (run.failed > 0) {
        return { pairId: pair.id, check, level: "warning", message: `the last reconciliation, ${when}, left ${run.failed} change(s) failed: ${run.error ?? "see the log"}; see \`clockify-sync status\` and \`clockify-sync deadletter list\`` };
      }
      return { pairId: pair.id, check, level: "error", message: `the last reconciliation, ${when}, failed: ${run.error ?? "no reason stored"}. Fix that, then run \`${again}\`` };
    case "aborted":
      return { pairId: pair.id, check, level: "warning", message: `the last reconciliation, ${when}, was stopped before it finished; run \`${again}\`` };
    case "succeeded":
      return run.failed > 0
        ? { pairId: pair.id, check, level: "warning", message: `the last reconciliation, ${when}, left ${run.failed} entr${run.failed === 1 ? "y" : "ies"} failed; see \`clockify-sync status\` and \`clockify-sync deadletter list\`` }
        : ok(`the last reconciliation, ${when}, succeeded`);
  }
}
