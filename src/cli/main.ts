import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Command, CommanderError } from "commander";
import { guardStdio } from "../process/stdio.js";

/**
 * Every subcommand, loaded on demand: a command's process imports only its own modules (a `status`
 * from cron should not load the server, the setup prompts and the simulator), and help loads them all.
 */
const SUBCOMMANDS: ReadonlyArray<readonly [string, () => Promise<Command>]> = [
  ["serve", async () => (await import("./serve.js")).serveCommand()],
  ["reconcile", async () => (await import("./reconcile.js")).reconcileCommand()],
  ["status", async () => (await import("./status.js")).statusCommand()],
  ["doctor", async () => (await import("./doctor.js")).doctorCommand()],
  ["webhooks", async () => (await import("./webhooks.js")).webhooksCommand()],
  ["deadletter", async () => (await import("./deadletter.js")).deadletterCommand()],
  ["setup", async () => (await import("./setup.js")).setupCommand()],
  ["demo", async () => (await import("./demo.js")).demoCommand()],
  ["simulator", async () => (await import("./simulator.js")).simulatorCommand()],
];

export const SUBCOMMAND_NAMES: readonly string[] = SUBCOMMANDS.map(([name]) => name);

/**
 * The version in the project's package.json, found from this file's place (src/cli/ under tsx,
 * dist/src/cli/ compiled), not the cwd: the nearest ancestor holding a package.json.
 */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
  const parsed: unknown = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const version = typeof parsed === "object" && parsed !== null ? (parsed as { version?: unknown }).version : undefined;
  return typeof version === "string" ? version : "unknown";
}

/** Every subcommand's usage errors end like the command's own ones (exit 2), not with commander's exit. */
function throwOnUsageErrors(command: Command): void {
  command.exitOverride();
  command.showHelpAfterError("(add --help for usage)");
  for (const sub of command.commands) throwOnUsageErrors(sub);
}

/**
 * `clockify-sync <command>`: one executable for the service and every command beside it. `only` names
 * the subcommand the command line runs; without it (help, a typo) every subcommand is there.
 */
export async function program(only?: string): Promise<Command> {
  const root = new Command("clockify-sync")
    .description("Mirror time entries from one Clockify workspace to another, in real time, and heal what webhooks miss.")
    .version(packageVersion(), "-V, --version", "print the version")
    .addHelpText(
      "after",
      "\nThe config file is CLOCKIFY_SYNC_CONFIG (default ./clockify-sync.config.json), the database\n" +
        "DATABASE_PATH (default ./data/clockify-sync.db). Exit codes: 0 ok, 1 failed or warnings, 2 bad usage or config.",
    );
  const wanted = SUBCOMMANDS.filter(([name]) => only === undefined || name === only);
  for (const command of await Promise.all(wanted.map(([, load]) => load()))) root.addCommand(command);
  throwOnUsageErrors(root);
  return root;
}

/** The subcommand `argv` runs, when it is one of ours: the first word after the script that is no option. */
function subcommandOf(argv: readonly string[]): string | undefined {
  const word = argv.slice(2).find((arg) => !arg.startsWith("-"));
  return word !== undefined && SUBCOMMAND_NAMES.includes(word) ? word : undefined;
}

/**
 * Parses `argv` (node's, with the interpreter and script first) and runs the subcommand. Commander has
 * already printed a usage error when it throws one; what is left is the exit code (0 for --help).
 */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  // Help read through `| head` must not die of EPIPE with a stack; the command's lifecycle takes over later.
  guardStdio();
  try {
    await (await program(subcommandOf(argv))).parseAsync([...argv]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  }
}

/** Run directly (`node --import tsx src/cli/main.ts …`, as the tests do); bin/clockify-sync.js imports and calls main. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().catch((error: unknown) => {
    console.error(`clockify-sync: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
