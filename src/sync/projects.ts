import { ClockifyError } from "../clockify/errors.js";
import type { Project } from "../clockify/schemas.js";
import { wakeWaiting } from "../db/inbox.js";
import {
  deleteProjectMapping,
  findProjectMappingByDestinationId,
  findProjectMappingBySourceId,
  upsertProjectMapping,
} from "../db/project-map.js";
import type { ProjectOrigin } from "../db/schema.js";
import { projectLockKey, type PairRuntime } from "./pair-runtime.js";

export type DestinationProjectResult =
  | { kind: "mapped"; destinationProjectId: string; how: "existing" | "matched" | "created" }
  | { kind: "missing" };

/** Prefers a live project over an archived one with the same name, then the oldest id: deterministic. */
export function pickByName(candidates: Project[]): Project | undefined {
  return [...candidates].sort((a, b) => Number(a.archived ?? false) - Number(b.archived ?? false) || a.id.localeCompare(b.id))[0];
}

export function mapProject(
  rt: PairRuntime,
  sourceProjectId: string,
  destinationProjectId: string,
  name: string,
  origin: ProjectOrigin,
): void {
  // A destination project already mapped to another source project (the old one was deleted or renamed
  // away) is re-pointed: two source projects must never share a destination.
  const taken = findProjectMappingByDestinationId(rt.database, rt.pair.id, destinationProjectId);
  if (taken && taken.sourceProjectId !== sourceProjectId) deleteProjectMapping(rt.database, rt.pair.id, taken.sourceProjectId);
  upsertProjectMapping(rt.database, { pairId: rt.pair.id, sourceProjectId, destinationProjectId, name, origin });
  wakeWaiting(rt.database, rt.pair.id, name);
}

/**
 * The destination project for a source project of the pair's client: mapped already, matched by name,
 * or (when the pair allows it) created. Serialised per name so concurrent entries create it once.
 */
export function ensureDestinationProject(
  rt: PairRuntime,
  source: { id: string; name: string },
): Promise<DestinationProjectResult> {
  return rt.locks.run(projectLockKey(rt.pair.id, source.name), async () => {
    const mapped = findProjectMappingBySourceId(rt.database, rt.pair.id, source.id);
    if (mapped) return { kind: "mapped", destinationProjectId: mapped.destinationProjectId, how: "existing" };
    const match = pickByName(await rt.destinationCatalog.projectsNamed(source.name));
    if (match) {
      mapProject(rt, source.id, match.id, source.name, "destination");
      return { kind: "mapped", destinationProjectId: match.id, how: "matched" };
    }
    if (!rt.pair.createMissingDestinationProjects) return { kind: "missing" };
    let created: Project;
    try {
      created = await rt.destination.createProject(rt.pair.destination.workspaceId, { name: source.name });
    } catch (error) {
      // A create whose answer was lost may have made the project, and sending it again is then refused
      // ("already exists", a 400 that would dead-letter the entry). Either way the cached list is stale:
      // look again by name; only when the project really is not there is this a failure.
      if (!(error instanceof ClockifyError) || !(error.mayHaveExecuted || error.kind === "invalid")) throw error;
      rt.destinationCatalog.invalidateProjects();
      const made = pickByName(await rt.destinationCatalog.projectsNamed(source.name));
      if (!made) throw error;
      // Refused without a doubt (a 4xx on every attempt): someone else made it meanwhile.
      const ours = error.mayHaveExecuted;
      mapProject(rt, source.id, made.id, source.name, ours ? "source" : "destination");
      rt.logger.info({ project: source.name, destinationProjectId: made.id }, "found the destination project after its create failed");
      return { kind: "mapped", destinationProjectId: made.id, how: ours ? "created" : "matched" };
    }
    rt.destinationCatalog.rememberProject(created);
    mapProject(rt, source.id, created.id, source.name, "source");
    rt.logger.info({ project: source.name, destinationProjectId: created.id }, "created destination project");
    return { kind: "mapped", destinationProjectId: created.id, how: "created" };
  });
}

export type SourceProjectOutcome = "unchanged" | "mapped" | "created" | "renamed";

/**
 * Projects flow destination → source: a destination project gets a same-named project under the pair's
 * client in the source (created with projectOptions when missing), and a rename follows it.
 */
export function ensureSourceProject(
  rt: PairRuntime,
  destination: { id: string; name: string },
  /** The client's source projects, when the caller just listed them (a run): saves a request per project. */
  knownSourceProjects?: Project[],
): Promise<{ outcome: SourceProjectOutcome; sourceProjectId: string }> {
  return rt.locks.run(projectLockKey(rt.pair.id, destination.name), async () => {
    const { pair } = rt;
    const mapped = findProjectMappingByDestinationId(rt.database, pair.id, destination.id);
    if (mapped && mapped.name === destination.name) return { outcome: "unchanged", sourceProjectId: mapped.sourceProjectId };
    const sameNamed = async () => {
      const existing =
        knownSourceProjects ??
        (await rt.source.listProjects(pair.source.workspaceId, {
          name: destination.name,
          strictNameSearch: true,
          clientIds: [pair.source.clientId],
        }));
      // strict-name-search is exact on the live API, but compare again rather than trust a filter.
      return pickByName(existing.filter((p) => p.name === destination.name && p.clientId === pair.source.clientId));
    };
    if (mapped) {
      // Renamed to the name of another source project of the client: that one is the counterpart now
      // (renaming ours would collide with it), and entries parked on that name can go.
      const clash = await sameNamed();
      if (clash && clash.id !== mapped.sourceProjectId) {
        mapProject(rt, clash.id, destination.id, destination.name, "destination");
        return { outcome: "mapped", sourceProjectId: clash.id };
      }
      await rt.source.updateProject(pair.source.workspaceId, mapped.sourceProjectId, { name: destination.name });
      mapProject(rt, mapped.sourceProjectId, destination.id, destination.name, mapped.origin);
      return { outcome: "renamed", sourceProjectId: mapped.sourceProjectId };
    }
    const same = await sameNamed();
    if (same) {
      mapProject(rt, same.id, destination.id, destination.name, "destination");
      return { outcome: "mapped", sourceProjectId: same.id };
    }
    const created = await rt.source.createProject(pair.source.workspaceId, {
      name: destination.name,
      clientId: pair.source.clientId,
      ...pair.projectOptions,
    });
    knownSourceProjects?.push(created);
    mapProject(rt, created.id, destination.id, destination.name, "destination");
    rt.logger.info({ project: destination.name, sourceProjectId: created.id }, "created source project");
    return { outcome: "created", sourceProjectId: created.id };
  });
}
