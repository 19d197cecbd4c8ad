import { Command } from "commander";
import { z } from "zod";
import { withCommandSession } from "../command-session.js";
import { UsageError } from "../config/errors.js";
import { terminalProgress } from "../observability/progress.js";
import { inquirerPrompts, isPromptExit } from "../setup/prompts.js";
import type { EntryAction } from "../sync/entries/plan-entry.js";
import { reconcileAll } from "../sync/reconcile/all.js";
import { describeLeftovers, type LeftoverReport } from "../sync/reconcile/leftovers.js";
import { formatSummary, type RunSummary } from "../sync/reconcile/summary.js";
import { runCommand } from "./run.js";

const flagsSchema = z.object({
  pair: z.string().optional(),
  since: z.iso.datetime({ offset: true, error: "--since: expected an ISO date-time like 2026-11-01T00:00:00Z" }).optional(),
  until: z.iso.datetime({ offset: true, error: "--until: expected an ISO date-time like 2026-11-28T00:00:00Z" }).optional(),
  dryRun: z.boolean().optional(),
  yes: z.boolean().optional(),
  removeLeftovers: z.boolean().optional(),
});

/** `clockify-sync reconcile [--pair ID] [--since ISO] [--until ISO] [--dry-run] [--yes] [--remove-leftovers]` */
export function reconcileCommand(): Command {
  return new Command("reconcile")
    .description("run the full sync now: projects destination → source, entries source → destination")
    .option("--pair <id>", "only this pair (default: every pair)")
    .option("--since <iso>", "window start (default: reconcile.windowDays ago)")
    .option("--until <iso>", "window end (default: now)")
    .option("--dry-run", "print the plan and change nothing")
    .option("--yes", "allow a run that deletes more than the mass-delete guard permits; with --remove-leftovers, delete without asking")
    .option("--remove-leftovers", "after the run, delete the original tool's leftovers it lists (asks first; with --dry-run only lists)")
    .action((raw: unknown) => runCommand(() => reconcile(raw)));
}

async function reconcile(raw: unknown): Promise<void> {
  const parsed = flagsSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
  const flags = parsed.data;
  const since = flags.since ? new Date(flags.since) : undefined;
  const until = flags.until ? new Date(flags.until) : undefined;
  if (since && until && since >= until) throw new UsageError("--since must be before --until");
  const removeLeftovers = flags.removeLeftovers === true;
  if (removeLeftovers && !flags.dryRun && !flags.yes && process.stdin.isTTY !== true) {
    throw new UsageError("--remove-leftovers asks before deleting and there is no terminal to ask in: run it in a terminal, or add --yes to delete them without asking");
  }
  await withCommandSession({ name: "reconcile", pair: flags.pair }, async (session) => {
    const { config } = session;
    const summaries = await reconcileAll([...session.pairRuntimes().values()], {
      trigger: "cli",
      windowDays: config.reconcile.windowDays,
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      dryRun: flags.dryRun ?? false,
      yes: flags.yes ?? false,
      removeLeftovers,
      confirmLeftovers,
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

/** Shows what would go and asks; an interrupted prompt (Ctrl-C) is a no. */
async function confirmLeftovers(pairId: string, report: LeftoverReport): Promise<boolean> {
  console.log(`${pairId}:`);
  for (const line of describeLeftovers(report, false)) console.log(line);
  const message = `Delete these ${report.entries.length} entries (${Number(report.totalHours.toFixed(2))} h) from the destination of ${pairId}?`;
  try {
    return await inquirerPrompts().confirm({ message, default: false });
  } catch (error) {
    if (isPromptExit(error)) return false;
    throw error;
  }
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
