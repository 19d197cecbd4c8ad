import { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../config/errors.js";
import { startSimulator, type Simulator } from "../sandbox/index.js";
import { choosePort } from "./port.js";
import { isAddressInUse, portInUseMessage, runCommand, stopped } from "./run.js";

const DEFAULT_PORT = 8787;
/**
 * The time part of the seeded world's ids (2025-01-01T00:00:00Z): with the seed fixing the rest, Ada's,
 * Grace's and the workspaces' ids are the same on every start, like their keys.
 */
const SEEDED_ID_EPOCH_SECONDS = Date.UTC(2025, 0, 1) / 1000;

const flagsSchema = z.object({
  port: z.string().optional(),
  host: z.string().min(1, { error: "--host: expected an address such as 127.0.0.1" }),
  seed: z
    .string()
    .regex(/^[0-9]{1,9}$/, { error: "--seed: expected a whole number such as 1" })
    .transform(Number),
});

/**
 * `clockify-sync simulator [--port 8787] [--host 127.0.0.1] [--seed 1]`: the Clockify simulator with a
 * small world for demos and manual poking. Keys and ids are fixed per seed, so a config file written
 * against one run keeps working on the next.
 */
export function simulatorCommand(): Command {
  return new Command("simulator")
    .description("run the built-in Clockify simulator with a small world (keys and ids fixed per seed)")
    .option("--port <port>", `port to listen on (default: PORT, else ${DEFAULT_PORT}; 0 picks a free one)`)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--seed <n>", "the world's seed: the same seed gives the same ids", "1")
    .action((raw: unknown) => runCommand((stop) => simulate(raw, stop), { graceful: true }));
}

async function simulate(raw: unknown, stop: AbortSignal): Promise<number> {
  const parsed = flagsSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
  const { host, seed } = parsed.data;
  const { port } = choosePort(parsed.data.port, process.env.PORT, DEFAULT_PORT);
  let sim: Simulator;
  try {
    sim = await startSimulator({ port, host, seed, idEpochSeconds: SEEDED_ID_EPOCH_SECONDS });
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    console.error(`error: ${portInUseMessage(port, host)}`);
    return 1;
  }
  seedAndPrint(sim);
  await stopped(stop);
  await sim.close();
  return 0;
}

function seedAndPrint(sim: Simulator): void {
  const { world } = sim;
  const ada = world.addUser({ name: "Ada Lovelace", email: "ada@example.com", apiKey: "sim-key-ada-lovelace-0000000000000000" });
  const grace = world.addUser({ name: "Grace Hopper", email: "grace@example.com", apiKey: "sim-key-grace-hopper-0000000000000000" });
  const agency = world.addWorkspace({ name: "Agency", ownerId: ada.id, plan: "PRO" });
  const customer = world.addWorkspace({ name: "Customer", ownerId: ada.id, plan: "PRO" });
  world.addMember(agency.id, grace.id, "MEMBER");

  const customerCo = world.addClient(agency.id, { name: "Customer Co" });
  const someoneElse = world.addClient(agency.id, { name: "Someone Else" });
  const website = world.addProject(agency.id, { name: "Website redesign", clientId: customerCo.id, color: "#2196F3" });
  world.addProject(agency.id, { name: "Support retainer", clientId: customerCo.id, color: "#4CAF50" });
  world.addProject(agency.id, { name: "Mobile app", clientId: someoneElse.id, color: "#FF9800" });
  world.addProject(agency.id, { name: "Internal", color: "#607D8B", billable: false });
  world.addTask(agency.id, website.id, { name: "Design" });
  world.addTask(agency.id, website.id, { name: "Development" });
  world.addTag(agency.id, { name: "meeting" });
  world.addClient(customer.id, { name: "Agency" });
  // What is made from here on (through the API) carries its creation time, as in Clockify.
  sim.idsFollowClock();

  console.log(`Clockify simulator listening on ${sim.url}`);
  console.log(`  API base URL : ${sim.apiBaseUrl}`);
  console.log(`  Ada Lovelace : id ${ada.id}, X-Api-Key ${ada.apiKey} (owner of both workspaces)`);
  console.log(`  Grace Hopper : id ${grace.id}, X-Api-Key ${grace.apiKey} (member of Agency)`);
  console.log(`  Agency       : ${agency.id} (PRO), client "Customer Co" ${customerCo.id}`);
  console.log(`  Customer     : ${customer.id} (PRO)`);
  console.log("Ctrl-C to stop.");
}
