import { sql } from "drizzle-orm";
import type { ProjectMapping, ProjectOrigin } from "./schema.js";
import type { Store } from "./sql/executor.js";
import { now as clockNow } from "../clock.js";

export interface ProjectMappingInput {
  pairId: string;
  sourceProjectId: string;
  destinationProjectId: string;
  name: string;
  origin: ProjectOrigin;
}

const COLUMNS = sql.raw(
  `id, pair_id as "pairId", source_project_id as "sourceProjectId", destination_project_id as "destinationProjectId", name, origin, ` +
    `conflict_name as "conflictName", created_at as "createdAt", updated_at as "updatedAt"`,
);

/**
 * By name, then id, in code-unit order: Postgres would order names by its database's collation, which
 * SQLite does not know; the lists are a pair's projects, a few hundred at most.
 */
const byName = (a: ProjectMapping, b: ProjectMapping) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id);

/**
 * Records which destination project mirrors a source project. Mapping the same source project again
 * replaces its destination, name and origin (keeping id and created_at). Mapping a second source project
 * onto a destination project that is already taken throws a UNIQUE constraint error: two source projects
 * sharing one destination would silently merge their entries.
 */
export async function upsertProjectMapping({ exec }: Store, input: ProjectMappingInput, now: number = clockNow()): Promise<ProjectMapping> {
  const { pairId, sourceProjectId, destinationProjectId, name, origin } = input;
  const row = await exec.get<ProjectMapping>(sql`
    insert into project_map (pair_id, source_project_id, destination_project_id, name, origin, created_at, updated_at)
    values (${pairId}, ${sourceProjectId}, ${destinationProjectId}, ${name}, ${origin}, ${now}, ${now})
    on conflict (pair_id, source_project_id) do update set destination_project_id = excluded.destination_project_id,
      name = excluded.name, origin = excluded.origin, conflict_name = null, updated_at = excluded.updated_at
    returning ${COLUMNS}`);
  if (!row) throw new Error("upserting a project mapping returned no row");
  return row;
}

export function findProjectMappingBySourceId({ exec }: Store, pairId: string, sourceProjectId: string): Promise<ProjectMapping | undefined> {
  return exec.get(sql`select ${COLUMNS} from project_map where pair_id = ${pairId} and source_project_id = ${sourceProjectId}`);
}

export function findProjectMappingByDestinationId({ exec }: Store, pairId: string, destinationProjectId: string): Promise<ProjectMapping | undefined> {
  return exec.get(sql`select ${COLUMNS} from project_map where pair_id = ${pairId} and destination_project_id = ${destinationProjectId}`);
}

export async function listProjectMappings({ exec }: Store, pairId: string): Promise<ProjectMapping[]> {
  return (await exec.all<ProjectMapping>(sql`select ${COLUMNS} from project_map where pair_id = ${pairId}`)).sort(byName);
}

/** Returns whether a mapping was removed. */
export async function deleteProjectMapping({ exec }: Store, pairId: string, sourceProjectId: string): Promise<boolean> {
  return (await exec.run(sql`delete from project_map where pair_id = ${pairId} and source_project_id = ${sourceProjectId}`)) > 0;
}

/**
 * Notes that the destination project's name could not be given to the source project. True when this
 * is news (no conflict, or another name, was recorded before): the caller alerts once, not every run.
 */
export async function recordProjectConflict({ exec }: Store, pairId: string, sourceProjectId: string, destinationName: string, now: number = clockNow()): Promise<boolean> {
  const changed = await exec.run(sql`
    update project_map set conflict_name = ${destinationName}, updated_at = ${now}
    where pair_id = ${pairId} and source_project_id = ${sourceProjectId} and (conflict_name is null or conflict_name <> ${destinationName})`);
  return changed > 0;
}

/** Returns whether a recorded conflict was cleared. */
export async function clearProjectConflict({ exec }: Store, pairId: string, sourceProjectId: string, now: number = clockNow()): Promise<boolean> {
  const changed = await exec.run(sql`
    update project_map set conflict_name = null, updated_at = ${now}
    where pair_id = ${pairId} and source_project_id = ${sourceProjectId} and conflict_name is not null`);
  return changed > 0;
}

/** Mappings whose destination name could not be applied, every pair or one. */
export async function listProjectConflicts({ exec }: Store, pairId?: string): Promise<ProjectMapping[]> {
  const ofPair = pairId === undefined ? sql`` : sql`and pair_id = ${pairId}`;
  const rows = await exec.all<ProjectMapping>(sql`select ${COLUMNS} from project_map where conflict_name is not null ${ofPair}`);
  return rows.sort((a, b) => (a.pairId < b.pairId ? -1 : a.pairId > b.pairId ? 1 : byName(a, b)));
}
