import { Command, Option } from "commander";
import { createClientFactory } from "../clockify/client-factory.js";
import { RateLimiterRegistry } from "../clockify/rate-limiter.js";
import { readRuntimeEnv } from "../config/env.js";
import { setupFlagsSchema } from "../setup/flags.js";
import { SetupCancelled } from "../setup/contract.js";
import { runSetup } from "../setup/flow.js";
import { inquirerPrompts, isPromptExit } from "../setup/prompts.js";
import { UsageError } from "../config/errors.js";
import { runCommand } from "./run.js";

/** The config's default rate: setup runs before there is a config to read it from. */
const SETUP_REQUESTS_PER_SECOND = 10;

/**
 * `clockify-sync setup [flags]`: asks what to mirror, writes the pair into the config file, then offers to
 * register webhooks and to run the first reconciliation. Every question has a flag; without a terminal
 * on stdin, a missing answer is an error naming its flag (exit 2).
 */
export function setupCommand(): Command {
  const command = new Command("setup")
    .description("interactive setup: pick workspaces, client and users; write the pair; register webhooks; first sync")
    .option("--source-workspace <id|name>", "the workspace you track time in (the agency's)")
    .option("--client <id|name>", "the client in the source workspace whose projects are mirrored")
    .option("--destination-workspace <id|name>", "the workspace the copies go to (the customer's)")
    .option("--source-user <id|email>", "whose entries are mirrored (default: the source key's owner)")
    .option("--destination-user <id|email>", "who owns the copies (default: the destination key's owner)")
    .option("--pair <id>", "pair id (default: made from the client's name)")
    .option("--webhook-url <url>", "register webhooks, with this public URL of the service")
    .option("--no-webhooks", "do not register webhooks")
    .addOption(new Option("--reconcile", "run the first reconciliation without asking"))
    .addOption(new Option("--no-reconcile", "do not run the first reconciliation"))
    .option("--yes", "answer yes to every confirmation")
    .option("--replace", "replace a pair of the same id in the config file (--yes alone never does)")
    .option("--add-member <email>", "add this person (their email in the source workspace) to the existing pair --pair")
    .option("--destination-member <email|id>", "with --add-member: who owns their copies (default: the same email)")
    .addHelpText(
      "after",
      "\nAPI keys come from SRC_CLOCKIFY_API_KEY and DEST_CLOCKIFY_API_KEY (optional), or are asked for.\n" +
        "The config file is CLOCKIFY_SYNC_CONFIG (default ./clockify-sync.config.json).\n" +
        "Without a terminal on stdin, give SRC_CLOCKIFY_API_KEY, --source-workspace, --client,\n" +
        "--destination-workspace, --webhook-url or --no-webhooks, and --yes.\n" +
        "To mirror one more person with an existing pair: --pair <id> --add-member <email> [--destination-member <email|id>] --yes.",
    )
    .action((raw: Record<string, unknown>) => runCommand(() => setupOrExplain(command, raw)));
  return command;
}

/** A cancelled setup or an interrupted prompt is not a failure to report with "error:". */
async function setupOrExplain(command: Command, raw: Record<string, unknown>): Promise<number | void> {
  try {
    await setup(command, raw);
  } catch (error) {
    if (error instanceof SetupCancelled) {
      console.error(error.message);
      return 1;
    }
    if (isPromptExit(error)) {
      console.error("setup interrupted (the config file is only written after its confirmation)");
      return 130;
    }
    throw error;
  }
}

async function setup(command: Command, raw: Record<string, unknown>): Promise<void> {
  // `--no-webhooks` alone makes commander default `webhooks` to true; only an explicit flag counts.
  const webhooks = command.getOptionValueSource("webhooks") === "cli" ? false : undefined;
  const parsed = setupFlagsSchema.safeParse({ ...raw, webhooks });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join("; "));
  const env = process.env;
  const runtime = readRuntimeEnv(env);
  const result = await runSetup({
    env,
    flags: parsed.data,
    prompts: inquirerPrompts(),
    // Setup talks to a person: fail fast instead of retrying for a minute.
    clientFactory: createClientFactory({
      apiUrl: runtime.apiUrl,
      clockify: { timeoutMs: 15_000, maxRetries: 2 },
      limiters: new RateLimiterRegistry({ requestsPerSecond: SETUP_REQUESTS_PER_SECOND }),
    }),
    output: {
      line: (text = "") => console.log(text),
      warn: (text) => console.error(`warning: ${text}`),
    },
    configPath: runtime.configPath,
    interactive: process.stdin.isTTY === true,
  });
  process.exitCode = result.exitCode;
}
