import { Command } from "commander";
import { z } from "zod";
import { withCommandSession } from "../command-session.js";
import { UsageError } from "../config/errors.js";
import { listCheckResults, recordCheckResults } from "../db/checks.js";
import { keepWhatWasNotChecked } from "../doctor/transitions.js";
import { formatChecklist, runDoctorChecks } from "../doctor/run.js";
import { runCommand } from "./run.js";

const flagsSchema = z.object({ pair: z.string().optional(), json: z.boolean().optional() });

/**
 * `clockify-sync doctor [--pair ID] [--json]`: every check now, as a checklist; exit 1 on any error, so a
 * deploy script or a monitor can call it. The results are stored, so `status` and the status page show
 * them until the service's next hourly run.
 */
export function doctorCommand(): Command {
  return new Command("doctor")
    .description("check every pair now: keys, workspaces, client, users, destination rules, webhooks, last run")
    .option("--pair <id>", "only this pair (default: every pair)")
    .option("--json", "machine-readable output: one object per check")
    .action((raw: unknown) => runCommand(() => doctor(raw)));
}

async function doctor(raw: unknown): Promise<void> {
  const parsed = flagsSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
  const flags = parsed.data;
  await withCommandSession({ name: "doctor", pair: flags.pair }, async (session) => {
    const database = session.database();
    const results = await runDoctorChecks(session.config, {
      apiUrl: session.runtime.apiUrl,
      pairIds: session.selected.pairs.map((p) => p.id),
      database,
      logger: session.logger,
    });
    // What could not be checked now (Clockify unreachable) keeps its stored verdict, as in the service.
    for (const pair of session.selected.pairs) {
      const kept = keepWhatWasNotChecked(await listCheckResults(database, pair.id), results.filter((r) => r.pairId === pair.id));
      await recordCheckResults(database, pair.id, kept);
    }
    console.log(flags.json ? JSON.stringify({ results }, null, 2) : formatChecklist(results));
    process.exitCode = results.some((r) => r.level === "error") ? 1 : 0;
  });
}
