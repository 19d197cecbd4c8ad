import { and, asc, eq, isNotNull, isNull, ne, or } from "drizzle-orm";
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
export async function upsertProjectMapping(
  { db }: AppDatabase,
  input: ProjectMappingInput,
  now: number = clockNow(),
): Promise<ProjectMapping> {
  return db
    .insert(projectMap)
    .values({ ...input, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [projectMap.pairId, projectMap.sourceProjectId],
      set: {
        destinationProjectId: input.destinationProjectId,
        name: input.name,
        origin: input.origin,
        // Mapped afresh under the destination's name: whatever conflict there was is settled.
        conflictName: null,
        updatedAt: now,
      },
    })
    .returning()
    .get();
}

export async function findProjectMappingBySourceId(
  { db }: AppDatabase,
  pairId: string,
  sourceProjectId: string,
): Promise<ProjectMapping | undefined> {
  return db
    .select()
    .from(projectMap)
    .where(and(eq(projectMap.pairId, pairId), eq(projectMap.sourceProjectId, sourceProjectId)))
    .get();
}

export async function findProjectMappingByDestinationId(
  { db }: AppDatabase,
  pairId: string,
  destinationProjectId: string,
): Promise<ProjectMapping | undefined> {
  return db
    .select()
    .from(projectMap)
    .where(and(eq(projectMap.pairId, pairId), eq(projectMap.destinationProjectId, destinationProjectId)))
    .get();
}

export async function listProjectMappings({ db }: AppDatabase, pairId: string): Promise<ProjectMapping[]> {
  return db
    .select()
    .from(projectMap)
    .where(eq(projectMap.pairId, pairId))
    .orderBy(asc(projectMap.name), asc(projectMap.id))
    .all();
}

/** Returns whether a mapping was removed. */
export async function deleteProjectMapping({ db }: AppDatabase, pairId: string, sourceProjectId: string): Promise<boolean> {
  const result = db
    .delete(projectMap)
    .where(and(eq(projectMap.pairId, pairId), eq(projectMap.sourceProjectId, sourceProjectId)))
    .run();
  return result.changes > 0;
}

/**
 * Notes that the destination project's name could not be given to the source project. True when this
 * is news (no conflict, or another name, was recorded before): the caller alerts once, not every run.
 */
export async function recordProjectConflict(
  { db }: AppDatabase,
  pairId: string,
  sourceProjectId: string,
  destinationName: string,
  now: number = clockNow(),
): Promise<boolean> {
  const result = db
    .update(projectMap)
    .set({ conflictName: destinationName, updatedAt: now })
    .where(
      and(
        eq(projectMap.pairId, pairId),
        eq(projectMap.sourceProjectId, sourceProjectId),
        or(isNull(projectMap.conflictName), ne(projectMap.conflictName, destinationName)),
      ),
    )
    .run();
  return result.changes > 0;
}

/** Returns whether a recorded conflict was cleared. */
export async function clearProjectConflict({ db }: AppDatabase, pairId: string, sourceProjectId: string, now: number = clockNow()): Promise<boolean> {
  const result = db
    .update(projectMap)
    .set({ conflictName: null, updatedAt: now })
    .where(and(eq(projectMap.pairId, pairId), eq(projectMap.sourceProjectId, sourceProjectId), isNotNull(projectMap.conflictName)))
    .run();
  return result.changes > 0;
}

/** Mappings whose destination name could not be applied, every pair or one. */
export async function listProjectConflicts({ db }: AppDatabase, pairId?: string): Promise<ProjectMapping[]> {
  const conflicted = isNotNull(projectMap.conflictName);
  return db
    .select()
    .from(projectMap)
    .where(pairId === undefined ? conflicted : and(conflicted, eq(projectMap.pairId, pairId)))
    .orderBy(asc(projectMap.pairId), asc(projectMap.name))
    .all();
}
