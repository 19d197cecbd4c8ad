/**
 * Child process of the reconciliation benchmark: the simulator alone, seeded, answering on loopback. It
 * lives in its own process so the measured process's RSS is the service's, not the simulator's two
 * workspaces of 100,000 entries each. `reconcile-simulator.bench-run.ts <count> <source|both>`; sends
 * { ready, env } and answers { id, cmd: "reset" | "stats" } over IPC.
 */
import { startTwoWorkspaces } from "../helpers/world.js";
import { ENTRY_LIST, entryListPages, PROJECT_LIST, seedBase, seedEntries, writes } from "../reconcile/support.js";

export interface SimulatorStats {
  requests: number;
  byRoute: Record<string, number>;
  sourcePages: number;
  destinationPages: number;
  projectLists: number;
  entryLists: number;
  writes: number;
}

export interface SimulatorReady {
  ready: true;
  apiBaseUrl: string;
  user: { id: string; apiKey: string };
  source: { workspaceId: string; clientId: string };
  destination: { workspaceId: string };
}

const count = Number(process.argv[2] ?? "10000");
const seedDestination = process.argv[3] === "both";

const env = await startTwoWorkspaces();
const { world, stats } = env.sim;
const project = world.addProject(env.source.workspaceId, { name: "Big", clientId: env.source.clientId });
const destinationProject = world.addProject(env.destination.workspaceId, { name: "Big" });
// The run's window is 10 days; 100,000 entries need a start every 6 s to fit.
const shape = count > 20_000 ? { stepMs: 6_000, durationMs: 5_000 } : { stepMs: 50_000, durationMs: 40_000 };
const from = seedBase();
seedEntries(env, env.source.workspaceId, project.id, count, { ...shape, from, prefix: "bulk" });
if (seedDestination) seedEntries(env, env.destination.workspaceId, destinationProject.id, count, { ...shape, from, prefix: "bulk" });

const snapshot = (): SimulatorStats => {
  const pages = entryListPages(env.sim);
  return {
    requests: stats.count(),
    byRoute: stats.byRoute(),
    sourcePages: pages.source,
    destinationPages: pages.destination,
    projectLists: stats.count(PROJECT_LIST),
    entryLists: stats.count(ENTRY_LIST),
    writes: writes(env.sim).length,
  };
};

process.on("message", (m: { id: number; cmd: "reset" | "stats" | "exit" }) => {
  if (m.cmd === "reset") stats.reset();
  if (m.cmd === "exit") {
    void env.sim.close().then(() => process.exit(0));
    return;
  }
  process.send?.({ id: m.id, stats: m.cmd === "stats" ? snapshot() : undefined });
});
// The measuring process goes away without a goodbye when it fails: then so does this one.
process.on("disconnect", () => process.exit(0));

const ready: SimulatorReady = {
  ready: true,
  apiBaseUrl: env.sim.apiBaseUrl,
  user: env.user,
  source: { workspaceId: env.source.workspaceId, clientId: env.source.clientId },
  destination: env.destination,
};
process.send?.(ready);
