import type { HydratedTimeEntry } from "../clockify/schemas.js";
import type { SourceEntry } from "./model.js";

/** The `type` field of a source entry: kept only when it is not REGULAR (absent or null reads as REGULAR). */
export function entryTypeField(type: string | null | undefined): { type?: string } {
  return type && type !== "REGULAR" ? { type } : {};
}

/** A source entry read from the API (a listing, a single read), in the terms of the sync decision. */
export function sourceEntryFromApi(entry: HydratedTimeEntry): SourceEntry {
  const project = entry.project;
  return {
    id: entry.id,
    workspaceId: entry.workspaceId,
    userId: entry.userId,
    start: entry.timeInterval.start,
    end: entry.timeInterval.end ?? null,
    description: entry.description,
    billable: entry.billable,
    project: project ? { id: project.id, name: project.name, clientId: project.clientId || null } : null,
    taskName: entry.task?.name ?? null,
    tagNames: (entry.tags ?? []).map((t) => t.name),
    ...entryTypeField(entry.type),
  };
}
