import { z } from "zod";

// The live API returns null where the spec says "optional", adds fields the spec does not list and
// grows enums without notice (API-NOTES §10). So: every optional field is nullish, objects keep
// unknown keys out of our types but never fail on them, and enums are parsed as plain strings.
const nullishString = z.string().nullish();

export const timeIntervalSchema = z.object({
  start: z.string(),
  end: nullishString,
  duration: nullishString,
});

const rateSchema = z.object({ amount: z.number().nullish(), currency: nullishString }).nullish();

export const timeEntrySchema = z.object({
  id: z.string(),
  description: nullishString.transform((d) => d ?? ""),
  userId: z.string(),
  workspaceId: z.string(),
  projectId: nullishString,
  taskId: nullishString,
  tagIds: z
    .array(z.string())
    .nullish()
    .transform((t) => t ?? []),
  billable: z
    .boolean()
    .nullish()
    .transform((b) => b ?? false),
  type: nullishString,
  isLocked: z.boolean().nullish(),
  timeInterval: timeIntervalSchema,
  hourlyRate: rateSchema,
  costRate: rateSchema,
});
export type TimeEntry = z.infer<typeof timeEntrySchema>;

export const projectSchema = z.object({
  id: z.string(),
  name: z.string(),
  workspaceId: nullishString,
  // Undocumented in ProjectDtoV1 but returned by the live API (API-NOTES §10).
  clientId: nullishString,
  clientName: nullishString,
  archived: z.boolean().nullish(),
  billable: z.boolean().nullish(),
  color: nullishString,
  public: z.boolean().nullish(),
  note: nullishString,
});
export type Project = z.infer<typeof projectSchema>;

export const taskSchema = z.object({
  id: z.string(),
  name: z.string(),
  projectId: nullishString,
  status: nullishString,
});
export type Task = z.infer<typeof taskSchema>;

export const tagSchema = z.object({
  id: z.string(),
  name: z.string(),
  workspaceId: nullishString,
  archived: z.boolean().nullish(),
});
export type Tag = z.infer<typeof tagSchema>;

export const clientSchema = z.object({
  id: z.string(),
  name: z.string(),
  workspaceId: nullishString,
  archived: z.boolean().nullish(),
});
export type Client = z.infer<typeof clientSchema>;

const membershipSchema = z.object({
  userId: nullishString,
  targetId: nullishString,
  membershipType: nullishString,
  membershipStatus: nullishString,
});

export const userSchema = z.object({
  id: z.string(),
  name: nullishString,
  email: nullishString,
  status: nullishString,
  activeWorkspace: nullishString,
  defaultWorkspace: nullishString,
  memberships: z.array(membershipSchema).nullish(),
});
export type User = z.infer<typeof userSchema>;

export const workspaceSchema = z.object({
  id: z.string(),
  name: z.string(),
  // The spec types this as an object (FeaturePlan) but shows a string example; unverified live, so any
  // shape parses and only a string is kept.
  featureSubscriptionType: z
    .unknown()
    .optional()
    .transform((v) => (typeof v === "string" ? v : null)),
  memberships: z.array(membershipSchema).nullish(),
});
export type Workspace = z.infer<typeof workspaceSchema>;

export const webhookSchema = z.object({
  id: z.string(),
  name: nullishString,
  url: z.string(),
  userId: nullishString,
  workspaceId: nullishString,
  webhookEvent: z.string(),
  triggerSource: z.array(z.string()).nullish(),
  triggerSourceType: nullishString,
  // Present on create/regenerate responses; a live probe saw it missing from list/get (API-NOTES §5),
  // so it is optional and only ever taken from the create/regenerate answer.
  authToken: nullishString,
  enabled: z.boolean().nullish(),
  deliveryEnabled: z.boolean().nullish(),
  planEnabled: z.boolean().nullish(),
});
export type Webhook = z.infer<typeof webhookSchema>;

export const webhookListSchema = z.object({
  webhooks: z
    .array(webhookSchema)
    .nullish()
    .transform((w) => w ?? []),
  workspaceWebhookCount: z.number().nullish(),
});

export const errorBodySchema = z.object({
  message: nullishString,
  code: z.number().nullish(),
});

// ---- request bodies: what we send. Shaped after the spec's request schemas. ----

/** CreateTimeEntryRequest / UpdateTimeEntryRequest. PUT is a full replacement, so callers always send all of it. */
export interface TimeEntryRequest {
  start: string;
  end?: string;
  billable: boolean;
  description: string;
  projectId?: string;
  taskId?: string;
  tagIds: string[];
  type?: "REGULAR" | "BREAK";
}

/** ProjectRequest (create) */
export interface ProjectRequest {
  name: string;
  clientId?: string;
  color?: string;
  billable?: boolean;
  isPublic?: boolean;
  note?: string;
}

/** UpdateProjectRequest */
export interface UpdateProjectRequest extends Partial<ProjectRequest> {
  archived?: boolean;
}

export type WebhookTriggerSourceType =
  | "PROJECT_ID"
  | "USER_ID"
  | "TAG_ID"
  | "TASK_ID"
  | "WORKSPACE_ID"
  | "ASSIGNMENT_ID"
  | "EXPENSE_ID";

/** CreateWebhookRequestV1 */
export interface CreateWebhookRequest {
  url: string;
  webhookEvent: string;
  triggerSourceType: WebhookTriggerSourceType;
  triggerSource: string[];
  name?: string;
}

/** A list/get answer with `hydrated=true`: the ids plus the objects they point at. */
export const hydratedTimeEntrySchema = timeEntrySchema.extend({
  project: projectSchema.nullish(),
  task: taskSchema.nullish(),
  tags: z.array(tagSchema).nullish(),
});
export type HydratedTimeEntry = z.infer<typeof hydratedTimeEntrySchema>;
