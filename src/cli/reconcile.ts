import { Command } from "commander";
import { z } from "zod";
import { withCommandSession } from "../command-session.js";
import { UsageError } from "../config/errors.js";
import { terminalProgress } from "../observability/progress.js";
import type { EntryAction } from "../sync/entries/plan-entry.js";
import { reconcileAll } from "../sync/reconcile/all.js";
import { formatSummary, type RunSummary } from "../sync/reconcile/summary.js";
import { runCommand } from "./run.js";

const flagsSchema = z.object({
  pair: z.string().optional(),
  since: z.iso.datetime({ offset: true, error: "--since: expected an ISO date-time like 2026-11-01T00:00:00Z" }).optional(),
  until: z.iso.datetime({ offset: true, error: "--until: expected an ISO date-time like 2026-11-28T00:00:00Z" }).optional(),
  dryRun: z.boolean().optional(),
  yes: z.boolean().optional(),
});

/** `clockify-sync reconcile [--pair ID] [--since ISO] [--until ISO] [--dry-run] [--yes]` */
export function reconcileCommand(): Command {
  return new Command("reconcile")
    .description("run the full sync now: projects destination → source, entries source → destination")
    .option("--pair <id>", "only this pair (default: every pair)")
    .option("--since <iso>", "window start (default: reconcile.windowDays ago)")
    .option("--until <iso>", "window end (default: now)")
    .option("--dry-run", "print the plan and change nothing")
    .option("--yes", "allow a run that deletes more than the mass-delete guard permits")
    .action((raw: unknown) => runCommand(() => reconcile(raw)));
}

async function reconcile(raw: unknown): Promise<void> {
  const parsed = flagsSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
  const flags = parsed.data;
  const since = flags.since ? new Date(flags.since) : undefined;
  const until = flags.until ? new Date(flags.until) : undefined;
  if (since && until && since >= until) throw new UsageError("--since must be before --until");
  await withCommandSession({ name: "reconcile", pair: flags.pair }, async (session) => {
    const { config } = session;
    const summaries = await reconcileAll([...session.pairRuntimes().values()], {
      trigger: "cli",
      windowDays: config.reconcile.windowDays,
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      dryRun: flags.dryRun ?? false,
      yes: flags.yes ?? false,
      progress: terminalProgress(),
      alerter: session.alerter,
    });
    for (const s of summaries) {
      console.log(formatSummary(s));
      if (s.dryRun) printPlan(s);
    }
    // Anything short of success must be visible to cron and CI.
    process.exitCode = summaries.every((s) => s.outcome === "succeeded") ? 0 : 1;
  });
}

const SHOWN = 5;

function describeAction(a: EntryAction): string {
  switch (a.kind) {
    case "create":
      if (a.entry === null) return `${a.sourceId} → new, in the project "${a.projectToCreate}" the run creates first`;
      return `${a.sourceId} → new: ${a.entry.start} – ${a.entry.end} "${a.entry.description}"`;
    case "update":
    case "adopt":
      return `${a.sourceId} → ${a.destinationId}: ${a.entry.start} – ${a.entry.end} "${a.entry.description}"`;
    case "delete":
      return `${a.sourceId} → ${a.destinationId ?? "a copy to find"} (${a.reason})`;
    case "unchanged":
      return `${a.sourceId} → ${a.destinationId}`;
    case "skip":
      return `${a.sourceId} (${a.reason})`;
  }
}

function printPlan(s: RunSummary): void {
  for (const change of s.projects) {
    if (change.kind === "conflict") continue; // the summary line's notes name it
    const what = change.kind === "rename" ? `rename "${change.from}" to` : change.kind;
    console.log(`  project: ${what} "${change.destination.name}"`);
  }
  if (!s.plan) return;
  for (const kind of ["create", "update", "adopt", "delete", "skip"] as const) {
    const actions = s.plan.actions.filter((a) => a.kind === kind);
    if (actions.length === 0) continue;
    console.log(`  ${kind} (${actions.length}):`);
    for (const a of actions.slice(0, SHOWN)) console.log(`    ${describeAction(a)}`);
    if (actions.length > SHOWN) console.log(`    … and ${actions.length - SHOWN} more`);
  }
}
