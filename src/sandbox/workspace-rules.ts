import { ApiError, accessDenied, badRequest } from "./errors.js";
import type { EntryRecord, Role, WorkspaceRecord } from "./model.js";

/**
 * A workspace's settings that refuse time entries, as `workspaceSettings` shows them (API-NOTES §8, §11)
 * and the writes they refuse. Defaults are Clockify's for a new workspace: nothing forced, nothing locked.
 */
export interface WorkspaceRules {
  forceProjects: boolean;
  forceTasks: boolean;
  forceTags: boolean;
  forceDescription: boolean;
  /** `lockTimeEntries`: entries starting before this instant are locked for non-admins; null = no lock. */
  lockedBefore: number | null;
  /**
   * The paid "add time for others" feature (`features` contains ADD_TIME_FOR_OTHERS). null: the plan
   * decides (paid plans have it, FREE does not); tests switch it off on a paid plan to model an owner
   * who disabled it.
   */
  addTimeForOthers: boolean | null;
  /**
   * Entries whose timesheet an approver approved: nobody may change or delete them (API-NOTES §8, §11:
   * 403 code 4005, seen for deletes). Simulator's guesses: updates are refused the same way, admins and
   * owners are bound too (approval is withdrawn, not bypassed), and approval is per entry here, where
   * Clockify approves a user's whole week or month; the sync only ever sees the refusal.
   */
  approvedEntryIds: readonly string[];
}

export interface CustomFieldRecord {
  id: string;
  name: string;
  required: boolean;
  /** VISIBLE, INVISIBLE or INACTIVE; only active fields are enforced. */
  status: "VISIBLE" | "INVISIBLE" | "INACTIVE";
  /** `workspaceDefaultValue`; an omitted value gets it (API-NOTES §8). */
  defaultValue: string | null;
}

export function defaultRules(): WorkspaceRules {
  return { forceProjects: false, forceTasks: false, forceTags: false, forceDescription: false, lockedBefore: null, addTimeForOthers: null, approvedEntryIds: [] };
}

export function hasAddTimeForOthers(ws: WorkspaceRecord): boolean {
  return ws.rules.addTimeForOthers ?? ws.plan !== "FREE";
}

/** The `features` list of WorkspaceDtoV1: only the ones the simulator models. */
export function workspaceFeatures(ws: WorkspaceRecord): string[] {
  const features: string[] = [];
  if (hasAddTimeForOthers(ws)) features.push("ADD_TIME_FOR_OTHERS");
  if (ws.plan !== "FREE") features.push("REQUIRED_FIELDS", "WORKSPACE_LOCK_TIMEENTRIES", "CUSTOM_FIELDS");
  return features;
}

const isManager = (role: Role) => role === "OWNER" || role === "ADMIN";

/** Owners and admins may add time for others only where the workspace has the feature. */
export function assertMayAddTimeFor(ws: WorkspaceRecord, actorId: string, userId: string): void {
  // Simulator's guess: the live answer when the feature is missing is undocumented; the 403 "Access
  // Denied" the API gives for other permission failures is the likeliest.
  if (userId !== actorId && !hasAddTimeForOthers(ws)) {
    throw accessDenied("adding time for others is not enabled in this workspace (feature ADD_TIME_FOR_OTHERS)");
  }
}

/** Non-admins cannot write or delete entries that start before the lock date (API-NOTES §8: 403 code 1003). */
export function assertNotLocked(ws: WorkspaceRecord, role: Role, start: number): void {
  const lockedBefore = ws.rules.lockedBefore;
  if (!isManager(role) && lockedBefore !== null && start < lockedBefore) {
    throw new ApiError(403, 1003, `Time entries before ${new Date(lockedBefore).toISOString()} are locked`);
  }
}

/** Approved entries cannot be changed or deleted, whatever the role (API-NOTES §8: 403 code 4005). */
export function assertNotApproved(ws: WorkspaceRecord, entryId: string): void {
  // Simulator's guess: the message; Clockify's exact wording for 4005 is not documented.
  if (ws.rules.approvedEntryIds.includes(entryId)) throw new ApiError(403, 4005, "Approved time entries cannot be changed or deleted");
}

/**
 * What a create or a full update must satisfy. The lock binds non-admins only (API-NOTES §8: 403 code
 * 1003); missing required fields answer 400 code 501 ("missing required project" per API-NOTES; the
 * exact messages for task, tag and description are the simulator's guess).
 */
export function assertEntryAllowed(ws: WorkspaceRecord, role: Role, entry: Pick<EntryRecord, "start" | "projectId" | "taskId" | "tagIds" | "description" | "type">): void {
  const rules = ws.rules;
  assertNotLocked(ws, role, entry.start);
  if (entry.type === "BREAK") return;
  if (rules.forceProjects && !entry.projectId) throw badRequest("Project is required");
  if (rules.forceTasks && !entry.taskId) throw badRequest("Task is required");
  if (rules.forceTags && entry.tagIds.length === 0) throw badRequest("Tag is required");
  if (rules.forceDescription && entry.description.trim() === "") throw badRequest("Description is required");
  // Simulator's guess: a required field with no workspace default refuses an entry that does not send it;
  // the sync never sends custom fields.
  const missing = [...ws.customFields.values()].find((f) => f.required && f.status !== "INACTIVE" && f.defaultValue === null);
  if (missing) throw badRequest(`Custom field "${missing.name}" is required`);
}

/** CustomFieldDtoV1, the parts the simulator models. */
export function customFieldDto(ws: WorkspaceRecord, field: CustomFieldRecord) {
  return {
    id: field.id,
    name: field.name,
    workspaceId: ws.id,
    type: "TXT",
    entityType: "TIMEENTRY",
    required: field.required,
    status: field.status,
    // The spec types the default as an object; a text field's default is surely its text (the
    // simulator's guess), so it is only sent when there is one.
    ...(field.defaultValue === null ? {} : { workspaceDefaultValue: field.defaultValue }),
    allowedValues: [],
    description: "",
    placeholder: "",
    onlyAdminCanEdit: false,
    projectDefaultValues: [],
  };
}
