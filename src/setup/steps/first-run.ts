import type { CommandSession } from "../../command-session.js";
import { terminalProgress } from "../../observability/progress.js";
import { reconcileAll } from "../../sync/reconcile/all.js";
import { formatSummary } from "../../sync/reconcile/summary.js";
import type { SetupResult, SetupRun } from "../contract.js";

/** Asks (unless --reconcile or --no-reconcile settled it), then reconciles the new pair once. */
export async function firstRunStep(run: SetupRun, session: CommandSession, pairId: string): Promise<SetupResult["reconcile"]> {
  const { config } = session;
  const reconcile =
    run.flags.reconcile ??
    (await run.ask.confirm({
      message: `Run the first reconciliation now (the last ${config.reconcile.windowDays} days)?`,
      default: true,
    }));
  if (!reconcile) {
    run.out.line(`first reconciliation skipped; later: npm run reconcile -- --pair ${pairId}`);
    return "skipped";
  }
  return firstReconciliation(run, session);
}

/** A failure is reported and counted, never thrown: the config is written and stays. */
async function firstReconciliation(run: SetupRun, session: CommandSession): Promise<SetupResult["reconcile"]> {
  const { out } = run;
  // Outside the catch: a database that cannot be opened (DATABASE_PATH) is not a run to retry later; it ends setup.
  session.database();
  try {
    const summaries = await reconcileAll([...session.pairRuntimes().values()], {
      trigger: "setup",
      windowDays: session.config.reconcile.windowDays,
      progress: run.deps.progress ?? terminalProgress(),
    });
    for (const summary of summaries) out.line(formatSummary(summary));
    const [summary] = summaries;
    if (summary === undefined) return "failed";
    if (summary.outcome !== "succeeded") {
      out.warn(`the first reconciliation ${summary.outcome}; fix the cause and run: npm run reconcile -- --pair ${summary.pairId}`);
    }
    return summary;
  } catch (error) {
    out.warn(`the first reconciliation failed: ${error instanceof Error ? error.message : String(error)}`);
    return "failed";
  }
}
