import { formatDuration, zoned } from "./time.js";
import { clientNameOf, timeInterval } from "./serialize.js";
import type { ClientRecord, EntryRecord, ProjectRecord, TagRecord, TaskRecord, UserRecord, WorkspaceRecord } from "./model.js";

/*
 * Webhook bodies: the flat, hydrated entity exactly as in the captured examples
 * (test/fixtures/clockify/webhook-examples). They differ from API responses on purpose: top-level
 * taskId/tagIds are absent, rates are null, and project/task/user/tags are embedded.
 */

export function timeEntryPayload(ws: WorkspaceRecord, entry: EntryRecord, user: UserRecord): Record<string, unknown> {
  const project = entry.projectId ? ws.projects.get(entry.projectId) : undefined;
  const task = entry.taskId ? ws.tasks.get(entry.taskId) : undefined;
  const interval = timeInterval(entry);
  const start = zoned(entry.start, user.timeZone);
  const end = entry.end === null ? null : zoned(entry.end, user.timeZone);
  return {
    id: entry.id,
    description: entry.description,
    userId: entry.userId,
    billable: entry.billable,
    projectId: entry.projectId,
    timeInterval: {
      ...interval,
      timeZone: user.timeZone,
      offsetStart: start.offsetSeconds,
      offsetEnd: end ? end.offsetSeconds : null,
      zonedStart: start.local,
      zonedEnd: end ? end.local : null,
    },
    workspaceId: entry.workspaceId,
    isLocked: false,
    hourlyRate: null,
    costRate: null,
    customFieldValues: [],
    type: entry.type,
    kioskId: null,
    currentlyRunning: entry.end === null,
    project: project ? projectPayload(ws, project) : null,
    task: task ? taskPayload(task) : null,
    user: { id: user.id, name: user.name, status: "ACTIVE" },
    tags: entry.tagIds.flatMap((id) => {
      const tag = ws.tags.get(id);
      return tag ? [tagPayload(tag)] : [];
    }),
  };
}

export function projectPayload(ws: WorkspaceRecord, project: ProjectRecord): Record<string, unknown> {
  return {
    name: project.name,
    clientId: project.clientId ?? "",
    workspaceId: project.workspaceId,
    billable: project.billable,
    estimate: { estimate: "PT0S", type: "AUTO" },
    color: project.color,
    archived: project.archived,
    clientName: clientNameOf(ws, project),
    duration: formatDuration(project.trackedSeconds),
    note: project.note,
    activeEstimate: "NONE",
    timeEstimate: { includeNonBillable: true, estimate: 0, type: "AUTO", resetOption: null },
    budgetEstimate: null,
    id: project.id,
    public: project.isPublic,
    template: false,
  };
}

export function taskPayload(task: TaskRecord): Record<string, unknown> {
  return {
    name: task.name,
    projectId: task.projectId,
    assigneeId: task.assigneeIds[0] ?? "",
    assigneeIds: [...task.assigneeIds],
    userGroupIds: [],
    estimate: "PT0S",
    status: task.status,
    workspaceId: task.workspaceId,
    budgetEstimate: 0,
    billable: task.billable,
    hourlyRate: null,
    costRate: null,
    id: task.id,
    duration: formatDuration(task.trackedSeconds),
  };
}

export function tagPayload(tag: TagRecord): Record<string, unknown> {
  return { name: tag.name, workspaceId: tag.workspaceId, archived: tag.archived, id: tag.id };
}

export function clientPayload(client: ClientRecord): Record<string, unknown> {
  return {
    name: client.name,
    email: client.email,
    workspaceId: client.workspaceId,
    archived: client.archived,
    address: client.address,
    note: client.note,
    currencyId: null,
    currencyCode: null,
    id: client.id,
  };
}
