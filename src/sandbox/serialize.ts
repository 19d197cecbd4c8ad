import { formatDuration, formatInstant } from "./time.js";
import type {
  ClientRecord,
  EntryRecord,
  ProjectRecord,
  TagRecord,
  TaskRecord,
  UserRecord,
  WebhookRecord,
  WorkspaceRecord,
} from "./model.js";

/*
 * API response shapes, following the spec schemas named on each function. Where the live API sends
 * null but the spec does not allow it (rates, budgetEstimate, resetOption) the field is left out, so
 * responses validate against the spec while clients still see "no value".
 */

export const DEFAULT_CURRENCY = "USD";
export const CURRENCY_ID = "5b641568b07987035750505e";

export interface TimeIntervalDto {
  start: string;
  end: string | null;
  duration: string | null;
}

/** TimeEntryDtoImplV1 (create/update) and TimeEntryWithRatesDtoV1 (GET) share these fields. */
export interface TimeEntryDto {
  id: string;
  description: string;
  /** The live API answers null, not [], for an entry without tags (knpkv live patch). */
  tagIds: string[] | null;
  userId: string;
  billable: boolean;
  taskId: string | null;
  projectId: string | null;
  workspaceId: string;
  timeInterval: TimeIntervalDto;
  customFieldValues: unknown[];
  type: string;
  kioskId: null;
  isLocked: boolean;
}

export interface HydratedTimeEntryDto extends TimeEntryDto {
  project: ProjectDto | null;
  task: TaskDto | null;
  tags: TagDto[];
}

export function timeInterval(entry: EntryRecord): TimeIntervalDto {
  return {
    start: formatInstant(entry.start),
    end: entry.end === null ? null : formatInstant(entry.end),
    duration: entry.end === null ? null : formatDuration((entry.end - entry.start) / 1000),
  };
}

export function timeEntryDto(entry: EntryRecord): TimeEntryDto {
  return {
    id: entry.id,
    description: entry.description,
    tagIds: entry.tagIds.length ? [...entry.tagIds] : null,
    userId: entry.userId,
    billable: entry.billable,
    taskId: entry.taskId,
    projectId: entry.projectId,
    workspaceId: entry.workspaceId,
    timeInterval: timeInterval(entry),
    customFieldValues: [],
    type: entry.type,
    kioskId: null,
    isLocked: false,
  };
}

export function hydratedTimeEntryDto(ws: WorkspaceRecord, entry: EntryRecord): HydratedTimeEntryDto {
  const project = entry.projectId ? ws.projects.get(entry.projectId) : undefined;
  const task = entry.taskId ? ws.tasks.get(entry.taskId) : undefined;
  return {
    ...timeEntryDto(entry),
    project: project ? projectDto(ws, project) : null,
    task: task ? taskDto(task) : null,
    tags: entry.tagIds.flatMap((id) => {
      const tag = ws.tags.get(id);
      return tag ? [tagDto(tag)] : [];
    }),
  };
}

/** ProjectDtoV1 / ProjectDtoImplV1, plus the undocumented clientId/clientName the live API sends. */
export interface ProjectDto {
  id: string;
  name: string;
  hourlyRate: { amount: number; currency: string };
  clientId: string;
  workspaceId: string;
  billable: boolean;
  memberships: unknown[];
  color: string;
  estimate: { estimate: string; type: string };
  archived: boolean;
  duration: string;
  clientName: string;
  note: string;
  timeEstimate: { estimate: string; type: string; active: boolean; includeNonBillable: boolean };
  template: boolean;
  public: boolean;
}

export function projectDto(ws: WorkspaceRecord, project: ProjectRecord): ProjectDto {
  return {
    id: project.id,
    name: project.name,
    hourlyRate: { amount: 0, currency: DEFAULT_CURRENCY },
    clientId: project.clientId ?? "",
    workspaceId: project.workspaceId,
    billable: project.billable,
    memberships: [],
    color: project.color,
    estimate: { estimate: "PT0S", type: "AUTO" },
    archived: project.archived,
    duration: formatDuration(project.trackedSeconds),
    clientName: clientNameOf(ws, project),
    note: project.note,
    timeEstimate: { estimate: "PT0S", type: "AUTO", active: false, includeNonBillable: true },
    template: false,
    public: project.isPublic,
  };
}

export function clientNameOf(ws: WorkspaceRecord, project: ProjectRecord): string {
  return project.clientId ? (ws.clients.get(project.clientId)?.name ?? "") : "";
}

/** ClientWithCurrencyDtoV1 */
export interface ClientDto {
  id: string;
  name: string;
  email: string;
  workspaceId: string;
  archived: boolean;
  address: string;
  note: string;
  currencyId: string;
  currencyCode: string;
  ccEmails: string[];
}

export function clientDto(client: ClientRecord): ClientDto {
  return {
    id: client.id,
    name: client.name,
    email: client.email,
    workspaceId: client.workspaceId,
    archived: client.archived,
    address: client.address,
    note: client.note,
    currencyId: CURRENCY_ID,
    currencyCode: DEFAULT_CURRENCY,
    ccEmails: [],
  };
}

/** TaskDtoV1. `status` is a plain string like the live API; see the report about the spec's TaskStatus. */
export interface TaskDto {
  id: string;
  name: string;
  projectId: string;
  assigneeIds: string[];
  assigneeId: string;
  userGroupIds: string[];
  estimate: string;
  status: string;
  budgetEstimate: number;
  billable: boolean;
  duration: string;
}

export function taskDto(task: TaskRecord): TaskDto {
  return {
    id: task.id,
    name: task.name,
    projectId: task.projectId,
    assigneeIds: [...task.assigneeIds],
    assigneeId: task.assigneeIds[0] ?? "",
    userGroupIds: [],
    estimate: "PT0S",
    status: task.status,
    budgetEstimate: 0,
    billable: task.billable,
    duration: formatDuration(task.trackedSeconds),
  };
}

/** TagDtoV1 */
export interface TagDto {
  id: string;
  name: string;
  workspaceId: string;
  archived: boolean;
}

export function tagDto(tag: TagRecord): TagDto {
  return { id: tag.id, name: tag.name, workspaceId: tag.workspaceId, archived: tag.archived };
}

/** UserDtoV1 */
export interface UserDto {
  id: string;
  email: string;
  name: string;
  memberships: unknown[];
  profilePicture: string;
  activeWorkspace: string;
  defaultWorkspace: string;
  settings: Record<string, string | boolean | number>;
  status: string;
  customFields: unknown[];
}

export function userDto(user: UserRecord, activeWorkspace: string): UserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    memberships: [],
    profilePicture: "",
    activeWorkspace,
    defaultWorkspace: activeWorkspace,
    settings: {
      weekStart: "MONDAY",
      timeZone: user.timeZone,
      timeFormat: "HOUR24",
      dateFormat: "YYYY-MM-DD",
      sendNewsletter: false,
      weeklyUpdates: false,
      longRunning: false,
      scheduledReports: false,
      approval: false,
      pto: false,
      alerts: false,
      reminders: false,
      timeTrackingManual: false,
      isCompactViewOn: false,
      dashboardSelection: "ME",
      dashboardViewType: "PROJECT",
      dashboardPinToTop: false,
      projectListCollapse: 50,
      collapseAllProjectLists: false,
      groupSimilarEntriesDisabled: false,
      myStartOfDay: "09:00",
      lang: "EN",
      multiFactorEnabled: false,
      theme: "DEFAULT",
    },
    status: "ACTIVE",
    customFields: [],
  };
}

/** WebhookDtoV1. `webhookEvent`/`triggerSourceType` are plain strings, as on the wire. */
export interface WebhookDto {
  id: string;
  name: string;
  url: string;
  userId: string;
  workspaceId: string;
  webhookEvent: string;
  triggerSource: string[];
  triggerSourceType: string;
  authToken: string;
  enabled: boolean;
  deliveryEnabled: boolean;
  planEnabled: boolean;
}

export function webhookDto(hook: WebhookRecord): WebhookDto {
  return {
    id: hook.id,
    name: hook.name,
    url: hook.url,
    userId: hook.userId,
    workspaceId: hook.workspaceId,
    webhookEvent: hook.event,
    triggerSource: [...hook.triggerSource],
    triggerSourceType: hook.triggerSourceType,
    authToken: hook.authToken,
    enabled: hook.enabled,
    deliveryEnabled: hook.deliveryEnabled,
    planEnabled: true,
  };
}

export type { WorkspaceDto } from "./serialize-workspace.js";
