import { and, asc, eq } from "drizzle-orm";
import type { AppDatabase } from "./connection.js";
import { projectMap, type ProjectMapping, type ProjectOrigin } from "./schema.js";
import { now as clockNow } from "../clock.js";

export interface ProjectMappingInput {
  pairId: string;
  sourceProjectId: string;
  destinationProjectId: string;
  name: string;
  origin: ProjectOrigin;
}

/**
 * Records which destination project mirrors a source project. Mapping the same source project again
 * replaces its destination, name and origin (keeping id and created_at). Mapping a second source project
 * onto a destination project that is already taken throws a UNIQUE constraint error: two source projects
 * sharing one destination would silently merge their entries.
 */
export function upsertProjectMapping(
  { db }: AppDatabase,
  input: ProjectMappingInput,
  now: number = clockNow(),
): ProjectMapping {
  return db
    .insert(projectMap)
    .values({ ...input, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [projectMap.pairId, projectMap.sourceProjectId],
      set: {
        destinationProjectId: input.destinationProjectId,
        name: input.name,
        origin: input.origin,
        updatedAt: now,
      },
    })
    .returning()
    .get();
}

export function findProjectMappingBySourceId(
  { db }: AppDatabase,
  pairId: string,
  sourceProjectId: string,
): ProjectMapping | undefined {
  return db
    .select()
    .from(projectMap)
    .where(and(eq(projectMap.pairId, pairId), eq(projectMap.sourceProjectId, sourceProjectId)))
    .get();
}

export function findProjectMappingByDestinationId(
  { db }: AppDatabase,
  pairId: string,
  destinationProjectId: string,
): ProjectMapping | undefined {
  return db
    .select()
    .from(projectMap)
    .where(and(eq(projectMap.pairId, pairId), eq(projectMap.destinationProjectId, destinationProjectId)))
    .get();
}

/** Exact, case-sensitive match. A list, because Clockify only keeps names unique per client. */
export function findProjectMappingsByName({ db }: AppDatabase, pairId: string, name: string): ProjectMapping[] {
  return db
    .select()
    .from(projectMap)
    .where(and(eq(projectMap.pairId, pairId), eq(projectMap.name, name)))
    .orderBy(asc(projectMap.id))
    .all();
}

export function listProjectMappings({ db }: AppDatabase, pairId: string): ProjectMapping[] {
  return db
    .select()
    .from(projectMap)
    .where(eq(projectMap.pairId, pairId))
    .orderBy(asc(projectMap.name), asc(projectMap.id))
    .all();
}

/** Returns whether a mapping was removed. */
export function deleteProjectMapping({ db }: AppDatabase, pairId: string, sourceProjectId: string): boolean {
  const result = db
    .delete(projectMap)
    .where(and(eq(projectMap.pairId, pairId), eq(projectMap.sourceProjectId, sourceProjectId)))
    .run();
  return result.changes > 0;
}
