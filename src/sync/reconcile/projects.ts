import type { Project } from "../../clockify/schemas.js";
import { clearProjectConflict, listProjectConflicts, listProjectMappings } from "../../db/project-map.js";
import type { PairRuntime } from "../pair-runtime.js";
import { planProjectChanges, type ProjectChange } from "../projects/plan.js";
import { applySourceProjectChange } from "../projects/source-projects.js";
import { liveReads, type RunReads } from "./reads.js";

export interface ProjectFailure {
  project: string;
  error: string;
}

export interface ProjectStep {
  changes: ProjectChange[];
  failures: ProjectFailure[];
  destinationProjects: Project[];
}

/**
 * Projects, destination → source: the same planner as the webhook path, over every destination project.
 * Each change is applied on its own: a project that cannot be written is a failure of that project,
 * never a reason to leave the pair's entries unreconciled. Before anything is written both workspaces
 * have answered a read and the source client is confirmed: a misconfigured pair stops here, whole.
 */
export async function reconcileProjects(runtime: PairRuntime, dryRun: boolean, reads: RunReads = liveReads): Promise<ProjectStep> {
  const { pair, database } = runtime;
  const destinationProjects = await reads.destinationProjects(runtime);
  runtime.destinationCatalog.prime(destinationProjects);
  const listed = await reads.sourceProjects(runtime);
  const sourceProjects = listed.filter((p) => p.clientId === pair.source.clientId);
  // A project of the client listed in the workspace proves the client is there; an empty list does not
  // (a foreign client id lists nothing too), and then one read of the client tells.
  if (sourceProjects.length > 0) runtime.sourceClientSeen();
  else await runtime.confirmSourceClient();
  const changes = planProjectChanges(destinationProjects, sourceProjects, await listProjectMappings(database, pair.id), pair.destination.clientId);
  const failures: ProjectFailure[] = [];
  if (dryRun) return { changes, failures, destinationProjects };

  for (const [i, change] of changes.entries()) {
    try {
      const outcome = await applySourceProjectChange(runtime, change.destination, change, sourceProjects);
      // A rename Clockify refused as a clash the listing could not show: reported as the conflict it is.
      if (outcome.kind === "conflict" && change.kind === "rename") {
        changes[i] = { kind: "conflict", destination: change.destination, sourceProjectId: change.sourceProjectId, sourceName: change.from, heldBy: null };
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ project: change.destination.name, error: message });
      runtime.logger.error({ project: change.destination.name, change: change.kind, err: message }, "project change failed");
    }
  }
  // A conflict the listing no longer shows (renamed back, the other project renamed or deleted) is settled.
  const stillConflicting = new Set(changes.flatMap((c) => (c.kind === "conflict" ? [c.sourceProjectId] : [])));
  const listedDestinations = new Set(destinationProjects.map((p) => p.id));
  for (const mapping of await listProjectConflicts(database, pair.id)) {
    if (stillConflicting.has(mapping.sourceProjectId) || !listedDestinations.has(mapping.destinationProjectId)) continue;
    await clearProjectConflict(database, pair.id, mapping.sourceProjectId);
  }
  return { changes, failures, destinationProjects };
}
