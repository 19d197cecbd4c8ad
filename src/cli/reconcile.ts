import { Command } from "commander";
import { z } from "zod";
import { RateLimiterRegistry } from "../clockify/rate-limiter.js";
import { loadConfig, readRuntimeEnv } from "../config/index.js";
import { openAndMigrate } from "../db/migrate.js";
import { Alerter } from "../observability/alerts.js";
import { createLogger } from "../observability/logger.js";
import { terminalProgress } from "../observability/progress.js";
import { KeyedMutex } from "../sync/keyed-mutex.js";
import { createPairRuntimes } from "../sync/pair-runtime.js";
import type { PlannedAction } from "../sync/plan.js";
import { formatSummary, reconcileAll } from "../sync/reconcile-all.js";
import type { RunSummary } from "../sync/reconcile.js";
import { runCli, UsageError } from "./run.js";

const flagsSchema = z.object({
  pair: z.string().optional(),
  since: z.iso.datetime({ offset: true, error: "--since: expected an ISO date-time like 2026-11-01T00:00:00Z" }).optional(),
  until: z.iso.datetime({ offset: true, error: "--until: expected an ISO date-time like 2026-11-28T00:00:00Z" }).optional(),
  dryRun: z.boolean().optional(),
  yes: z.boolean().optional(),
});

/** `npm run reconcile -- [--pair ID] [--since ISO] [--until ISO] [--dry-run] [--yes]` */
export function reconcileCommand(): Command {
  return new Command("reconcile")
    .description("run the full sync now: projects destination → source, entries source → destination")
    .option("--pair <id>", "only this pair (default: every pair)")
    .option("--since <iso>", "window start (default: reconcile.windowDays ago)")
    .option("--until <iso>", "window end (default: now)")
    .option("--dry-run", "print the plan and change nothing")
    .option("--yes", "allow a run that deletes more than the mass-delete guard permits")
    .action(async (raw: unknown) => {
      const parsed = flagsSchema.safeParse(raw);
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
      const flags = parsed.data;
      const env = readRuntimeEnv();
      const config = loadConfig(env.configPath);
      const since = flags.since ? new Date(flags.since) : undefined;
      const until = flags.until ? new Date(flags.until) : undefined;
      if (since && until && since >= until) throw new UsageError("--since must be before --until");
      const pairs = flags.pair ? config.pairs.filter((p) => p.id === flags.pair) : config.pairs;
      if (pairs.length === 0) {
        throw new UsageError(`no pair "${flags.pair ?? ""}" in the config (pairs: ${config.pairs.map((p) => p.id).join(", ")})`);
      }
      const logger = createLogger({ level: env.logLevel === "info" ? "warn" : env.logLevel, name: "reconcile" });
      const database = openAndMigrate(env.databasePath);
      try {
        const runtimes = createPairRuntimes({
          config: { ...config, pairs },
          apiUrl: env.apiUrl,
          database,
          logger,
          limiters: new RateLimiterRegistry({ requestsPerSecond: config.clockify.requestsPerSecond }),
          locks: new KeyedMutex(),
        });
        const summaries = await reconcileAll([...runtimes.values()], {
          trigger: "cli",
          windowDays: config.reconcile.windowDays,
          ...(since ? { since } : {}),
          ...(until ? { until } : {}),
          dryRun: flags.dryRun ?? false,
          yes: flags.yes ?? false,
          progress: terminalProgress(),
          alerter: new Alerter(config.alerts.webhookUrl, logger),
        });
        for (const s of summaries) {
          console.log(formatSummary(s));
          if (s.dryRun) printPlan(s);
        }
        // Anything short of success must be visible to cron and CI.
        process.exitCode = summaries.every((s) => s.outcome === "succeeded") ? 0 : 1;
      } finally {
        database.close();
      }
    });
}

const SHOWN = 5;

function describeAction(a: PlannedAction): string {
  switch (a.kind) {
    case "create":
    case "update":
    case "adopt":
      return `${a.sourceId} → ${a.kind === "create" ? "new" : a.destinationId}: ${a.entry.start} – ${a.entry.end} "${a.entry.description}"`;
    case "delete":
      return `${a.sourceId} → ${a.destinationId} (${a.reason})`;
    case "unchanged":
      return `${a.sourceId} → ${a.destinationId}`;
    case "skip":
      return `${a.sourceId} (${a.reason})`;
  }
}

function printPlan(s: RunSummary): void {
  for (const change of s.projects) {
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

if (import.meta.url === `file://${process.argv[1]}`) {
  runCli(async () => {
    await reconcileCommand().parseAsync(process.argv);
    return Number(process.exitCode ?? 0);
  });
}
