import { ClockifyError } from "../../clockify/errors.js";
import type { Project } from "../../clockify/schemas.js";
import { findProjectMappingBySourceId } from "../../db/project-map.js";
import type { Outcome } from "../outcome.js";
import { projectLockKey, type PairRuntime } from "../pair-runtime.js";
import { mapProject } from "./mapping.js";
import { destinationProjectRequest, pickTwin, planDestinationProject } from "./plan.js";

export type DestinationProjectResult =
  | { kind: "mapped"; destinationProjectId: string; outcome: Outcome }
  | { kind: "missing" };

/**
 * The destination project for a source project of the pair's client: mapped already, matched by name,
 * or (when the pair allows it) created, under the pair's destination client if it has one. Serialised per name so concurrent entries create it once. The
 * only place that writes projects to the destination.
 */
export function ensureDestinationProject(runtime: PairRuntime, source: { id: string; name: string }): Promise<DestinationProjectResult> {
  return runtime.locks.run(projectLockKey(runtime.pair.id, source.name), async () => {
    const { database, pair } = runtime;
    const mapped = await findProjectMappingBySourceId(database, pair.id, source.id);
    const decision = planDestinationProject({
      mappedDestinationId: mapped?.destinationProjectId,
      sameNamed: mapped ? [] : await runtime.destinationCatalog.projectsNamed(source.name),
      mayCreate: pair.createMissingDestinationProjects,
      destinationClientId: pair.destination.clientId,
    });
    switch (decision.kind) {
      case "existing":
        return mappedTo(decision.destinationProjectId, "unchanged");
      case "match":
        await mapProject(runtime, source.id, decision.destinationProjectId, source.name, "destination");
        return mappedTo(decision.destinationProjectId, "mapped");
      case "missing":
        return { kind: "missing" };
      case "create":
        return createDestinationProject(runtime, source);
    }
  });
}

async function createDestinationProject(runtime: PairRuntime, source: { id: string; name: string }): Promise<DestinationProjectResult> {
  let created: Project;
  try {
    created = await runtime.destination.createProject(runtime.pair.destination.workspaceId, destinationProjectRequest(source.name, runtime.pair));
  } catch (error) {
    // A create whose answer was lost may have made the project, and sending it again is then refused
    // ("already exists", a 400 that would dead-letter the entry). Either way the cached list is stale:
    // look again by name; only when the project really is not there is this a failure.
    if (!(error instanceof ClockifyError) || !(error.mayHaveExecuted || error.kind === "invalid")) throw error;
    runtime.destinationCatalog.invalidateProjects();
    const made = pickTwin(await runtime.destinationCatalog.projectsNamed(source.name), runtime.pair.destination.clientId);
    if (!made) throw error;
    // Refused without a doubt (a 4xx on every attempt): someone else made it meanwhile.
    const ours = error.mayHaveExecuted;
    await mapProject(runtime, source.id, made.id, source.name, ours ? "source" : "destination");
    runtime.logger.info({ project: source.name, destinationProjectId: made.id }, "found the destination project after its create failed");
    return mappedTo(made.id, ours ? "created" : "mapped");
  }
  runtime.destinationCatalog.rememberProject(created);
  await mapProject(runtime, source.id, created.id, source.name, "source");
  runtime.logger.info({ project: source.name, destinationProjectId: created.id }, "created destination project");
  return mappedTo(created.id, "created");
}

function mappedTo(destinationProjectId: string, kind: "unchanged" | "mapped" | "created"): DestinationProjectResult {
  return { kind: "mapped", destinationProjectId, outcome: { kind, counterpartId: destinationProjectId } };
}
