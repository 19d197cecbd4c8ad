import { ClockifyError } from "../../clockify/errors.js";
import type { Project } from "../../clockify/schemas.js";
import {
  clearProjectConflict,
  deleteProjectMapping,
  findProjectMappingByDestinationId,
  findProjectMappingBySourceId,
  recordProjectConflict,
} from "../../db/project-map.js";
import type { Outcome } from "../outcome.js";
import { projectLockKey, type PairRuntime } from "../pair-runtime.js";
import { mapProject } from "./mapping.js";
import { describeProjectConflict, outsideDestinationClient, planSourceProject, type SourceProjectDecision } from "./plan.js";

/** `clientId` undefined: not known (a caller that did not read it). */
type DestinationProject = Pick<Project, "id" | "name" | "archived"> & { clientId?: string | null | undefined };

/**
 * The webhook path for a destination project event: gathers what the planner needs (a source listing
 * only when the name is new to the map), asks it, and carries the answer out.
 */
export function mirrorDestinationProject(runtime: PairRuntime, destination: DestinationProject): Promise<Outcome> {
  return runtime.locks.run(projectLockKey(runtime.pair.id, destination.name), async () => {
    const { database, pair } = runtime;
    const mapping = await findProjectMappingByDestinationId(database, pair.id, destination.id);
    const settled = mapping !== undefined && mapping.name === destination.name;
    const sameNamed = settled ? [] : await sourceProjectsNamed(runtime, destination.name);
    const claimed = new Set<string>();
    for (const p of sameNamed) {
      const other = await findProjectMappingBySourceId(database, pair.id, p.id);
      if (other && other.destinationProjectId !== destination.id) claimed.add(p.id);
    }
    const decision = planSourceProject({ destination, mapping, sameNamed, claimed, destinationClientId: pair.destination.clientId });
    return writeSourceProject(runtime, destination, decision);
  });
}

/** Carries out a run's decision for one destination project, under the same lock as the webhook path. */
export function applySourceProjectChange(
  runtime: PairRuntime,
  destination: DestinationProject,
  decision: SourceProjectDecision,
  /** The client's source projects the run listed: a create adds to them. */
  sourceProjects?: Project[],
): Promise<Outcome> {
  // A run planned without the pair's destination client must still not mirror another client's project.
  if (outsideDestinationClient(destination, runtime.pair.destination.clientId) && decision.kind !== "unchanged") {
    return Promise.resolve({ kind: "skipped", reason: "under another destination client" });
  }
  return runtime.locks.run(projectLockKey(runtime.pair.id, destination.name), () =>
    writeSourceProject(runtime, destination, decision, sourceProjects),
  );
}

/** The only place that writes projects to the source workspace. */
async function writeSourceProject(
  runtime: PairRuntime,
  destination: DestinationProject,
  decision: SourceProjectDecision,
  sourceProjects?: Project[],
): Promise<Outcome> {
  const { database, pair } = runtime;
  switch (decision.kind) {
    case "unchanged":
      if (await clearProjectConflict(database, pair.id, decision.sourceProjectId)) {
        runtime.logger.info({ project: destination.name }, "project name conflict settled");
      }
      return { kind: "unchanged", counterpartId: decision.sourceProjectId };
    case "ignore":
      return { kind: "skipped", reason: decision.reason };
    case "conflict":
      return conflict(runtime, destination, decision.sourceProjectId, decision.sourceName);
    case "map":
      await mapProject(runtime, decision.sourceProjectId, destination.id, destination.name, "destination");
      return { kind: "mapped", counterpartId: decision.sourceProjectId };
    case "rename": {
      // A run planned from a listing: if a webhook re-pointed the destination project since, the plan
      // is stale and renaming would undo that; the next run decides again.
      const mapping = await findProjectMappingByDestinationId(database, pair.id, destination.id);
      if (mapping?.sourceProjectId !== decision.sourceProjectId) return { kind: "skipped", reason: "changed since the listing" };
      try {
        await runtime.source.updateProject(pair.source.workspaceId, decision.sourceProjectId, { name: destination.name });
      } catch (error) {
        // A clash the listing could not show (a project made since, or one the filter hid): the same
        // conflict as a planned one, never a failure that would stop the pair's entries.
        if (!isNameTaken(error)) throw error;
        return conflict(runtime, destination, decision.sourceProjectId, decision.from);
      }
      await mapProject(runtime, decision.sourceProjectId, destination.id, destination.name, mapping.origin);
      return { kind: "renamed", counterpartId: decision.sourceProjectId };
    }
    case "create": {
      // A mapping to a source project that is gone (deleted, moved to another client) is stale.
      // A client id of another workspace (or a mistyped one) is refused here, with the field named,
      // rather than by the POST.
      await runtime.confirmSourceClient();
      const stale = await findProjectMappingByDestinationId(database, pair.id, destination.id);
      if (stale) await deleteProjectMapping(database, pair.id, stale.sourceProjectId);
      const created = await runtime.source.createProject(pair.source.workspaceId, {
        name: destination.name,
        clientId: pair.source.clientId,
        ...pair.projectOptions,
      });
      sourceProjects?.push(created);
      await mapProject(runtime, created.id, destination.id, destination.name, "destination");
      runtime.logger.info({ project: destination.name, sourceProjectId: created.id }, "created source project");
      return { kind: "created", counterpartId: created.id };
    }
  }
}

async function conflict(runtime: PairRuntime, destination: DestinationProject, sourceProjectId: string, sourceName: string): Promise<Outcome> {
  const reason = describeProjectConflict({ destinationName: destination.name, sourceName });
  if (await recordProjectConflict(runtime.database, runtime.pair.id, sourceProjectId, destination.name)) {
    await runtime.alert(`project-conflict:${runtime.pair.id}:${sourceProjectId}`, `pair "${runtime.pair.id}": ${reason}`);
  }
  return { kind: "conflict", reason, counterpartId: sourceProjectId };
}

async function sourceProjectsNamed(runtime: PairRuntime, name: string): Promise<Project[]> {
  const { pair } = runtime;
  const listed = await runtime.source.listProjects(pair.source.workspaceId, {
    name,
    strictNameSearch: true,
    clientIds: [pair.source.clientId],
  });
  // strict-name-search is exact on the live API, but compare again rather than trust a filter.
  return listed.filter((p) => p.name === name && p.clientId === pair.source.clientId);
}

/** Clockify's refusal of a second project of one name under a client (400, "…already exists"). */
function isNameTaken(error: unknown): boolean {
  return error instanceof ClockifyError && error.kind === "invalid" && /already exists/i.test(error.detail);
}
