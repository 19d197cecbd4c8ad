import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { program, SUBCOMMAND_NAMES } from "../../src/cli/main.js";
import { runClockifySync, type CliResult } from "../helpers/cli.js";
import { ROOT, STACK } from "../process/spawn.js";

const clockifySync = (...args: string[]): Promise<CliResult> => runClockifySync(args);

describe("clockify-sync, the one program", () => {
  it("has the issue's subcommands, each described", async () => {
    expect(SUBCOMMAND_NAMES).toEqual(["serve", "reconcile", "status", "doctor", "webhooks", "deadletter", "setup", "demo", "simulator"]);
    const commands = (await program()).commands;
    expect(commands.map((c) => c.name())).toEqual(SUBCOMMAND_NAMES);
    for (const command of commands) expect(command.description(), command.name()).not.toBe("");
  });

  it("loads only the subcommand the line names", async () => {
    expect((await program("status")).commands.map((c) => c.name())).toEqual(["status"]);
  });

  it("prints its version from package.json", async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(await clockifySync("--version")).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("ends bad usage with exit code 2 and one hint, never a stack", async () => {
    const [none, unknown, option, nested] = await Promise.all([
      clockifySync(),
      clockifySync("reconcil"),
      clockifySync("status", "--bogus"),
      clockifySync("deadletter", "retry", "--bogus"),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage: clockify-sync [options] [command]");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error: unknown command 'reconcil'\n(Did you mean reconcile?)");
    expect(option.code).toBe(2);
    expect(option.stderr).toBe("error: unknown option '--bogus'\n(add --help for usage)\n");
    expect(nested.code).toBe(2);
    for (const result of [none, unknown, option, nested]) expect(result.stderr).not.toMatch(STACK);
  });

  it("answers `help <command>` and `<command> --help` alike, exit 0", async () => {
    const [viaHelp, viaFlag] = await Promise.all([clockifySync("help", "simulator"), clockifySync("simulator", "--help")]);
    expect(viaHelp).toMatchObject({ code: 0 });
    expect(viaFlag).toMatchObject({ code: 0, stdout: viaHelp.stdout });
    expect(viaFlag.stdout).toContain("--port <port>");
  });
});
