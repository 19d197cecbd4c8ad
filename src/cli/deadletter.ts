import { Command } from "commander";
import { readRuntimeEnv } from "../config/env.js";
import { openAndMigrate } from "../db/migrate.js";
import { listDeadLetters, requeueDeadLetters } from "../db/inbox.js";
import { UsageError } from "../config/errors.js";
import { runCommand } from "./run.js";

/**
 * `clockify-sync deadletter list | retry <id...> | retry --all`: events that failed for good wait here for a
 * person. Retrying puts them back in the inbox with a fresh attempt budget; the running server picks them
 * up within a second.
 */
export function deadletterCommand(): Command {
  const program = new Command("deadletter").description("inspect and replay dead-lettered webhook events");
  program
    .command("list")
    .description("list dead letters, oldest first")
    .option("--pair <id>", "only this pair")
    .option("--json", "machine-readable output")
    .action((options: { pair?: string; json?: boolean }) => runCommand(async () => list(options)));
  program
    .command("retry")
    .description("put dead letters back in the inbox")
    .argument("[ids...]", "dead letter ids (from list)")
    .option("--all", "every dead letter")
    .action((ids: string[], options: { all?: boolean }) => runCommand(async () => retry(ids, options)));
  return program;
}

async function list(options: { pair?: string; json?: boolean }): Promise<void> {
  const database = openAndMigrate(readRuntimeEnv().databasePath);
  try {
    const rows = await listDeadLetters(database, options.pair);
    if (options.json) {
      console.log(
        JSON.stringify(
          rows.map((r) => ({
            id: r.id,
            pair: r.pairId,
            event: r.eventType,
            entityId: r.entityId,
            attempts: r.attempts,
            receivedAt: new Date(r.receivedAt).toISOString(),
            error: r.lastError,
          })),
          null,
          2,
        ),
      );
      return;
    }
    if (rows.length === 0) {
      console.log("no dead letters");
      return;
    }
    for (const r of rows) {
      console.log(
        `#${r.id}  ${r.pairId}  ${r.eventType}  entity ${r.entityId}  ${r.attempts} attempt(s)  received ${new Date(r.receivedAt).toISOString()}\n    ${r.lastError ?? ""}`,
      );
    }
    console.log(`${rows.length} dead letter(s); replay with: npm run deadletter -- retry <id> | retry --all`);
  } finally {
    database.close();
  }
}

async function retry(ids: string[], options: { all?: boolean }): Promise<void> {
  if (Boolean(options.all) === ids.length > 0) throw new UsageError("give dead letter ids or --all (not both)");
  const parsed = ids.map((id) => {
    if (!/^\d+$/.test(id)) throw new UsageError(`not a dead letter id: ${JSON.stringify(id)}`);
    return Number(id);
  });
  const database = openAndMigrate(readRuntimeEnv().databasePath);
  try {
    const requeued = await requeueDeadLetters(database, options.all ? undefined : parsed);
    const missing = options.all ? 0 : parsed.length - requeued;
    console.log(`${requeued} event(s) queued again${missing > 0 ? `; ${missing} id(s) were not dead letters` : ""}`);
  } finally {
    database.close();
  }
}
