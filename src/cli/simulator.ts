import { parseArgs } from "node:util";
import { UsageError } from "../config/errors.js";
import { startSimulator } from "../sandbox/index.js";
import { runCli, stopped } from "./run.js";

function flags() {
  try {
    return parseArgs({
      options: {
        port: { type: "string", default: "8787" },
        host: { type: "string", default: "127.0.0.1" },
        seed: { type: "string", default: "1" },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Runs the Clockify simulator with a small world for demos and manual poking:
 *   npm run simulator -- [--port 8787] [--host 127.0.0.1] [--seed 1]
 * Keys are fixed so a config file written against one run keeps working on the next.
 */
runCli(async (stop) => {
  const values = flags();
  const sim = await startSimulator({ port: Number(values.port), host: values.host, seed: Number(values.seed) });
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

  console.log(`Clockify simulator listening on ${sim.url}`);
  console.log(`  API base URL : ${sim.apiBaseUrl}`);
  console.log(`  Ada Lovelace : id ${ada.id}, X-Api-Key ${ada.apiKey} (owner of both workspaces)`);
  console.log(`  Grace Hopper : id ${grace.id}, X-Api-Key ${grace.apiKey} (member of Agency)`);
  console.log(`  Agency       : ${agency.id} (PRO), client "Customer Co" ${customerCo.id}`);
  console.log(`  Customer     : ${customer.id} (PRO)`);
  console.log("Ctrl-C to stop.");

  await stopped(stop);
  await sim.close();
  return 0;
}, { graceful: true });
