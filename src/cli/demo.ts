import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../config/errors.js";
import { parseConfig } from "../config/index.js";
import { openAndMigrate } from "../db/migrate.js";
import { demoDay, expectedEndOfDay, seedDemoWorld, type DemoStep } from "../demo/day.js";
import { createLogger } from "../observability/logger.js";
import { startSimulator, type TimeEntryDto } from "../sandbox/index.js";
import { createService } from "../service.js";
import { registerWebhooks } from "../webhooks/registration/register.js";
import { choosePort, portIsFree, type PortChoice } from "./port.js";
import { isAddressInUse, portInUseMessage, runCommand, stopped } from "./run.js";

const DEFAULT_PORT = 8080;
const HOST = "127.0.0.1";

const flagsSchema = z.object({
  once: z.boolean().optional(),
  port: z.string().optional(),
});

/** `clockify-sync demo [--once] [--port N]` */
export function demoCommand(): Command {
  return new Command("demo")
    .description("play a day of time tracking against the built-in Clockify simulator and watch it mirrored")
    .option("--once", "run the script, exit 0 when the destination matches")
    .option("--port <port>", `status page port (default: PORT, else ${DEFAULT_PORT} or, when that is taken, a free one)`)
    .action((raw: unknown) =>
      runCommand(async (stop) => {
        const parsed = flagsSchema.safeParse(raw);
        if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
        const port = choosePort(parsed.data.port, process.env.PORT, DEFAULT_PORT);
        return demo({ once: parsed.data.once ?? false, port }, stop);
      }, { graceful: true }),
    );
}

/**
 * The port the status page gets, and what to say about it: a port that was asked for is used or refused
 * (undefined, after saying so); the default gives way to a free one when it is taken.
 */
async function statusPort(choice: PortChoice): Promise<{ port: number; note: string } | undefined> {
  if (await portIsFree(choice.port, HOST)) return { port: choice.port, note: "" };
  if (!choice.asked) return { port: 0, note: ` (port ${choice.port} is in use, so a free one was picked; choose with --port N or PORT=N)` };
  console.error(`error: ${portInUseMessage(choice.port, HOST)}`);
  return undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `clockify-sync demo`: the whole product against the built-in Clockify simulator, no account needed. Two
 * workspaces, the service with a temp database, webhooks registered through the (simulated) API, then a
 * user's day played in the agency workspace, each mirrored change printed as it lands. A stop (Ctrl-C,
 * SIGTERM, or the reader of stdout gone, as in `npm run demo | head -3`) ends the day early and cleans up.
 */
async function demo(flags: { once: boolean; port: PortChoice }, stop: AbortSignal): Promise<number> {
  const out = (line = "") => process.stdout.write(`${line}\n`);
  const listenOn = await statusPort(flags.port);
  if (!listenOn) return 1;
  const sim = await startSimulator({ webhookRetryDelayMs: 1000 });
  const w = seedDemoWorld(sim);
  const dir = await mkdtemp(join(tmpdir(), "clockify-sync-demo-"));
  const database = openAndMigrate(join(dir, "demo.db"));
  const config = parseConfig(
    {
      pairs: [
        {
          id: "demo",
          source: { apiKey: w.apiKey, workspaceId: w.source.workspaceId, userId: w.userId, clientId: w.source.clientId },
          destination: { workspaceId: w.destination.workspaceId },
          projectOptions: { color: "#9C27B0" },
        },
      ],
      clockify: { requestsPerSecond: 50 },
    },
    {},
  );
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? "warn", name: "demo" });
  const service = createService({ config, apiUrl: sim.apiBaseUrl, database, logger, worker: { pollMs: 100 } });
  const shutdown = async () => {
    await service.stop();
    await sim.close();
    database.close();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    // Checked free a moment ago; taken since then is rare and gets the same answer.
    const server = await service.listen(listenOn.port, HOST).catch((error: unknown) => {
      if (!isAddressInUse(error)) throw error;
      console.error(`error: ${portInUseMessage(listenOn.port, HOST)}`);
      return undefined;
    });
    if (!server) return 1;
    const base = `http://${HOST}:${(server.address() as AddressInfo).port}`;
    out("clockify-sync demo: a simulated Clockify with two workspaces, no account needed");
    out(`  Agency   (source)      ${w.source.workspaceId}  client "Customer Co"`);
    out(`  Customer (destination) ${w.destination.workspaceId}`);
    const report = await registerWebhooks({ config, database, apiUrl: sim.apiBaseUrl, url: `${base}/webhooks/clockify`, logger });
    await service.tokens.reload();
    out(`  webhooks registered: ${report.workspaces.map((r) => `${r.registered.length + r.existing.length} in ${r.workspaceId}`).join(", ")}`);
    out(`  status page: ${base}/${listenOn.note}`);
    out();
    out("A day in the Agency workspace:");

    const idle = async () => {
      await sim.deliveries.idle();
      await service.worker.idle();
    };
    const failures = await playDay(demoDay(w), idle, stop, out);
    if (failures === undefined) return 0;
    await idle();
    if (stop.aborted) return 0;
    const matches = printEndOfDay(sim.world.listTimeEntries(w.destination.workspaceId), failures, out);
    if (flags.once) return matches ? 0 : 1;

    out();
    out(`Status page: ${base}/   (Ctrl-C to stop)`);
    await stopped(stop);
    return 0;
  } finally {
    await shutdown();
  }
}

type Print = (line?: string) => void;

/** Plays the day's steps, each printed once its change has landed (or not, within 10 s); undefined when stopped. */
async function playDay(steps: readonly DemoStep[], idle: () => Promise<void>, stop: AbortSignal, out: Print): Promise<number | undefined> {
  let failures = 0;
  for (const step of steps) {
    if (stop.aborted) return undefined;
    const started = performance.now();
    step.run();
    let landed = false;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !stop.aborted) {
      if (step.nothing) {
        await idle();
        await sleep(20);
        await idle();
        landed = step.landed();
        break;
      }
      if (step.landed()) {
        landed = true;
        break;
      }
      await sleep(2);
    }
    if (stop.aborted) return undefined;
    const ms = Math.round(performance.now() - started);
    if (!landed) failures++;
    out(`  ${landed ? "✓" : "✗"} ${step.action}\n      → ${step.expect}${step.nothing ? "" : ` (${ms} ms)`}`);
  }
  return failures;
}

/** Prints the destination's entries; true when they are exactly the expected day and every step landed. */
function printEndOfDay(copies: readonly TimeEntryDto[], failures: number, out: Print): boolean {
  const expected = expectedEndOfDay();
  const matches =
    copies.length === expected.size &&
    copies.every((c) => {
      const want = expected.get(c.description);
      return want !== undefined && want[0] === c.timeInterval.start && want[1] === c.timeInterval.end;
    });
  out();
  out(`Customer workspace now holds ${copies.length} entries: ${matches && failures === 0 ? "exactly the expected day" : "NOT what was expected"}.`);
  for (const c of copies) out(`  ${c.timeInterval.start} – ${c.timeInterval.end}  ${c.description}`);
  return matches && failures === 0;
}
