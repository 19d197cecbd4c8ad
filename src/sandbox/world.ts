import { createClient, createProject, createTag, createTask, deleteProject, updateProject } from "./catalog.js";
import { createEntry, deleteEntry, replaceEntry, stopTimer } from "./entries.js";
import { deleteEntries, restoreEntry, splitEntry } from "./entry-changes.js";
import { badRequest } from "./errors.js";
import { alphanumericSecret } from "./ids.js";
import { isValidTimeZone } from "./time.js";
import { defaultRules, type CustomFieldRecord, type WorkspaceRules } from "./workspace-rules.js";
import { createWebhook } from "./webhook-registry.js";
import {
  clientDto,
  projectDto,
  tagDto,
  taskDto,
  timeEntryDto,
  webhookDto,
} from "./serialize.js";
import type { ClientInput, ProjectInput, ProjectPatch, TaskInput } from "./catalog.js";
import type { EntryInput, Instant } from "./entries.js";
import type { BulkDeleteEvents, EmitOption, EntryRecord, MutationOptions, Plan, Role, WorkspaceRecord } from "./model.js";
import type { ClientDto, ProjectDto, TagDto, TaskDto, TimeEntryDto, WebhookDto } from "./serialize.js";
import type { Store } from "./store.js";
import type { WebhookInput } from "./webhook-registry.js";

export interface NewUser {
  name: string;
  email?: string;
  apiKey?: string;
  /** IANA zone used for the zoned times in webhook bodies; default "UTC". */
  timeZone?: string;
}

export interface SimUser {
  id: string;
  name: string;
  email: string;
  apiKey: string;
  timeZone: string;
}

export interface NewWorkspace {
  name: string;
  ownerId: string;
  /** Default "FREE", Clockify's default for new workspaces (3 webhooks max). */
  plan?: Plan;
}

export interface SimWorkspace {
  id: string;
  name: string;
  plan: Plan;
}

/**
 * Seeding and inspection of the simulated Clockify, synchronous. Mutations go through the same rules
 * as the HTTP API and fire webhooks only with `{ emit: true }` (acting as the workspace owner for
 * USER_ID filters on catalog events). Rule violations throw ApiError, as the API would answer.
 */
export class World {
  constructor(private readonly store: Store) {}

  addUser(input: NewUser): SimUser {
    const apiKey = input.apiKey ?? alphanumericSecret(48);
    if (this.store.usersByApiKey.has(apiKey)) throw badRequest("API key already in use");
    const timeZone = input.timeZone ?? "UTC";
    if (!isValidTimeZone(timeZone)) throw badRequest(`Unknown time zone: ${timeZone}`);
    const id = this.store.ids.objectId();
    const slug = input.name.toLowerCase().replace(/[^a-z0-9]+/g, ".").replace(/^\.|\.$/g, "") || "user";
    const user = { id, name: input.name, email: input.email ?? `${slug}@example.com`, apiKey, timeZone };
    this.store.users.set(id, user);
    this.store.usersByApiKey.set(apiKey, user);
    return { ...user };
  }

  addWorkspace(input: NewWorkspace): SimWorkspace {
    this.store.user(input.ownerId);
    const ws: WorkspaceRecord = {
      id: this.store.ids.objectId(),
      name: input.name,
      plan: input.plan ?? "FREE",
      members: new Map([[input.ownerId, "OWNER"]]),
      clients: new Map(),
      projects: new Map(),
      tasks: new Map(),
      tags: new Map(),
      entries: new Map(),
      deletedEntries: new Map(),
      entriesByUser: new Map(),
      webhooks: new Map(),
      rules: defaultRules(),
      customFields: new Map(),
    };
    this.store.workspaces.set(ws.id, ws);
    return { id: ws.id, name: ws.name, plan: ws.plan };
  }

  addMember(workspaceId: string, userId: string, role: Role = "MEMBER"): void {
    this.store.user(userId);
    this.store.workspace(workspaceId).members.set(userId, role);
  }

  setPlan(workspaceId: string, plan: Plan): void {
    this.store.workspace(workspaceId).plan = plan;
  }

  /** Changes the workspace settings that refuse entries (required fields, lock date, add time for others). */
  setRules(workspaceId: string, rules: Partial<WorkspaceRules>): void {
    const ws = this.store.workspace(workspaceId);
    ws.rules = { ...ws.rules, ...rules };
  }

  addCustomField(workspaceId: string, input: Omit<CustomFieldRecord, "id" | "status" | "defaultValue"> & Partial<CustomFieldRecord>): CustomFieldRecord {
    const field: CustomFieldRecord = { status: "VISIBLE", defaultValue: null, ...input, id: this.store.ids.objectId() };
    this.store.workspace(workspaceId).customFields.set(field.id, field);
    return { ...field };
  }

  /** What Clockify does to a webhook after failed deliveries (deliveryEnabled) or an owner's switch (enabled). */
  setWebhookState(workspaceId: string, webhookId: string, state: { enabled?: boolean; deliveryEnabled?: boolean }): void {
    const hook = this.store.workspace(workspaceId).webhooks.get(webhookId);
    if (!hook) throw new Error(`no webhook ${webhookId} in workspace ${workspaceId}`);
    Object.assign(hook, state);
  }

  addClient(workspaceId: string, input: ClientInput, options?: EmitOption): ClientDto {
    return clientDto(createClient(this.store, this.ws(workspaceId), input, this.asOwner(workspaceId, options)));
  }

  addProject(workspaceId: string, input: ProjectInput, options?: EmitOption): ProjectDto {
    const ws = this.ws(workspaceId);
    return projectDto(ws, createProject(this.store, ws, input, this.asOwner(workspaceId, options)));
  }

  updateProject(workspaceId: string, projectId: string, patch: ProjectPatch, options?: EmitOption): ProjectDto {
    const ws = this.ws(workspaceId);
    return projectDto(ws, updateProject(this.store, ws, projectId, patch, this.asOwner(workspaceId, options)));
  }

  deleteProject(workspaceId: string, projectId: string, options?: EmitOption): ProjectDto {
    const ws = this.ws(workspaceId);
    return projectDto(ws, deleteProject(this.store, ws, projectId, this.asOwner(workspaceId, options)));
  }

  addTask(workspaceId: string, projectId: string, input: TaskInput, options?: EmitOption): TaskDto {
    return taskDto(createTask(this.store, this.ws(workspaceId), projectId, input, this.asOwner(workspaceId, options)));
  }

  addTag(workspaceId: string, input: { name: string }, options?: EmitOption): TagDto {
    return tagDto(createTag(this.store, this.ws(workspaceId), input, this.asOwner(workspaceId, options)));
  }

  createTimeEntry(workspaceId: string, userId: string, input: EntryInput, options?: EmitOption): TimeEntryDto {
    return timeEntryDto(createEntry(this.store, this.ws(workspaceId), userId, input, options));
  }

  /** Full replacement, like PUT: omitted fields are cleared and an omitted `end` makes it run. */
  updateTimeEntry(workspaceId: string, entryId: string, input: EntryInput & { start: Instant }, options?: EmitOption): TimeEntryDto {
    return timeEntryDto(replaceEntry(this.store, this.ws(workspaceId), entryId, input, options));
  }

  stopTimer(workspaceId: string, userId: string, end: Instant, options?: EmitOption): TimeEntryDto {
    return timeEntryDto(stopTimer(this.store, this.ws(workspaceId), userId, end, options));
  }

  deleteTimeEntry(workspaceId: string, entryId: string, options?: EmitOption): TimeEntryDto {
    return timeEntryDto(deleteEntry(this.store, this.ws(workspaceId), entryId, options));
  }

  /** Splits the entry at `at` (a GUESS of Clockify's split, see entry-changes.ts): the first part keeps the id. */
  splitTimeEntry(workspaceId: string, entryId: string, at: Instant, options?: EmitOption): { first: TimeEntryDto; second: TimeEntryDto } {
    const { first, second } = splitEntry(this.store, this.ws(workspaceId), entryId, at, options);
    return { first: timeEntryDto(first), second: timeEntryDto(second) };
  }

  /** Undoes a delete: the entry comes back with its id (a GUESS, see entry-changes.ts). */
  restoreTimeEntry(workspaceId: string, entryId: string, options?: EmitOption): TimeEntryDto {
    return timeEntryDto(restoreEntry(this.store, this.ws(workspaceId), entryId, options));
  }

  /** The bulk delete route's effect, without HTTP. */
  deleteTimeEntries(workspaceId: string, userId: string, entryIds: readonly string[], options?: EmitOption): TimeEntryDto[] {
    return deleteEntries(this.store, this.ws(workspaceId), userId, entryIds, options).map(timeEntryDto);
  }

  /** Which webhook a bulk delete fires: Clockify does not say, so tests try each guess. */
  setBulkDeleteEvents(mode: BulkDeleteEvents): void {
    this.store.bulkDeleteEvents = mode;
  }

  /** Registers a webhook as `userId` (default: the workspace owner) without going through HTTP. */
  addWebhook(workspaceId: string, input: WebhookInput & { userId?: string }): WebhookDto {
    const userId = input.userId ?? this.ownerOf(workspaceId);
    return webhookDto(createWebhook(this.store, this.ws(workspaceId), userId, input));
  }

  getUser(userId: string): SimUser | undefined {
    const user = this.store.users.get(userId);
    return user ? { ...user } : undefined;
  }

  listWorkspaces(): SimWorkspace[] {
    return [...this.store.workspaces.values()].map((ws) => ({ id: ws.id, name: ws.name, plan: ws.plan }));
  }

  listMembers(workspaceId: string): { userId: string; role: Role }[] {
    return [...this.ws(workspaceId).members].map(([userId, role]) => ({ userId, role }));
  }

  /** Newest start first, like the API. */
  listTimeEntries(workspaceId: string, userId?: string): TimeEntryDto[] {
    const ws = this.ws(workspaceId);
    const users = userId === undefined ? [...ws.entriesByUser.keys()] : [userId];
    const records: EntryRecord[] = users.flatMap((u) => this.store.entriesOf(ws, u));
    records.sort((a, b) => b.start - a.start || (a.id < b.id ? 1 : -1));
    return records.map(timeEntryDto);
  }

  countTimeEntries(workspaceId: string): number {
    return this.ws(workspaceId).entries.size;
  }

  getTimeEntry(workspaceId: string, entryId: string): TimeEntryDto | undefined {
    const entry = this.ws(workspaceId).entries.get(entryId);
    return entry ? timeEntryDto(entry) : undefined;
  }

  listProjects(workspaceId: string): ProjectDto[] {
    const ws = this.ws(workspaceId);
    return [...ws.projects.values()].map((p) => projectDto(ws, p));
  }

  getProject(workspaceId: string, projectId: string): ProjectDto | undefined {
    const ws = this.ws(workspaceId);
    const project = ws.projects.get(projectId);
    return project ? projectDto(ws, project) : undefined;
  }

  listClients(workspaceId: string): ClientDto[] {
    return [...this.ws(workspaceId).clients.values()].map(clientDto);
  }

  listTasks(workspaceId: string, projectId?: string): TaskDto[] {
    const tasks = [...this.ws(workspaceId).tasks.values()];
    return tasks.filter((t) => projectId === undefined || t.projectId === projectId).map(taskDto);
  }

  listTags(workspaceId: string): TagDto[] {
    return [...this.ws(workspaceId).tags.values()].map(tagDto);
  }

  listWebhooks(workspaceId: string): WebhookDto[] {
    return [...this.ws(workspaceId).webhooks.values()].map(webhookDto);
  }

  private ws(workspaceId: string): WorkspaceRecord {
    return this.store.workspace(workspaceId);
  }

  private ownerOf(workspaceId: string): string {
    for (const [userId, role] of this.ws(workspaceId).members) if (role === "OWNER") return userId;
    throw badRequest("Workspace has no owner");
  }

  private asOwner(workspaceId: string, options?: EmitOption): MutationOptions {
    return { emit: options?.emit ?? false, actorId: this.ownerOf(workspaceId) };
  }
}
