import { badRequest } from "./errors.js";
import { clientPayload, projectPayload, tagPayload, taskPayload } from "./payloads.js";
import type { Store } from "./store.js";
import type {
  ClientRecord,
  MutationOptions,
  ProjectRecord,
  TagRecord,
  TaskRecord,
  WorkspaceRecord,
} from "./model.js";

/** Rules for clients, projects, tasks and tags, shared by the HTTP routes and the world API. */

const PALETTE = [
  "#F44336", "#E91E63", "#9C27B0", "#673AB7", "#3F51B5", "#2196F3", "#03A9F4", "#00BCD4", "#009688",
  "#4CAF50", "#8BC34A", "#CDDC39", "#FFC107", "#FF9800", "#FF5722", "#795548", "#607D8B",
];
const COLOR = /^#(?:[0-9a-fA-F]{6})$/;

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function requiredName(name: string | undefined, kind: string, max: number, min = 1): string {
  const trimmed = (name ?? "").trim();
  if (!trimmed) throw badRequest(`${kind} name is required`);
  if (trimmed.length < min || trimmed.length > max) {
    throw badRequest(`${kind} name must be between ${min} and ${max} characters`);
  }
  return trimmed;
}

export interface ClientInput {
  name: string;
  address?: string;
  email?: string;
  note?: string;
}

export function createClient(store: Store, ws: WorkspaceRecord, input: ClientInput, options?: MutationOptions): ClientRecord {
  const name = requiredName(input.name, "Client", 100);
  for (const c of ws.clients.values()) {
    if (sameName(c.name, name)) throw badRequest("Client with that name already exists");
  }
  const client: ClientRecord = {
    id: store.ids.objectId(),
    workspaceId: ws.id,
    name,
    archived: false,
    address: input.address ?? "",
    email: input.email ?? "",
    note: input.note ?? "",
  };
  ws.clients.set(client.id, client);
  store.emit(options, () => ({
    workspaceId: ws.id,
    event: "NEW_CLIENT",
    entityId: client.id,
    scope: { userId: options?.actorId },
    payload: () => clientPayload(client),
  }));
  return client;
}

export interface ProjectInput {
  name: string;
  clientId?: string | null;
  color?: string;
  billable?: boolean;
  isPublic?: boolean;
  note?: string;
  archived?: boolean;
}

export type ProjectPatch = Partial<ProjectInput>;

/** Names are unique per client, archived projects included; other clients may reuse a name. */
function assertUniqueProjectName(ws: WorkspaceRecord, name: string, clientId: string | null, selfId?: string): void {
  for (const p of ws.projects.values()) {
    if (p.id !== selfId && p.clientId === clientId && sameName(p.name, name)) {
      throw badRequest("Project with that name already exists");
    }
  }
}

function validColor(color: string | undefined): string | undefined {
  if (color !== undefined && !COLOR.test(color)) throw badRequest("Color must be in #RRGGBB format");
  return color;
}

function validNote(note: string | undefined): string | undefined {
  if (note !== undefined && note.length > 16384) throw badRequest("Note must be at most 16384 characters");
  return note;
}

function clientIdOf(store: Store, ws: WorkspaceRecord, clientId: string | null | undefined): string | null {
  // An empty string is how clients say "no client" (and how the API reports it back).
  if (!clientId) return null;
  return store.client(ws, clientId).id;
}

export function createProject(store: Store, ws: WorkspaceRecord, input: ProjectInput, options?: MutationOptions): ProjectRecord {
  const name = requiredName(input.name, "Project", 250, 2);
  const clientId = clientIdOf(store, ws, input.clientId);
  assertUniqueProjectName(ws, name, clientId);
  const project: ProjectRecord = {
    id: store.ids.objectId(),
    workspaceId: ws.id,
    name,
    clientId,
    color: validColor(input.color) ?? (PALETTE[ws.projects.size % PALETTE.length] as string),
    billable: input.billable ?? true,
    isPublic: input.isPublic ?? false,
    note: validNote(input.note) ?? "",
    archived: input.archived ?? false,
    trackedSeconds: 0,
  };
  ws.projects.set(project.id, project);
  emitProject(store, ws, project, "NEW_PROJECT", options);
  return project;
}

/** UpdateProjectRequest is a partial update (unlike time entries): omitted fields keep their value. */
export function updateProject(
  store: Store,
  ws: WorkspaceRecord,
  projectId: string,
  patch: ProjectPatch,
  options?: MutationOptions,
): ProjectRecord {
  const project = store.project(ws, projectId);
  const name = patch.name === undefined ? project.name : requiredName(patch.name, "Project", 250, 2);
  const clientId = patch.clientId === undefined ? project.clientId : clientIdOf(store, ws, patch.clientId);
  if (name !== project.name || clientId !== project.clientId) assertUniqueProjectName(ws, name, clientId, project.id);
  project.name = name;
  project.clientId = clientId;
  project.color = validColor(patch.color) ?? project.color;
  project.billable = patch.billable ?? project.billable;
  project.isPublic = patch.isPublic ?? project.isPublic;
  project.note = validNote(patch.note) ?? project.note;
  project.archived = patch.archived ?? project.archived;
  emitProject(store, ws, project, "PROJECT_UPDATED", options);
  return project;
}

export function deleteProject(store: Store, ws: WorkspaceRecord, projectId: string, options?: MutationOptions): ProjectRecord {
  const project = store.project(ws, projectId);
  if (!project.archived) throw badRequest("Cannot delete an active project");
  ws.projects.delete(project.id);
  for (const task of ws.tasks.values()) if (task.projectId === project.id) ws.tasks.delete(task.id);
  emitProject(store, ws, project, "PROJECT_DELETED", options);
  return project;
}

function emitProject(store: Store, ws: WorkspaceRecord, project: ProjectRecord, event: string, options?: MutationOptions): void {
  store.emit(options, () => ({
    workspaceId: ws.id,
    event,
    entityId: project.id,
    scope: { userId: options?.actorId, projectId: project.id },
    payload: () => projectPayload(ws, project),
  }));
}

export interface TaskInput {
  name: string;
  status?: "ACTIVE" | "DONE";
  assigneeIds?: string[];
  billable?: boolean;
}

export function createTask(
  store: Store,
  ws: WorkspaceRecord,
  projectId: string,
  input: TaskInput,
  options?: MutationOptions,
): TaskRecord {
  const project = store.project(ws, projectId);
  const name = requiredName(input.name, "Task", 1000);
  for (const t of ws.tasks.values()) {
    if (t.projectId === project.id && sameName(t.name, name)) throw badRequest("Task with that name already exists");
  }
  for (const id of input.assigneeIds ?? []) store.member(ws, id);
  const task: TaskRecord = {
    id: store.ids.objectId(),
    workspaceId: ws.id,
    projectId: project.id,
    name,
    status: input.status ?? "ACTIVE",
    billable: input.billable ?? project.billable,
    assigneeIds: [...(input.assigneeIds ?? [])],
    trackedSeconds: 0,
  };
  ws.tasks.set(task.id, task);
  store.emit(options, () => ({
    workspaceId: ws.id,
    event: "NEW_TASK",
    entityId: task.id,
    scope: { userId: options?.actorId, projectId: project.id, taskId: task.id },
    payload: () => taskPayload(task),
  }));
  return task;
}

export function createTag(store: Store, ws: WorkspaceRecord, input: { name: string }, options?: MutationOptions): TagRecord {
  const name = requiredName(input.name, "Tag", 100);
  for (const t of ws.tags.values()) if (sameName(t.name, name)) throw badRequest("Tag with that name already exists");
  const tag: TagRecord = { id: store.ids.objectId(), workspaceId: ws.id, name, archived: false };
  ws.tags.set(tag.id, tag);
  store.emit(options, () => ({
    workspaceId: ws.id,
    event: "NEW_TAG",
    entityId: tag.id,
    scope: { userId: options?.actorId, tagIds: [tag.id] },
    payload: () => tagPayload(tag),
  }));
  return tag;
}
