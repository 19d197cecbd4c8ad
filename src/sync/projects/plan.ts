import type { Project, ProjectRequest } from "../../clockify/schemas.js";
import type { ProjectOptions } from "../../config/schema.js";
import type { ProjectMapping } from "../../db/schema.js";

/**
 * What the source should hold for one destination project (projects flow destination → source). Pure.
 * The webhook path (a destination project event) and the reconciliation (every destination project)
 * both ask it, so they cannot disagree; only the project writer carries the answer out.
 */
export type SourceProjectDecision =
  | { kind: "unchanged"; sourceProjectId: string }
  | { kind: "rename"; sourceProjectId: string; from: string }
  /**
   * Renamed onto the name of another source project of the client that mirrors another destination
   * project. Clockify refuses a second project of one name under a client, so the source project keeps
   * its name and its mapping by id: its entries keep flowing; a person decides which name is right.
   */
  /** `heldBy`: the source project that has the name; null when only Clockify's refusal showed the clash. */
  | { kind: "conflict"; sourceProjectId: string; sourceName: string; heldBy: string | null }
  | { kind: "map"; sourceProjectId: string }
  | { kind: "create" }
  | { kind: "ignore"; reason: string };

export interface SourceProjectFacts {
  /** `clientId` undefined: not known (nothing is then ruled out by it). */
  destination: Pick<Project, "id" | "name" | "archived"> & { clientId?: string | null | undefined };
  /** The pair's destination.clientId: destination projects of other clients are not the pair's. */
  destinationClientId?: string | undefined;
  /** The pair's mapping of this destination project, if any. */
  mapping: Pick<ProjectMapping, "sourceProjectId" | "name"> | undefined;
  /**
   * The mapped source project as a listing shows it; null when the listing shows it gone from the
   * client; undefined when not listed (a webhook whose name matches the mapping needs no request).
   */
  mappedSource?: Pick<Project, "id" | "name"> | null;
  /** The client's source projects named like the destination project. */
  sameNamed: readonly Project[];
  /** Source projects that already mirror another destination project: never re-pointed. */
  claimed: ReadonlySet<string>;
}

export function planSourceProject(facts: SourceProjectFacts): SourceProjectDecision {
  const { destination, mapping } = facts;
  if (outsideDestinationClient(destination, facts.destinationClientId)) return { kind: "ignore", reason: "under another destination client" };
  if (mapping && facts.mappedSource !== null) {
    const current = facts.mappedSource?.name ?? mapping.name;
    if (current === destination.name) return { kind: "unchanged", sourceProjectId: mapping.sourceProjectId };
    const holder = pickByName(facts.sameNamed.filter((p) => p.name === destination.name && p.id !== mapping.sourceProjectId));
    if (!holder) return { kind: "rename", sourceProjectId: mapping.sourceProjectId, from: current };
    // A source project of the new name that mirrors nothing is the counterpart now (entries parked on
    // that name can go); one that mirrors another destination project cannot be taken from it.
    if (!facts.claimed.has(holder.id)) return { kind: "map", sourceProjectId: holder.id };
    return { kind: "conflict", sourceProjectId: mapping.sourceProjectId, sourceName: current, heldBy: holder.id };
  }
  const same = pickByName(facts.sameNamed.filter((p) => p.name === destination.name));
  if (same) {
    if (facts.claimed.has(same.id)) return { kind: "ignore", reason: `source project "${same.name}" mirrors another destination project` };
    return { kind: "map", sourceProjectId: same.id };
  }
  if (destination.archived) return { kind: "ignore", reason: "archived" };
  return { kind: "create" };
}

/** A decision that changes something, with the destination project it is about (run summaries, dry runs). */
export type ProjectChange = Exclude<SourceProjectDecision, { kind: "unchanged" } | { kind: "ignore" }> & { destination: Project };

/**
 * The decision for every destination project of a run. A source project has one destination
 * counterpart: the one a mapping already ties it to, else the first same-named one (mapping a second
 * would re-point it away from the first, and back next run). One create per name. Pure.
 */
export function planProjectChanges(
  destination: readonly Project[],
  sourceUnderClient: readonly Project[],
  mappings: readonly ProjectMapping[],
  /** The pair's destination.clientId, when it has one. */
  destinationClientId?: string,
): ProjectChange[] {
  const byDestination = new Map(mappings.map((m) => [m.destinationProjectId, m]));
  const sourceById = new Map(sourceUnderClient.map((p) => [p.id, p]));
  const destinationIds = new Set(destination.map((p) => p.id));
  const claimed = new Set<string>();
  for (const m of mappings) {
    if (sourceById.has(m.sourceProjectId) && destinationIds.has(m.destinationProjectId)) claimed.add(m.sourceProjectId);
  }
  const changes: ProjectChange[] = [];
  const toCreate = new Set<string>();
  for (const project of byPreference(destination)) {
    const mapping = byDestination.get(project.id);
    const decision = planSourceProject({
      destination: project,
      mapping,
      mappedSource: mapping ? (sourceById.get(mapping.sourceProjectId) ?? null) : undefined,
      sameNamed: sourceUnderClient.filter((p) => p.name === project.name),
      claimed,
      destinationClientId,
    });
    if (decision.kind === "unchanged" || decision.kind === "ignore") continue;
    if (decision.kind === "map") claimed.add(decision.sourceProjectId);
    if (decision.kind === "create") {
      if (toCreate.has(project.name)) continue;
      toCreate.add(project.name);
    }
    changes.push({ ...decision, destination: project });
  }
  return changes;
}

/** The one wording of a project conflict: run summaries, status, alerts and the inbox say the same. */
export function describeProjectConflict(names: { destinationName: string; sourceName: string }): string {
  const { destinationName, sourceName } = names;
  return (
    `destination "${destinationName}" is mapped to source "${sourceName}", and the source client already has ` +
    `another "${destinationName}": kept "${sourceName}", entries keep flowing; rename one of the two`
  );
}

/** What the destination should hold for a source project of the pair's client. Pure. */
export type DestinationProjectDecision =
  | { kind: "existing"; destinationProjectId: string }
  | { kind: "match"; destinationProjectId: string }
  | { kind: "create" }
  | { kind: "missing" };

export interface DestinationProjectFacts {
  mappedDestinationId: string | undefined;
  /** The destination projects named like the source project, under any client. */
  sameNamed: readonly Pick<Project, "id" | "archived" | "clientId">[];
  mayCreate: boolean;
  /** The pair's destination.clientId, when it has one. */
  destinationClientId?: string | undefined;
}

export function planDestinationProject(facts: DestinationProjectFacts): DestinationProjectDecision {
  if (facts.mappedDestinationId) return { kind: "existing", destinationProjectId: facts.mappedDestinationId };
  const match = pickTwin(facts.sameNamed, facts.destinationClientId);
  if (match) return { kind: "match", destinationProjectId: match.id };
  return facts.mayCreate ? { kind: "create" } : { kind: "missing" };
}

/**
 * The destination project a source project of that name mirrors. Clockify's names are unique per client,
 * not per workspace (API-NOTES §9): with a destination client configured, another client's project of
 * the name is someone else's, and the twin is made under the configured client instead.
 */
export function pickTwin<T extends Pick<Project, "id" | "archived" | "clientId">>(sameNamed: readonly T[], destinationClientId: string | undefined): T | undefined {
  return pickByName(destinationClientId === undefined ? sameNamed : sameNamed.filter((p) => p.clientId === destinationClientId));
}

/** What the service sends to create a source project's twin in the destination. */
export function destinationProjectRequest(
  name: string,
  pair: { destination: { clientId?: string }; destinationProjectOptions: ProjectOptions },
): ProjectRequest {
  const { clientId } = pair.destination;
  return { ...pair.destinationProjectOptions, name, ...(clientId === undefined ? {} : { clientId }) };
}

/** A destination project of another client than the pair's (false when either is not known). */
export function outsideDestinationClient(project: { clientId?: string | null | undefined }, destinationClientId: string | undefined): boolean {
  return destinationClientId !== undefined && project.clientId !== undefined && project.clientId !== destinationClientId;
}

/** Prefers a live project over an archived one with the same name, then the oldest id: deterministic. */
export function pickByName<T extends Pick<Project, "id" | "archived">>(candidates: readonly T[]): T | undefined {
  return byPreference(candidates)[0];
}

function byPreference<T extends Pick<Project, "id" | "archived">>(projects: readonly T[]): T[] {
  return [...projects].sort((a, b) => Number(a.archived ?? false) - Number(b.archived ?? false) || a.id.localeCompare(b.id));
}
