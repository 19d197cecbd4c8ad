import type { PairConfig } from "../config/schema.js";
import type { ReconcileRun } from "../db/schema.js";
import type { CheckResult } from "./model.js";

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
