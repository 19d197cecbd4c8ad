import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClockifyClient } from "../../src/clockify/client.js";
import { UsageError } from "../../src/config/errors.js";
import { loadConfig } from "../../src/config/index.js";
import { openAndMigrate } from "../../src/db/migrate.js";
import { formatChecklist } from "../../src/doctor/run.js";
import { listWebhooksForWorkspace } from "../../src/db/webhooks.js";
import type { Progress } from "../../src/observability/progress.js";
import type { SetupFlags } from "../../src/setup/flags.js";
import { SetupCancelled, SetupError, type SetupDeps } from "../../src/setup/contract.js";
import { runSetup } from "../../src/setup/flow.js";
import {
  inquirerPrompts,
  type ConfirmQuestion,
  type InputQuestion,
  type PasswordQuestion,
  type Prompts,
  type SelectQuestion,
} from "../../src/setup/prompts.js";
import { discardingLogger } from "../helpers/logs.js";
import { runClockifySync, type CliResult } from "../helpers/cli.js";
import { startTwoWorkspaces, type TwoWorkspaces } from "../helpers/world.js";


// ---- a scripted stand-in for the terminal ----

interface Asked {
  kind: "select" | "input" | "password" | "confirm";
  message: string;
  choices?: { value: unknown; name: string }[];
  default?: unknown;
}
type Answer = unknown | ((question: Asked) => unknown);

/** Answers from a queue, in order, and records every question; an unexpected question fails the test. */
class ScriptedPrompts implements Prompts {
  readonly asked: Asked[] = [];
  constructor(private readonly answers: Answer[]) {}

  get remaining(): number {
    return this.answers.length;
  }

  async select<T>(q: SelectQuestion<T>): Promise<T> {
    const answer = this.next({ kind: "select", message: q.message, choices: [...q.choices], default: q.default });
    if (!q.choices.some((c) => c.value === answer)) throw new Error(`scripted answer ${String(answer)} is not a choice of "${q.message}"`);
    return answer as T;
  }

  async input(q: InputQuestion): Promise<string> {
    return this.checked(q, this.next({ kind: "input", message: q.message, default: q.default }));
  }

  async password(q: PasswordQuestion): Promise<string> {
    return this.checked(q, this.next({ kind: "password", message: q.message }));
  }

  async confirm(q: ConfirmQuestion): Promise<boolean> {
    const answer = this.next({ kind: "confirm", message: q.message, default: q.default });
    if (typeof answer !== "boolean") throw new Error(`confirm "${q.message}" needs a boolean answer`);
    return answer;
  }

  private checked(q: InputQuestion | PasswordQuestion, answer: unknown): string {
    if (typeof answer !== "string") throw new Error(`"${q.message}" needs a string answer`);
    const verdict = q.validate?.(answer) ?? true;
    if (verdict !== true) throw new Error(`scripted answer to "${q.message}" rejected: ${verdict}`);
    return answer;
  }

  private next(question: Asked): unknown {
    this.asked.push(question);
    if (this.answers.length === 0) throw new Error(`unexpected question (${question.kind}) "${question.message}"`);
    const answer = this.answers.shift();
    return typeof answer === "function" ? (answer as (q: Asked) => unknown)(question) : answer;
  }
}

/** The choice whose label starts with `name`. */
const pick = (name: string) => (q: Asked) => {
  const choice = q.choices?.find((c) => c.name.startsWith(name));
  if (!choice) throw new Error(`no choice "${name}" in "${q.message}": ${q.choices?.map((c) => c.name).join(", ")}`);
  return choice.value;
};
/** Whatever the question offers as its default (Enter). */
const accept = (q: Asked) => q.default;

// ---- the world ----

let w: TwoWorkspaces;
let dir: string;
let configPath: string;
let databasePath: string;
let lines: string[];
let warnings: string[];
let bob: { id: string; email: string };

beforeEach(async () => {
  w = await startTwoWorkspaces();
  const b = w.sim.world.addUser({ name: "Bob Builder", email: "bob@agency.example" });
  w.sim.world.addMember(w.source.workspaceId, b.id);
  bob = { id: b.id, email: b.email };
  dir = await mkdtemp(join(tmpdir(), "clockify-sync-setup-"));
  configPath = join(dir, "clockify-sync.config.json");
  databasePath = join(dir, "sync.db");
  lines = [];
  warnings = [];
});

afterEach(async () => {
  await w.sim.close();
  await rm(dir, { recursive: true, force: true });
});

function environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    SRC_CLOCKIFY_API_KEY: w.user.apiKey,
    CLOCKIFY_API_URL: w.sim.apiBaseUrl,
    DATABASE_PATH: databasePath,
    LOG_LEVEL: "silent",
    ...extra,
  };
}

function deps(prompts: Prompts, flags: SetupFlags = {}, extra: Partial<SetupDeps> = {}): SetupDeps {
  const env = extra.env ?? environment();
  return {
    env,
    flags,
    prompts,
    clientFactory: (apiKey) => new ClockifyClient({ baseUrl: w.sim.apiBaseUrl, apiKey, backoff: { maxRetries: 0 } }),
    output: { line: (text = "") => lines.push(text), warn: (text) => warnings.push(text) },
    configPath,
    logger: discardingLogger(),
    progress: { phase() {}, advance() {}, done() {} },
    ...extra,
  };
}

const rawConfig = () => JSON.parse(readFileSync(configPath, "utf8")) as { pairs: Record<string, unknown>[] } & Record<string, unknown>;

describe("npm run setup, interactive", () => {
  it("asks every question and writes a valid pair with ${SRC_CLOCKIFY_API_KEY} when the key came from the environment", async () => {
    const prompts = new ScriptedPrompts([
      pick("Agency"), // source workspace
      pick("Customer Co"), // client
      pick("Customer"), // destination workspace
      accept, // source user: the key's owner
      accept, // destination user: the key's owner
      accept, // pair id: from the client's name
      true, // write the config
      false, // no webhooks
      false, // no reconciliation
    ]);
    const result = await runSetup(deps(prompts));

    expect(result).toMatchObject({ pairId: "customer-co", replaced: false, secretInFile: false, exitCode: 0 });
    expect(prompts.remaining).toBe(0);
    expect(prompts.asked.map((q) => q.kind)).toEqual(["select", "select", "select", "select", "select", "input", "confirm", "confirm", "confirm"]);
    // The source user is offered from the workspace's members, the key's owner preselected.
    expect(prompts.asked[3]?.choices?.map((c) => c.name)).toEqual(["Ada Lovelace <ada@example.com>", "Bob Builder <bob@agency.example>"]);
    expect(prompts.asked[3]?.default).toBe(w.user.id);
    // Another account is offered for the destination, as the destination key was not in the environment.
    expect(prompts.asked[2]?.choices?.map((c) => c.name)).toEqual([
      "Agency (the source workspace)",
      "Customer",
      "A workspace of another Clockify account…",
    ]);

    const raw = rawConfig();
    expect(raw.pairs).toEqual([
      {
        id: "customer-co",
        source: { apiKey: "${SRC_CLOCKIFY_API_KEY}", workspaceId: w.source.workspaceId, userId: w.user.id, clientId: w.source.clientId },
        destination: { workspaceId: w.destination.workspaceId, userId: w.user.id },
      },
    ]);
    const config = loadConfig(configPath, { SRC_CLOCKIFY_API_KEY: w.user.apiKey });
    expect(config.pairs[0]?.source.apiKey).toBe(w.user.apiKey);
    expect(config.pairs[0]?.destination.apiKey).toBe(w.user.apiKey);

    const printed = [...lines, ...warnings].join("\n");
    expect(printed).not.toContain(w.user.apiKey);
    expect(printed).toContain("${SRC_CLOCKIFY_API_KEY} (from the environment");
    expect(printed).toContain(`--source-workspace ${w.source.workspaceId} --client ${w.source.clientId}`);
  });

  it("refuses the source workspace as destination and asks again", async () => {
    const prompts = new ScriptedPrompts([
      pick("Agency"),
      pick("Customer Co"),
      pick("Agency"), // the source again: refused
      pick("Customer"),
      accept,
      accept,
      "acme",
      true,
      false,
      false,
    ]);
    await runSetup(deps(prompts));
    const destinationQuestions = prompts.asked.filter((q) => q.message.startsWith("Destination workspace"));
    expect(destinationQuestions).toHaveLength(2);
    expect(warnings.join("\n")).toContain('"Agency" is the source workspace');
    expect(rawConfig().pairs[0]).toMatchObject({ id: "acme", destination: { workspaceId: w.destination.workspaceId } });
  });

  it("updates an existing config: other pairs and keys stay, a pair of the same id is replaced after confirming", async () => {
    const other = {
      id: "other",
      source: { apiKey: "${OTHER_KEY}", workspaceId: "w1", userId: "u1", clientId: "c1" },
      destination: { workspaceId: "w2" },
    };
    const original = {
      reconcile: { cron: "0 4 * * *", windowDays: 14 },
      pairs: [
        other,
        {
          id: "customer-co",
          source: { apiKey: "old", workspaceId: "old-ws", userId: "old-user", clientId: "old-client" },
          destination: { workspaceId: "old-dest" },
          projectOptions: { color: "#FF0000" },
          webhookSecrets: ["${HAND_MADE_SECRET}"],
        },
      ],
      // Not the default, to show it is kept; fast enough for the checks setup ends with.
      clockify: { requestsPerSecond: 20 },
    };
    writeFileSync(configPath, JSON.stringify(original, null, 4));

    const prompts = new ScriptedPrompts([
      pick("Set up a new pair"), // not a member of an existing pair
      pick("Agency"),
      pick("Customer Co"),
      pick("Customer"),
      pick("Bob Builder"), // another source user
      accept,
      "customer-co", // typed, though the offered default is a free id…
      true, // …so replace it
      true, // write
      true, // register webhooks…
      "https://sync.example.com", // …which needs the whole file, and OTHER_KEY is not set here
      false,
    ]);
    const result = await runSetup(deps(prompts));
    expect(result.replaced).toBe(true);
    expect(result.webhooks).toBe("skipped");
    expect(warnings.join("\n")).toContain(
      "Where they are, run: npm run webhooks -- register --url https://sync.example.com/webhooks/clockify --pair customer-co",
    );
    expect(w.sim.world.listWebhooks(w.source.workspaceId)).toEqual([]);
    expect(prompts.asked.find((q) => q.message.includes("already has a pair"))?.default).toBe(false);
    expect(prompts.asked.find((q) => q.message.startsWith("Pair id"))?.default).toBe("customer-co-2");

    const raw = rawConfig();
    expect(Object.keys(raw)).toEqual(["reconcile", "pairs", "clockify"]);
    expect(raw["reconcile"]).toEqual(original.reconcile);
    expect(raw["clockify"]).toEqual(original.clockify);
    expect(raw.pairs[0]).toEqual(other);
    expect(raw.pairs[1]).toEqual({
      id: "customer-co",
      source: { apiKey: "${SRC_CLOCKIFY_API_KEY}", workspaceId: w.source.workspaceId, userId: bob.id, clientId: w.source.clientId },
      destination: { workspaceId: w.destination.workspaceId, userId: w.user.id },
      projectOptions: { color: "#FF0000" },
      webhookSecrets: ["${HAND_MADE_SECRET}"],
    });
    // Variables of other parts of the file need not be set where setup runs; they are named.
    expect(warnings.join("\n")).toContain("OTHER_KEY, HAND_MADE_SECRET");
    const config = loadConfig(configPath, { SRC_CLOCKIFY_API_KEY: "k", OTHER_KEY: "o", HAND_MADE_SECRET: "s" });
    expect(config.pairs.map((p) => p.id)).toEqual(["other", "customer-co"]);
  });

  it("declining to replace a typed existing id asks for another (a free one offered) and keeps the existing pair", async () => {
    writeFileSync(
      configPath,
      JSON.stringify({ pairs: [{ id: "customer-co", source: { apiKey: "k", workspaceId: "a", userId: "u", clientId: "c" }, destination: { workspaceId: "b" } }] }),
    );
    const prompts = new ScriptedPrompts([pick("Set up a new pair"), pick("Agency"), pick("Customer Co"), pick("Customer"), accept, accept, "customer-co", false, accept, true, false, false]);
    await runSetup(deps(prompts));
    expect(prompts.asked.find((q) => q.message === "Another pair id")?.default).toBe("customer-co-2");
    expect(rawConfig().pairs.map((p) => p["id"])).toEqual(["customer-co", "customer-co-2"]);
  });

  it("answering no to writing the file cancels setup and writes nothing", async () => {
    const prompts = new ScriptedPrompts([pick("Agency"), pick("Customer Co"), pick("Customer"), accept, accept, accept, false]);
    await expect(runSetup(deps(prompts))).rejects.toThrow(SetupCancelled);
    expect(existsSync(configPath)).toBe(false);
  });

  it("typed keys: a rejected key is asked again, the accepted one is written as is, the file gets mode 0600 and a warning", async () => {
    const prompts = new ScriptedPrompts([
      "not-a-key", // rejected with 401
      w.user.apiKey,
      pick("Agency"),
      pick("Customer Co"),
      pick("Customer"),
      accept,
      accept,
      accept,
      true,
      false,
      false,
    ]);
    const env = environment();
    delete env["SRC_CLOCKIFY_API_KEY"];
    const result = await runSetup(deps(prompts, {}, { env }));
    expect(result.secretInFile).toBe(true);
    expect(prompts.asked.filter((q) => q.kind === "password")).toHaveLength(2);
    expect(warnings[0]).toMatch(/Clockify rejected the source API key: HTTP 401/);
    expect(rawConfig().pairs[0]).toMatchObject({ source: { apiKey: w.user.apiKey } });
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
    expect(warnings.join("\n")).toContain("now holds an API key in plain text");
    expect([...lines, ...warnings].join("\n")).not.toContain(w.user.apiKey);
  });

  it("a bad API key in the environment is a clear error and nothing is written", async () => {
    const prompts = new ScriptedPrompts([]);
    const run = runSetup(deps(prompts, {}, { env: environment({ SRC_CLOCKIFY_API_KEY: "wrong-key" }) }));
    await expect(run).rejects.toThrow(SetupError);
    await expect(run).rejects.toThrow(/Clockify rejected the SRC_CLOCKIFY_API_KEY \(from the environment\): HTTP 401.*Nothing was written/);
    expect(prompts.asked).toEqual([]);
    expect(existsSync(configPath)).toBe(false);
  });

  it("registers webhooks at the typed address (the webhook route is added) and records them", async () => {
    const prompts = new ScriptedPrompts([
      pick("Agency"),
      pick("Customer Co"),
      pick("Customer"),
      accept,
      accept,
      accept,
      true, // write
      true, // register webhooks
      "https://sync.example.com/", // the service's address
      false, // no reconciliation
    ]);
    const result = await runSetup(deps(prompts));
    expect(result.webhooks).toBe("registered");
    const url = "https://sync.example.com/webhooks/clockify";
    const sourceHooks = w.sim.world.listWebhooks(w.source.workspaceId);
    expect(sourceHooks.map((h) => h.webhookEvent)).toEqual(expect.arrayContaining(["NEW_TIME_ENTRY", "TIMER_STOPPED", "TIME_ENTRY_UPDATED"]));
    expect(new Set(sourceHooks.map((h) => h.url))).toEqual(new Set([url]));
    expect(w.sim.world.listWebhooks(w.destination.workspaceId).map((h) => h.webhookEvent)).toEqual(
      expect.arrayContaining(["NEW_PROJECT", "PROJECT_UPDATED"]),
    );
    const database = openAndMigrate(databasePath);
    try {
      expect(await listWebhooksForWorkspace(database, w.source.workspaceId)).toHaveLength(sourceHooks.length);
    } finally {
      database.close();
    }
    expect(lines.join("\n")).toContain(`--webhook-url ${url}`);
  });

  it("a bad --webhook-url is refused before anything is written", async () => {
    const flags: SetupFlags = { sourceWorkspace: "Agency", client: "Customer Co", destinationWorkspace: "Customer", webhookUrl: "https://sync.example.com/?x=1", yes: true };
    await expect(runSetup(deps(new ScriptedPrompts([]), flags, { interactive: false }))).rejects.toThrow(
      /--webhook-url: the path must end with \/webhooks\/clockify/,
    );
    expect(existsSync(configPath)).toBe(false);
  });

  it("--reconcile runs the first reconciliation: the destination gets copies of the seeded entries", async () => {
    const { world } = w.sim;
    const project = world.addProject(w.source.workspaceId, { name: "Website", clientId: w.source.clientId });
    const day = 86_400_000;
    const seeded = [1, 2, 3].map((n) =>
      world.createTimeEntry(w.source.workspaceId, w.user.id, {
        start: new Date(Date.now() - n * day).toISOString(),
        end: new Date(Date.now() - n * day + 3_600_000).toISOString(),
        description: `work ${n}`,
        projectId: project.id,
      }),
    );
    const phases: string[] = [];
    const progress: Progress = { phase: (label) => phases.push(label), advance() {}, done() {} };
    const prompts = new ScriptedPrompts([]);
    const result = await runSetup(
      deps(
        prompts,
        { sourceWorkspace: "agency", client: "Customer Co", destinationWorkspace: "Customer", webhooks: false, reconcile: true, yes: true },
        { interactive: false, progress },
      ),
    );
    expect(result.exitCode).toBe(0);
    expect(result.reconcile).toMatchObject({ outcome: "succeeded", counts: { created: 3, failed: 0 } });
    const copies = world.listTimeEntries(w.destination.workspaceId);
    expect(copies.map((e) => e.description).sort()).toEqual(seeded.map((e) => e.description).sort());
    expect(world.listProjects(w.destination.workspaceId).map((p) => p.name)).toEqual(["Website"]);
    expect(phases.length).toBeGreaterThan(0);
    expect(lines.join("\n")).toMatch(/customer-co: succeeded — created 3/);
  });
});

describe("npm run setup, unattended", () => {
  it("runs from flags and --yes without a single question", async () => {
    const prompts = new ScriptedPrompts([]);
    const flags: SetupFlags = {
      sourceWorkspace: w.source.workspaceId,
      client: "customer co",
      destinationWorkspace: "Customer",
      sourceUser: "bob@agency.example",
      destinationUser: w.user.id,
      pair: "acme",
      webhooks: false,
      reconcile: false,
      yes: true,
    };
    const result = await runSetup(deps(prompts, flags, { interactive: false }));
    expect(prompts.asked).toEqual([]);
    expect(result).toMatchObject({ pairId: "acme", webhooks: "skipped", reconcile: "skipped", exitCode: 0 });
    expect(loadConfig(configPath, { SRC_CLOCKIFY_API_KEY: "k" }).pairs[0]).toMatchObject({
      id: "acme",
      source: { workspaceId: w.source.workspaceId, clientId: w.source.clientId },
      destination: { workspaceId: w.destination.workspaceId },
      members: [{ source: bob.id, destination: w.user.id, field: "source.userId" }],
    });
  });

  it("names every missing flag when it cannot ask, before anything happens", async () => {
    const run = runSetup(deps(new ScriptedPrompts([]), { client: "Customer Co", yes: true }, { interactive: false }));
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(/missing: --source-workspace <id\|name>, --destination-workspace <id\|name>, --webhook-url <url> \(or --no-webhooks\)$/);
    expect(existsSync(configPath)).toBe(false);
  });

  it("refuses the source workspace as destination from a flag", async () => {
    const flags: SetupFlags = { sourceWorkspace: "Agency", client: "Customer Co", destinationWorkspace: "Agency", webhooks: false, yes: true };
    await expect(runSetup(deps(new ScriptedPrompts([]), flags, { interactive: false }))).rejects.toThrow(
      /--destination-workspace: "Agency" is the source workspace/,
    );
    expect(existsSync(configPath)).toBe(false);
  });

  it("as a command: a missing flag exits with code 2 naming it; complete flags write the config", async () => {
    const missing = await setupCli(["--client", "Customer Co", "--no-webhooks", "--yes"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing: --source-workspace <id|name>, --destination-workspace <id|name>");
    expect(existsSync(configPath)).toBe(false);

    const done = await setupCli([
      "--source-workspace", "Agency",
      "--client", "Customer Co",
      "--destination-workspace", w.destination.workspaceId,
      "--no-webhooks",
      "--no-reconcile",
      "--yes",
    ]);
    expect(done.stderr).toBe("");
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('added pair "customer-co"');
    expect(loadConfig(configPath, { SRC_CLOCKIFY_API_KEY: "k" }).pairs[0]?.id).toBe("customer-co");

    const bad = await setupCli(["--pair", "no spaces", "--yes"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--pair: expected 1-64 characters");
  });
});

describe("npm run setup next to an existing pair of the same id", () => {
  /** The first member's pair, as an earlier setup wrote it. */
  function firstMembersFile(): string {
    const pair = {
      id: "customer-co",
      source: { apiKey: "${SRC_CLOCKIFY_API_KEY}", workspaceId: w.source.workspaceId, userId: w.user.id, clientId: w.source.clientId },
      destination: { workspaceId: w.destination.workspaceId },
    };
    const text = `${JSON.stringify({ pairs: [pair] }, null, 2)}\n`;
    writeFileSync(configPath, text);
    return text;
  }
  /** A teammate's unattended setup of the same client. */
  const teammate = (extra: SetupFlags = {}): SetupFlags => ({
    sourceWorkspace: "Agency",
    client: "Customer Co",
    destinationWorkspace: "Customer",
    sourceUser: bob.email,
    destinationUser: w.user.id,
    webhooks: false,
    reconcile: false,
    yes: true,
    ...extra,
  });
  const refusal = () =>
    `${configPath} already has a pair "customer-co" (client ${w.source.clientId}, user ${w.user.id}, ` +
    `workspace ${w.source.workspaceId} → ${w.destination.workspaceId}); --yes never replaces a pair. ` +
    "To replace it, add --replace; to add this one beside it, choose another id: --pair customer-co-2. Nothing was written";

  it("--yes never replaces it: setup stops naming the pair and the two ways on, the file unchanged", async () => {
    const before = firstMembersFile();
    const run = runSetup(deps(new ScriptedPrompts([]), teammate({ pair: "customer-co" }), { interactive: false }));
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(refusal());
    expect(readFileSync(configPath, "utf8")).toBe(before);
  });

  it("--yes at a terminal does not replace it either, and asks nothing about it", async () => {
    const before = firstMembersFile();
    const prompts = new ScriptedPrompts([]);
    await expect(runSetup(deps(prompts, teammate({ pair: "customer-co" })))).rejects.toThrow(refusal());
    expect(prompts.asked).toEqual([]);
    expect(readFileSync(configPath, "utf8")).toBe(before);
  });

  it("the default id avoids it: the teammate's pair is added as customer-co-2", async () => {
    firstMembersFile();
    const result = await runSetup(deps(new ScriptedPrompts([]), teammate(), { interactive: false }));
    expect(result).toMatchObject({ pairId: "customer-co-2", replaced: false, exitCode: 0 });
    expect(lines).toContain('✔ pair id: customer-co-2 (from the client\'s name; "customer-co" is taken; --pair to choose)');
    const config = loadConfig(configPath, { SRC_CLOCKIFY_API_KEY: "k" });
    expect(config.pairs.map((p) => [p.id, p.members[0]?.source])).toEqual([
      ["customer-co", w.user.id],
      ["customer-co-2", bob.id],
    ]);
  });

  it("--replace replaces it", async () => {
    firstMembersFile();
    const result = await runSetup(deps(new ScriptedPrompts([]), teammate({ pair: "customer-co", replace: true }), { interactive: false }));
    expect(result).toMatchObject({ pairId: "customer-co", replaced: true, exitCode: 0 });
    expect(lines).toContain('✔ replacing pair "customer-co" (--replace)');
    const config = loadConfig(configPath, { SRC_CLOCKIFY_API_KEY: "k" });
    expect(config.pairs.map((p) => [p.id, p.members[0]?.source])).toEqual([["customer-co", bob.id]]);
  });

  it("a pair of that id added to the file while setup asked is not overwritten", async () => {
    let during = "";
    const prompts = new ScriptedPrompts([
      pick("Agency"),
      pick("Customer Co"),
      pick("Customer"),
      accept,
      accept,
      accept, // customer-co, free when asked
      () => {
        during = firstMembersFile(); // a teammate's setup wrote it meanwhile
        return true; // write
      },
    ]);
    await expect(runSetup(deps(prompts))).rejects.toThrow(/a pair "customer-co" was added to .* while setup ran; nothing was written/);
    expect(readFileSync(configPath, "utf8")).toBe(during);
  });

  it("as a command: --yes exits 2 with the message and leaves the file as it was", async () => {
    const before = firstMembersFile();
    const refused = await setupCli([
      "--source-workspace", "Agency",
      "--client", "Customer Co",
      "--destination-workspace", "Customer",
      "--pair", "customer-co",
      "--no-webhooks",
      "--no-reconcile",
      "--yes",
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(refusal());
    expect(readFileSync(configPath, "utf8")).toBe(before);
  });
});

describe("npm run setup --add-member: one more person mirrored by an existing pair", () => {
  let cleo: { id: string; email: string };
  beforeEach(() => {
    // A teammate with the same email in both workspaces, as an agency invites its people to a customer's.
    const c = w.sim.world.addUser({ name: "Cleo Coder", email: "cleo@agency.example" });
    w.sim.world.addMember(w.source.workspaceId, c.id);
    w.sim.world.addMember(w.destination.workspaceId, c.id);
    cleo = { id: c.id, email: c.email };
  });

  /** The one-user pair an earlier setup wrote, beside another pair and top-level settings that must stay. */
  function oneUserFile(mode = 0o640): string {
    const file = {
      reconcile: { cron: "0 4 * * *" },
      pairs: [
        { id: "other", source: { apiKey: "${OTHER_KEY}", workspaceId: "w1", userId: "u1", clientId: "c1" }, destination: { workspaceId: "w2" } },
        {
          id: "customer-co",
          source: { apiKey: "${SRC_CLOCKIFY_API_KEY}", workspaceId: w.source.workspaceId, userId: w.user.id, clientId: w.source.clientId },
          destination: { workspaceId: w.destination.workspaceId, userId: w.user.id },
          projectOptions: { color: "#FF0000" },
        },
      ],
    };
    const text = `${JSON.stringify(file, null, 2)}\n`;
    writeFileSync(configPath, text);
    chmodSync(configPath, mode);
    return text;
  }
  const adding = (email: string, extra: SetupFlags = {}): SetupFlags => ({ pair: "customer-co", addMember: email, yes: true, ...extra });

  it("turns the one-user form into users (the old user first), adds the member, keeps the rest of the file and its mode", async () => {
    oneUserFile();
    const result = await runSetup(deps(new ScriptedPrompts([]), adding("Cleo@agency.example"), { interactive: false }));
    expect(result).toMatchObject({ pairId: "customer-co", reload: "needed", exitCode: 0, member: { field: "users[1]", sourceUserId: cleo.id, destinationUserId: cleo.id } });
    const raw = rawConfig();
    expect(Object.keys(raw)).toEqual(["reconcile", "pairs"]);
    expect(raw.pairs[0]).toMatchObject({ id: "other", source: { userId: "u1" } });
    expect(raw.pairs[1]).toEqual({
      id: "customer-co",
      source: { apiKey: "${SRC_CLOCKIFY_API_KEY}", workspaceId: w.source.workspaceId, clientId: w.source.clientId },
      destination: { workspaceId: w.destination.workspaceId },
      users: [{ source: w.user.id }, { source: "Cleo@agency.example" }],
      projectOptions: { color: "#FF0000" },
    });
    expect(statSync(configPath).mode & 0o777).toBe(0o640);
    const config = loadConfig(configPath, { SRC_CLOCKIFY_API_KEY: "k", OTHER_KEY: "o" });
    expect(config.pairs[1]?.members).toEqual([
      { source: w.user.id, destination: w.user.id, field: "users[0]" },
      { source: "Cleo@agency.example", destination: "Cleo@agency.example", field: "users[1]" },
    ]);
    expect(lines).toContain('✔ added Cleo@agency.example to pair "customer-co" as users[1] in ' + configPath);
    // Doctor's checks end it, judging the new member by the id the email stands for.
    if (result.checks === "failed") throw new Error(`the checks did not run: ${warnings.join("\n")}`);
    expect(result.checks.find((c) => c.check === "destination.user[1]")).toMatchObject({ level: "ok", message: expect.stringContaining(`(user id ${cleo.id})`) });
  });

  it("a pair already in the users form gets one more entry; --destination-member names someone else there", async () => {
    oneUserFile();
    await runSetup(deps(new ScriptedPrompts([]), adding(cleo.email), { interactive: false }));
    w.sim.world.addMember(w.destination.workspaceId, bob.id);
    const result = await runSetup(deps(new ScriptedPrompts([]), adding(bob.email, { destinationMember: bob.id }), { interactive: false }));
    expect(result.member).toEqual({ field: "users[2]", sourceUserId: bob.id, destinationUserId: bob.id });
    expect(rawConfig().pairs[1]?.["users"]).toEqual([{ source: w.user.id }, { source: cleo.email }, { source: bob.email, destination: bob.id }]);
  });

  it("an email that is not a member of the destination workspace: an error naming both, the file unchanged", async () => {
    const before = oneUserFile();
    const run = runSetup(deps(new ScriptedPrompts([]), adding(bob.email), { interactive: false }));
    await expect(run).rejects.toThrow(SetupError);
    await expect(run).rejects.toThrow(
      `${bob.email}: no member of the destination workspace "Customer" (${w.destination.workspaceId}) has this email. Invite them to that workspace in Clockify`,
    );
    expect(readFileSync(configPath, "utf8")).toBe(before);
    await expect(runSetup(deps(new ScriptedPrompts([]), adding("nobody@agency.example"), { interactive: false }))).rejects.toThrow(
      `nobody@agency.example: no member of the source workspace "Agency" (${w.source.workspaceId}) has this email`,
    );
    expect(readFileSync(configPath, "utf8")).toBe(before);
  });

  it("refuses someone the pair mirrors already, by the id their email stands for or by the email itself", async () => {
    const before = oneUserFile();
    await expect(runSetup(deps(new ScriptedPrompts([]), adding("ADA@example.com"), { interactive: false }))).rejects.toThrow(
      `ADA@example.com is already mirrored by pair "customer-co" (source.userId ${w.user.id}); nothing was written`,
    );
    expect(readFileSync(configPath, "utf8")).toBe(before);
    await runSetup(deps(new ScriptedPrompts([]), adding(cleo.email), { interactive: false }));
    const after = readFileSync(configPath, "utf8");
    await expect(runSetup(deps(new ScriptedPrompts([]), adding("cleo@AGENCY.example"), { interactive: false }))).rejects.toThrow(
      `cleo@AGENCY.example is already mirrored by pair "customer-co" (users[1].source ${cleo.email})`,
    );
    expect(readFileSync(configPath, "utf8")).toBe(after);
  });

  it("an unknown pair, or no file at all: a usage error, nothing written", async () => {
    await expect(runSetup(deps(new ScriptedPrompts([]), adding(cleo.email), { interactive: false }))).rejects.toThrow(/does not exist, so it has no pair "customer-co"/);
    expect(existsSync(configPath)).toBe(false);
    const before = oneUserFile();
    await expect(runSetup(deps(new ScriptedPrompts([]), adding(cleo.email, { pair: "acme" }), { interactive: false }))).rejects.toThrow(
      'no pair "acme" in the config file; it has "other", "customer-co". Nothing was written',
    );
    expect(readFileSync(configPath, "utf8")).toBe(before);
  });

  it("interactive: with a pair in the file, setup offers to add a member to it", async () => {
    oneUserFile();
    const prompts = new ScriptedPrompts([
      pick('Add a member to pair "customer-co"'),
      cleo.email, // their email in the source workspace
      accept, // the same email in the destination
      true, // write
    ]);
    const result = await runSetup(deps(prompts));
    expect(prompts.remaining).toBe(0);
    expect(prompts.asked[0]?.default).toBeNull();
    expect(prompts.asked[0]?.choices?.map((c) => c.name)).toEqual(['Add a member to pair "other"', 'Add a member to pair "customer-co"', "Set up a new pair"]);
    expect(prompts.asked[3]?.message).toBe(`Add ${cleo.email} as users[1] of pair "customer-co" in ${configPath}?`);
    expect(result.member?.sourceUserId).toBe(cleo.id);
    expect(rawConfig().pairs[1]?.["users"]).toEqual([{ source: w.user.id }, { source: cleo.email }]);
  });

  it("as a command: --add-member with --pair and --yes writes it; without --pair or --yes it exits 2 and the file stays", async () => {
    const before = oneUserFile();
    const noPair = await setupCli(["--add-member", cleo.email, "--yes"]);
    expect(noPair.code).toBe(2);
    expect(noPair.stderr).toContain("--add-member needs --pair <id>");
    const noYes = await setupCli(["--pair", "customer-co", "--add-member", cleo.email]);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain("missing --yes");
    const mixed = await setupCli(["--pair", "customer-co", "--add-member", cleo.email, "--client", "Customer Co", "--yes"]);
    expect(mixed.code).toBe(2);
    expect(readFileSync(configPath, "utf8")).toBe(before);
    const added = await setupCli(["--pair", "customer-co", "--add-member", cleo.email, "--yes"]);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain(`✔ added ${cleo.email} to pair "customer-co" as users[1]`);
    expect(rawConfig().pairs[1]?.["users"]).toEqual([{ source: w.user.id }, { source: cleo.email }]);
  });
});

describe("npm run setup, after writing", () => {
  const unattended = (extra: SetupFlags = {}): SetupFlags => ({
    sourceWorkspace: "Agency",
    client: "Customer Co",
    destinationWorkspace: "Customer",
    pair: "acme",
    webhooks: false,
    reconcile: false,
    yes: true,
    ...extra,
  });
  const reloadLine =
    "The config file changed: a service already running must reload it; a running service picks this up on SIGHUP: " +
    'systemctl reload clockify-sync / kill -HUP $(pgrep -f "clockify-sync.js serve") / docker kill -s HUP clockify-sync, or the status page\'s Reload button.';

  it("ends with doctor's checklist of the new pair; a new file needs no reload, only a start", async () => {
    const result = await runSetup(deps(new ScriptedPrompts([]), unattended(), { interactive: false }));
    expect(result.reload).toBe("new file");
    expect(lines).toContain("Next: start the service with `npm start` (or `npm run dev`).");
    expect(lines).not.toContain(reloadLine);
    if (result.checks === "failed") throw new Error(`the checks did not run: ${warnings.join("\n")}`);
    expect(result.checks.length).toBeGreaterThan(0);
    expect(new Set(result.checks.map((check) => check.pairId))).toEqual(new Set(["acme"]));
    const heading = lines.indexOf('Checks of pair "acme" (again any time: npm run doctor -- --pair acme):');
    expect(heading).toBeGreaterThan(lines.indexOf("Next: start the service with `npm start` (or `npm run dev`)."));
    expect(lines.slice(heading + 1)).toEqual([formatChecklist(result.checks)]);
  });

  it("a changed file: says a running service must reload, and how", async () => {
    writeFileSync(
      configPath,
      JSON.stringify({ pairs: [{ id: "other", source: { apiKey: "${OTHER}", workspaceId: "a", userId: "u", clientId: "c" }, destination: { workspaceId: "b" } }] }),
    );
    const result = await runSetup(deps(new ScriptedPrompts([]), unattended(), { interactive: false }));
    expect(result.reload).toBe("needed");
    expect(lines).toContain(reloadLine);
  });

  it("the same pair written again: the file is unchanged and no reload is needed", async () => {
    await runSetup(deps(new ScriptedPrompts([]), unattended(), { interactive: false }));
    lines = [];
    const again = await runSetup(deps(new ScriptedPrompts([]), unattended({ replace: true }), { interactive: false }));
    expect(again).toMatchObject({ replaced: true, reload: "not needed" });
    expect(lines).toContain("The config file is unchanged: a running service need not reload.");
    expect(lines).not.toContain(reloadLine);
  });

  it("warns when another pair keeps a literal key in a file others can read", async () => {
    writeFileSync(
      configPath,
      JSON.stringify({ pairs: [{ id: "other", source: { apiKey: "literal-key-1234", workspaceId: "a", userId: "u", clientId: "c" }, destination: { workspaceId: "b" } }] }),
    );
    chmodSync(configPath, 0o644);
    await runSetup(deps(new ScriptedPrompts([]), unattended(), { interactive: false }));
    expect(statSync(configPath).mode & 0o777).toBe(0o644);
    expect(warnings.join("\n")).toContain(
      `config file ${configPath} holds an API key in plain text (pairs[0].source.apiKey) and is readable by group and others (mode 0644): run chmod 600 ${configPath}`,
    );
    expect([...lines, ...warnings].join("\n")).not.toContain("literal-key-1234");
  });

  it("a file holding the original tool's secret on its own is written back wrapped, as pair-1, beside the new pair", async () => {
    const secret = {
      time_entry_source_workspace_id: w.source.workspaceId,
      time_entry_source_client_id: w.source.clientId,
      time_entry_destination_workspace_id: w.destination.workspaceId,
      user_id: w.user.id,
      token: "${SRC_CLOCKIFY_API_KEY}",
      project_options: '{"color": "#FF0000"}',
    };
    writeFileSync(configPath, JSON.stringify(secret));
    const result = await runSetup(deps(new ScriptedPrompts([]), unattended(), { interactive: false }));
    expect(result).toMatchObject({ pairId: "acme", exitCode: 0, reload: "needed" });
    expect(lines).toContain('  it holds the original tool\'s secret on its own; setup writes it back wrapped in "pairs", as pair "pair-1"');
    expect(rawConfig().pairs[0]).toEqual({ id: "pair-1", ...secret });
    const config = loadConfig(configPath, { SRC_CLOCKIFY_API_KEY: "k" });
    expect(config.pairs.map((p) => p.id)).toEqual(["pair-1", "acme"]);
  });
});

describe("npm run setup through the real terminal prompts", () => {
  it("is driven by keystrokes: arrows and Enter in lists, a masked key, y/n confirmations", async () => {
    const term = new FakeTerminal();
    const env = environment();
    delete env["SRC_CLOCKIFY_API_KEY"];
    const run = runSetup(deps(inquirerPrompts({ input: term.input, output: term.output }), {}, { env }));

    await term.answer("API key of the source account", [...w.user.apiKey, ENTER]);
    await term.answer("Source workspace", [ENTER]); // Agency, the first
    await term.answer("Client in", [DOWN, UP, ENTER]); // Customer Co
    await term.answer("Destination workspace", [ENTER]); // Agency: refused, asked again
    await term.answer("Destination workspace", [DOWN, ENTER]); // Customer
    await term.answer("Source user", [ENTER]); // the key's owner, preselected
    await term.answer("Destination user", [ENTER]);
    await term.answer("Pair id", [TAB, ..."-x", ENTER]); // Tab takes the suggested id, then it is edited
    await term.answer("Write pair", [ENTER]); // default yes
    await term.answer("Register Clockify webhooks", ["n", ENTER]);
    await term.answer("Run the first reconciliation", ["n", ENTER]);
    const result = await run;

    expect(result.pairId).toBe("customer-co-x");
    expect(rawConfig().pairs[0]).toMatchObject({
      id: "customer-co-x",
      source: { apiKey: w.user.apiKey, workspaceId: w.source.workspaceId, clientId: w.source.clientId },
      destination: { workspaceId: w.destination.workspaceId },
    });
    expect(warnings.join("\n")).toContain('"Agency" is the source workspace');
    // The key was typed behind a mask.
    expect(term.text).not.toContain(w.user.apiKey);
    expect(term.text).toContain("*".repeat(w.user.apiKey.length));
  });
});

// ---- helpers ----

const ENTER = "\r";
const TAB = "\t";
const DOWN = "\u001b[B";
const UP = "\u001b[A";

/** A terminal for @inquirer/prompts: keystrokes go in, screen output is collected without colours. */
class FakeTerminal {
  readonly input = new PassThrough();
  readonly output = new PassThrough();
  text = "";
  private seen = 0;

  constructor() {
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[[0-9;?]*[A-Za-z]/g;
    this.output.on("data", (chunk: Buffer) => (this.text += chunk.toString().replace(ansi, "")));
  }

  /** Waits until the prompt `question` is on screen (after the previous answer), types `keys`, waits for its answer line. */
  async answer(question: string, keys: string[]): Promise<void> {
    const asked = await this.waitFor(`? ${question}`, this.seen);
    for (const key of keys) {
      this.input.write(key);
      await sleep(5);
    }
    // inquirer redraws an answered prompt as "✔ question answer".
    this.seen = (await this.waitFor(`✔ ${question}`, asked)) + 1;
  }

  private async waitFor(text: string, from: number): Promise<number> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const at = this.text.indexOf(text, from);
      if (at >= 0) return at;
      if (Date.now() > deadline) throw new Error(`"${text}" did not appear; screen since then:\n${this.text.slice(from)}`);
      await sleep(5);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function setupCli(args: string[]): Promise<CliResult> {
  return runClockifySync(["setup", ...args], { ...environment(), CLOCKIFY_SYNC_CONFIG: configPath, LOG_LEVEL: "", NO_COLOR: "1" }, { stdin: "closed" });
}
