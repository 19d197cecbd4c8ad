// One user's time entries: listed a page at a time, read, written and deleted.
import { z } from "zod";
import { isNotFoundAnswer } from "./errors.js";
import { listPages } from "./pagination.js";
import {
  hydratedTimeEntrySchema,
  timeEntrySchema,
  type HydratedTimeEntry,
  type TimeEntry,
  type TimeEntryRequest,
} from "./schemas.js";
import type { QueryValue, Transport } from "./transport.js";

export interface TimeEntryFilter {
  start?: Date | string;
  end?: Date | string;
  inProgress?: boolean;
  project?: string;
  pageSize?: number;
}

const USER_ENTRIES = "/workspaces/{workspaceId}/user/{userId}/time-entries";
const ENTRY = "/workspaces/{workspaceId}/time-entries/{id}";

/** Clockify wants `yyyy-MM-ddThh:mm:ssZ` in queries (API-NOTES §8), not milliseconds. */
export function clockifyTime(value: Date | string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new RangeError(`invalid time ${String(value)}`);
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function entryQuery(filter: TimeEntryFilter, hydrated: boolean): Record<string, QueryValue> {
  return {
    start: filter.start === undefined ? undefined : clockifyTime(filter.start),
    end: filter.end === undefined ? undefined : clockifyTime(filter.end),
    "in-progress": filter.inProgress,
    project: filter.project,
    hydrated: hydrated ? true : undefined,
  };
}

export function timeEntryPages<U>(
  http: Transport,
  workspaceId: string,
  userId: string,
  filter: TimeEntryFilter,
  keep: ((entry: TimeEntry) => U) | undefined,
): AsyncGenerator<U[]> {
  return listPages(http, {
    route: USER_ENTRIES,
    params: { workspaceId, userId },
    item: timeEntrySchema,
    pageSize: filter.pageSize,
    query: entryQuery(filter, false),
    keep,
  });
}

export function hydratedTimeEntryPages<U>(
  http: Transport,
  workspaceId: string,
  userId: string,
  filter: TimeEntryFilter,
  keep: ((entry: HydratedTimeEntry) => U) | undefined,
): AsyncGenerator<U[]> {
  return listPages(http, {
    route: USER_ENTRIES,
    params: { workspaceId, userId },
    item: hydratedTimeEntrySchema,
    pageSize: filter.pageSize,
    query: entryQuery(filter, true),
    keep,
  });
}

export function getTimeEntry(http: Transport, workspaceId: string, entryId: string): Promise<TimeEntry | null> {
  return orNull(http.call({ method: "GET", route: ENTRY, params: { workspaceId, id: entryId }, schema: timeEntrySchema }));
}

export function getHydratedTimeEntry(http: Transport, workspaceId: string, entryId: string): Promise<HydratedTimeEntry | null> {
  return orNull(
    http.call({
      method: "GET",
      route: ENTRY,
      params: { workspaceId, id: entryId },
      query: { hydrated: true },
      schema: hydratedTimeEntrySchema,
    }),
  );
}

export function createTimeEntry(http: Transport, workspaceId: string, body: TimeEntryRequest): Promise<TimeEntry> {
  return http.call({
    method: "POST",
    route: "/workspaces/{workspaceId}/time-entries",
    params: { workspaceId },
    body,
    schema: timeEntrySchema,
  });
}

export function createTimeEntryForUser(
  http: Transport,
  workspaceId: string,
  userId: string,
  body: TimeEntryRequest,
): Promise<TimeEntry> {
  return http.call({ method: "POST", route: USER_ENTRIES, params: { workspaceId, userId }, body, schema: timeEntrySchema });
}

export function updateTimeEntry(http: Transport, workspaceId: string, entryId: string, body: TimeEntryRequest): Promise<TimeEntry> {
  return http.call({ method: "PUT", route: ENTRY, params: { workspaceId, id: entryId }, body, schema: timeEntrySchema });
}

export async function deleteTimeEntry(http: Transport, workspaceId: string, entryId: string): Promise<void> {
  await http.call({ method: "DELETE", route: ENTRY, params: { workspaceId, id: entryId }, schema: z.unknown() });
}

/** Clockify answers a missing or foreign id with 404 or 400/501 (API-NOTES §8): to a getter, both mean "none". */
async function orNull<T>(answer: Promise<T>): Promise<T | null> {
  try {
    return await answer;
  } catch (error) {
    if (isNotFoundAnswer(error)) return null;
    throw error;
  }
}
