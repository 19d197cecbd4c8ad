import { z } from "zod";
import type { SourceEntry } from "../sync/model.js";
import { entryTypeField } from "../sync/source-entry.js";

/** Entry events of the source workspace that change what the destination should hold. */
export const ENTRY_EVENTS = [
  "NEW_TIMER_STARTED",
  "NEW_TIME_ENTRY",
  "TIMER_STOPPED",
  "TIME_ENTRY_UPDATED",
  "TIME_ENTRY_DELETED",
  "TIME_ENTRY_RESTORED",
  "TIME_ENTRY_SPLIT",
] as const;
export const PROJECT_EVENTS = ["NEW_PROJECT", "PROJECT_UPDATED"] as const;

export type EntryEvent = (typeof ENTRY_EVENTS)[number];
export type ProjectEvent = (typeof PROJECT_EVENTS)[number];
export type HandledEvent = EntryEvent | ProjectEvent;

export function isEntryEvent(type: string): type is EntryEvent {
  return (ENTRY_EVENTS as readonly string[]).includes(type);
}

/**
 * Not a Clockify event: the service's own note that an entry may have changed (a delivery Clockify gave
 * up on, a change feed's line, a poll). Its body names the entry only; the worker reads the source, which
 * is always right. The intake never accepts it from outside (no webhook is registered for it).
 */
export const PULL_EVENT = "PULL_TIME_ENTRY";

/** The events the worker applies to an entry: Clockify's, and the service's pull. */
export function isEntryWork(type: string): boolean {
  return type === PULL_EVENT || isEntryEvent(type);
}
export function isProjectEvent(type: string): type is ProjectEvent {
  return (PROJECT_EVENTS as readonly string[]).includes(type);
}

/** Clockify's header: upper-case words joined by underscores. Anything else is not a Clockify event. */
export const eventTypeSchema = z.string().regex(/^[A-Z][A-Z_]{1,63}$/);

const id = z.string().min(1).max(64);
const name = z.string().max(3000);
// Empty strings stand for "none" in some webhook fields (a project without client has clientId "").
const optionalId = z
  .string()
  .max(64)
  .nullish()
  .transform((v) => (v ? v : null));

/**
 * Entry webhook body: the flat hydrated entry (API-NOTES §4). Top-level taskId/tagIds are absent there,
 * so task and tags come from the embedded objects. Unknown fields are allowed and dropped.
 */
export const entryEventBodySchema = z.object({
  id,
  workspaceId: id,
  userId: id,
  description: name.nullish(),
  billable: z.boolean().nullish(),
  projectId: optionalId,
  timeInterval: z.object({
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }).nullish(),
  }),
  project: z.object({ id, name, clientId: optionalId }).nullish(),
  task: z.object({ id, name }).nullish(),
  tags: z
    .array(z.object({ id, name }))
    .max(500)
    .nullish(),
  // A plain string, not an enum: Clockify grows enums without notice (API-NOTES §10), and an entry of an
  // unknown type is left uncopied rather than its event refused.
  type: z.string().max(64).nullish(),
});
export type EntryEventBody = z.infer<typeof entryEventBodySchema>;

/**
 * A TIME_ENTRY_DELETED body that lists ids instead of being one entry: what a bulk delete might send.
 * Undocumented (the spec has only a payload type TIME_ENTRY_BATCH_DELETED_IDS), so two guessed shapes
 * are accepted: an object with the ids (`timeEntryIds`, or `ids`) and the workspace, or a bare array of
 * ids whose workspace is the webhook's own. Nothing else in it is trusted: each id is read from the source.
 */
const batchIds = z.array(id).min(1).max(5000);
export const batchDeletedBodySchema = z.union([
  z
    .object({ workspaceId: id, userId: id.nullish(), timeEntryIds: batchIds.optional(), ids: batchIds.optional() })
    .refine((b) => (b.timeEntryIds ?? b.ids) !== undefined, { message: "timeEntryIds: expected a list of time entry ids" })
    .transform((b) => ({ workspaceId: b.workspaceId as string | null, userId: b.userId ?? null, ids: b.timeEntryIds ?? b.ids ?? [] })),
  batchIds.transform((ids) => ({ workspaceId: null as string | null, userId: null as string | null, ids })),
]);
export type BatchDeletedBody = z.infer<typeof batchDeletedBodySchema>;

/** Project webhook body: the flat project object (no published sample; shaped after the embedded project). */
export const projectEventBodySchema = z.object({
  id,
  workspaceId: id,
  name: z.string().min(1).max(250),
  clientId: optionalId,
  archived: z.boolean().nullish(),
});
export type ProjectEventBody = z.infer<typeof projectEventBodySchema>;

/**
 * The entry the body describes, or null when the body lacks what the decision needs: every captured body
 * embeds the project next to projectId, but that is not documented, so a body without it is not trusted
 * and the worker reads the entry from the source instead.
 */
export function sourceEntryFromEvent(body: EntryEventBody): SourceEntry | null {
  const project = body.project ?? null;
  if (body.projectId && (!project || project.id !== body.projectId)) return null;
  return {
    id: body.id,
    workspaceId: body.workspaceId,
    userId: body.userId,
    start: body.timeInterval.start,
    end: body.timeInterval.end ?? null,
    description: body.description ?? "",
    billable: body.billable ?? false,
    project: project ? { id: project.id, name: project.name, clientId: project.clientId } : null,
    taskName: body.task?.name ?? null,
    tagNames: (body.tags ?? []).map((t) => t.name),
    ...entryTypeField(body.type),
  };
}
