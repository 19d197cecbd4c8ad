import { z } from "zod";
import { badRequest } from "./errors.js";
import { CREATABLE_ENTRY_TYPES } from "./model.js";

/*
 * Request bodies: types only. Lengths, formats and references are checked by the world rules so
 * the HTTP API and the world API reject the same things with the same messages.
 */

const optionalText = z.string().nullish();
const ids = z.array(z.string()).nullish();

const entryFields = {
  end: optionalText,
  billable: z.boolean().nullish(),
  description: optionalText,
  projectId: optionalText,
  taskId: optionalText,
  tagIds: ids,
  // The request enums hold only REGULAR and BREAK (API-NOTES §11). What Clockify answers for HOLIDAY or
  // TIME_OFF is undocumented: the simulator's guess is its usual 400 with code 501 naming the field.
  type: z.enum(CREATABLE_ENTRY_TYPES, { error: "type must be REGULAR or BREAK" }).nullish(),
};

export const createEntryBody = z.object({ start: optionalText, ...entryFields });
export const updateEntryBody = z.object({ start: z.string({ error: "start is required" }), ...entryFields });
export const stopTimerBody = z.object({ end: z.string({ error: "end is required" }) });

const projectFields = {
  name: z.string().optional(),
  clientId: optionalText,
  color: z.string().optional(),
  billable: z.boolean().optional(),
  isPublic: z.boolean().optional(),
  note: z.string().optional(),
};

export const createProjectBody = z.object(projectFields);
export const updateProjectBody = z.object({ ...projectFields, archived: z.boolean().optional() });

export const createTaskBody = z.object({
  name: z.string().optional(),
  status: z.enum(["ACTIVE", "DONE"]).optional(),
  assigneeIds: ids,
  billable: z.boolean().optional(),
});

export const createTagBody = z.object({ name: z.string().optional() });

export const createClientBody = z.object({
  name: z.string().optional(),
  address: z.string().optional(),
  email: z.string().optional(),
  note: z.string().optional(),
});

export const webhookBody = z.object({
  url: z.string().min(1, { error: "url is required" }),
  webhookEvent: z.string({ error: "webhookEvent is required" }),
  triggerSourceType: z.string({ error: "triggerSourceType is required" }),
  triggerSource: z.array(z.string(), { error: "triggerSource is required" }),
  name: z.string().optional(),
});

/** WebhookLogSearchRequestV1: every field optional; `from`/`to` are checked as instants by the route. */
export const webhookLogSearchBody = z.object({
  from: optionalText,
  to: optionalText,
  status: z.enum(["ALL", "SUCCEEDED", "FAILED"], { error: "status must be ALL, SUCCEEDED or FAILED" }).nullish(),
  sortByNewest: z.boolean({ error: "sortByNewest must be a boolean" }).nullish(),
});

/** Parses a JSON body or answers 400 (code 501) naming the first offending field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length ? `${issue.path.join(".")}: ` : "";
  throw badRequest(`${where}${issue?.message ?? "Invalid request body"}`);
}
