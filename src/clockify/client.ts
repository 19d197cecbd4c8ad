import type { Dispatcher } from "undici";
import { z } from "zod";
import { defaultBackoff, type BackoffOptions } from "./backoff.js";
import { isNotFoundAnswer } from "./errors.js";
import { collect, MAX_PAGE_SIZE, paginate } from "./pagination.js";
import { RateLimiter } from "./rate-limiter.js";
import {
  clientSchema,
  hydratedTimeEntrySchema,
  projectSchema,
  tagSchema,
  taskSchema,
  timeEntrySchema,
  userSchema,
  webhookListSchema,
  webhookSchema,
  workspaceSchema,
  type Client,
  type CreateWebhookRequest,
  type HydratedTimeEntry,
  type Project,
  type ProjectRequest,
  type Tag,
  type Task,
  type TimeEntry,
  type TimeEntryRequest,
  type UpdateProjectRequest,
  type User,
  type Webhook,
  type Workspace,
} from "./schemas.js";
import { Transport, type QueryValue, type RequestEvent } from "./transport.js";

export const DEFAULT_API_URL = "https://api.clockify.me/api/v1";

export interface ClockifyClientOptions {
  /** API base including `/api/v1`; regional hosts (`https://euc1.clockify.me/api/v1`) work the same. */
  baseUrl?: string;
  apiKey: string;
  /** Share one limiter between clients that use the same key (see RateLimiterRegistry). */
  limiter?: RateLimiter;
  requestsPerSecond?: number;
  timeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  dispatcher?: Dispatcher;
  onRequest?: (event: RequestEvent) => void;
  random?: () => number;
}

export interface ProjectFilter {
  name?: string;
  /** With `name`: exact match instead of Clockify's default substring search. */
  strictNameSearch?: boolean;
  archived?: boolean;
  clientIds?: string[];
  pageSize?: number;
}

export interface TimeEntryFilter {
  start?: Date | string;
  end?: Date | string;
  inProgress?: boolean;
  project?: string;
  pageSize?: number;
}

const list = <T extends z.ZodType>(item: T) => z.array(item);
const noContent = z.unknown();
const ws = (workspaceId: string) => ({ workspaceId });

/** Clockify wants `yyyy-MM-ddThh:mm:ssZ` in queries (API-NOTES §8), not milliseconds. */
export function clockifyTime(value: Date | string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new RangeError(`invalid time ${String(value)}`);
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Typed access to the parts of the Clockify v1 API the sync needs. Every answer is parsed with zod. */
export class ClockifyClient {
  private readonly http: Transport;
  private requests = 0;

  constructor(options: ClockifyClientOptions) {
    const onRequest = options.onRequest;
    this.http = new Transport({
      baseUrl: options.baseUrl ?? DEFAULT_API_URL,
      apiKey: options.apiKey,
      limiter: options.limiter ?? new RateLimiter({ requestsPerSecond: options.requestsPerSecond ?? 10 }),
      timeoutMs: options.timeoutMs ?? 30_000,
      backoff: { ...defaultBackoff, ...options.backoff },
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.random ? { random: options.random } : {}),
      onRequest: (event) => {
        this.requests++;
        onRequest?.(event);
      },
    });
  }

  /** Requests sent by this client so far, retries included: what a run reports as "API requests used". */
  get requestCount(): number {
    return this.requests;
  }

  // ---- user and workspaces ----

  getCurrentUser(): Promise<User> {
    return this.http.call({ method: "GET", route: "/user", schema: userSchema });
  }

  listWorkspaces(): Promise<Workspace[]> {
    return this.http.call({ method: "GET", route: "/workspaces", schema: list(workspaceSchema) });
  }

  listUsers(workspaceId: string, filter: { name?: string; email?: string } = {}): Promise<User[]> {
    // The users list is reported to cap pages at 200 (API-NOTES §7).
    return collect(
      this.pages("/workspaces/{workspaceId}/users", ws(workspaceId), userSchema, 200, {
        name: filter.name,
        email: filter.email,
      }),
    );
  }

  listClients(workspaceId: string, filter: { name?: string; archived?: boolean } = {}): Promise<Client[]> {
    return collect(
      this.pages("/workspaces/{workspaceId}/clients", ws(workspaceId), clientSchema, MAX_PAGE_SIZE, {
        name: filter.name,
        archived: filter.archived,
      }),
    );
  }

  // ---- projects, tasks, tags ----

  projectPages(workspaceId: string, filter: ProjectFilter = {}): AsyncGenerator<Project[]> {
    return this.pages("/workspaces/{workspaceId}/projects", ws(workspaceId), projectSchema, filter.pageSize, {
      name: filter.name,
      "strict-name-search": filter.strictNameSearch,
      archived: filter.archived,
      clients: filter.clientIds,
    });
  }

  listProjects(workspaceId: string, filter: ProjectFilter = {}): Promise<Project[]> {
    return collect(this.projectPages(workspaceId, filter));
  }

  getProject(workspaceId: string, projectId: string): Promise<Project | null> {
    return orNull(
      this.http.call({
        method: "GET",
        route: "/workspaces/{workspaceId}/projects/{projectId}",
        params: { workspaceId, projectId },
        schema: projectSchema,
      }),
    );
  }

  createProject(workspaceId: string, body: ProjectRequest): Promise<Project> {
    return this.http.call({
      method: "POST",
      route: "/workspaces/{workspaceId}/projects",
      params: ws(workspaceId),
      body,
      schema: projectSchema,
    });
  }

  updateProject(workspaceId: string, projectId: string, body: UpdateProjectRequest): Promise<Project> {
    return this.http.call({
      method: "PUT",
      route: "/workspaces/{workspaceId}/projects/{projectId}",
      params: { workspaceId, projectId },
      body,
      schema: projectSchema,
    });
  }

  listTasks(workspaceId: string, projectId: string, filter: { name?: string } = {}): Promise<Task[]> {
    return collect(
      this.pages(
        "/workspaces/{workspaceId}/projects/{projectId}/tasks",
        { workspaceId, projectId },
        taskSchema,
        MAX_PAGE_SIZE,
        { name: filter.name },
      ),
    );
  }

  createTask(workspaceId: string, projectId: string, body: { name: string }): Promise<Task> {
    return this.http.call({
      method: "POST",
      route: "/workspaces/{workspaceId}/projects/{projectId}/tasks",
      params: { workspaceId, projectId },
      body,
      schema: taskSchema,
    });
  }

  listTags(workspaceId: string, filter: { name?: string; archived?: boolean } = {}): Promise<Tag[]> {
    return collect(
      this.pages("/workspaces/{workspaceId}/tags", ws(workspaceId), tagSchema, MAX_PAGE_SIZE, {
        name: filter.name,
        archived: filter.archived,
      }),
    );
  }

  createTag(workspaceId: string, body: { name: string }): Promise<Tag> {
    return this.http.call({
      method: "POST",
      route: "/workspaces/{workspaceId}/tags",
      params: ws(workspaceId),
      body,
      schema: tagSchema,
    });
  }

  // ---- time entries ----

  /**
   * One user's entries, newest first, a page at a time (page-size up to 5000). `keep` turns each entry
   * into what the caller holds on to as the page streams in (a big reconciliation keeps a compact form).
   */
  timeEntryPages<U = TimeEntry>(
    workspaceId: string,
    userId: string,
    filter: TimeEntryFilter = {},
    keep: (entry: TimeEntry) => U = identity as (entry: TimeEntry) => U,
  ): AsyncGenerator<U[]> {
    return this.pages(
      "/workspaces/{workspaceId}/user/{userId}/time-entries",
      { workspaceId, userId },
      timeEntrySchema,
      filter.pageSize,
      this.entryQuery(filter, false),
      keep,
    );
  }

  /** As timeEntryPages, with the project, task and tag objects inlined (`hydrated=true`). */
  hydratedTimeEntryPages<U = HydratedTimeEntry>(
    workspaceId: string,
    userId: string,
    filter: TimeEntryFilter = {},
    keep: (entry: HydratedTimeEntry) => U = identity as (entry: HydratedTimeEntry) => U,
  ): AsyncGenerator<U[]> {
    return this.pages(
      "/workspaces/{workspaceId}/user/{userId}/time-entries",
      { workspaceId, userId },
      hydratedTimeEntrySchema,
      filter.pageSize,
      this.entryQuery(filter, true),
      keep,
    );
  }

  /** The entry, or null when Clockify says it does not exist in this workspace (400/501, API-NOTES §8). */
  getTimeEntry(workspaceId: string, entryId: string): Promise<TimeEntry | null> {
    return orNull(
      this.http.call({
        method: "GET",
        route: "/workspaces/{workspaceId}/time-entries/{id}",
        params: { workspaceId, id: entryId },
        schema: timeEntrySchema,
      }),
    );
  }

  /** As getTimeEntry, with project, task and tags inlined: what the sync needs to decide by name. */
  getHydratedTimeEntry(workspaceId: string, entryId: string): Promise<HydratedTimeEntry | null> {
    return orNull(
      this.http.call({
        method: "GET",
        route: "/workspaces/{workspaceId}/time-entries/{id}",
        params: { workspaceId, id: entryId },
        query: { hydrated: true },
        schema: hydratedTimeEntrySchema,
      }),
    );
  }

  /** Creates an entry owned by the API key's user. */
  createTimeEntry(workspaceId: string, body: TimeEntryRequest): Promise<TimeEntry> {
    return this.http.call({
      method: "POST",
      route: "/workspaces/{workspaceId}/time-entries",
      params: ws(workspaceId),
      body,
      schema: timeEntrySchema,
    });
  }

  /** Creates an entry for another member; needs an owner/admin key and the "add time for others" feature. */
  createTimeEntryForUser(workspaceId: string, userId: string, body: TimeEntryRequest): Promise<TimeEntry> {
    return this.http.call({
      method: "POST",
      route: "/workspaces/{workspaceId}/user/{userId}/time-entries",
      params: { workspaceId, userId },
      body,
      schema: timeEntrySchema,
    });
  }

  /** PUT is a full replacement: anything left out of `body` is cleared, so pass the whole desired entry. */
  updateTimeEntry(workspaceId: string, entryId: string, body: TimeEntryRequest): Promise<TimeEntry> {
    return this.http.call({
      method: "PUT",
      route: "/workspaces/{workspaceId}/time-entries/{id}",
      params: { workspaceId, id: entryId },
      body,
      schema: timeEntrySchema,
    });
  }

  async deleteTimeEntry(workspaceId: string, entryId: string): Promise<void> {
    await this.http.call({
      method: "DELETE",
      route: "/workspaces/{workspaceId}/time-entries/{id}",
      params: { workspaceId, id: entryId },
      schema: noContent,
    });
  }

  stopTimer(workspaceId: string, userId: string, end: Date | string): Promise<TimeEntry> {
    return this.http.call({
      method: "PATCH",
      route: "/workspaces/{workspaceId}/user/{userId}/time-entries",
      params: { workspaceId, userId },
      body: { end: clockifyTime(end) },
      schema: timeEntrySchema,
    });
  }

  // ---- webhooks ----

  async listWebhooks(workspaceId: string): Promise<Webhook[]> {
    // This endpoint ignores paging (API-NOTES §5, §7): one request returns them all.
    const answer = await this.http.call({
      method: "GET",
      route: "/workspaces/{workspaceId}/webhooks",
      params: ws(workspaceId),
      schema: webhookListSchema,
    });
    return answer.webhooks;
  }

  /** The answer's `authToken` is the signing secret: store its hash, it is not shown again reliably. */
  createWebhook(workspaceId: string, body: CreateWebhookRequest): Promise<Webhook> {
    return this.http.call({
      method: "POST",
      route: "/workspaces/{workspaceId}/webhooks",
      params: ws(workspaceId),
      body,
      schema: webhookSchema,
    });
  }

  async deleteWebhook(workspaceId: string, webhookId: string): Promise<void> {
    await this.http.call({
      method: "DELETE",
      route: "/workspaces/{workspaceId}/webhooks/{webhookId}",
      params: { workspaceId, webhookId },
      schema: noContent,
    });
  }

  regenerateWebhookToken(workspaceId: string, webhookId: string): Promise<Webhook> {
    return this.http.call({
      method: "PATCH",
      route: "/workspaces/{workspaceId}/webhooks/{webhookId}/token",
      params: { workspaceId, webhookId },
      schema: webhookSchema,
    });
  }

  // ---- helpers ----

  private entryQuery(filter: TimeEntryFilter, hydrated: boolean): Record<string, QueryValue> {
    return {
      start: filter.start === undefined ? undefined : clockifyTime(filter.start),
      end: filter.end === undefined ? undefined : clockifyTime(filter.end),
      "in-progress": filter.inProgress,
      project: filter.project,
      hydrated: hydrated ? true : undefined,
    };
  }

  private pages<T, U = T>(
    route: string,
    params: Record<string, string>,
    item: z.ZodType<T>,
    pageSize: number = MAX_PAGE_SIZE,
    query: Record<string, QueryValue> = {},
    keep: (item: T) => U = identity as (item: T) => U,
  ): AsyncGenerator<U[]> {
    return paginate(
      (page, size) =>
        this.http.page({
          method: "GET",
          route,
          params,
          query: { ...query, page, "page-size": size },
          item,
          map: keep,
        }),
      pageSize,
    );
  }
}

const identity = <T>(value: T): T => value;

async function orNull<T>(answer: Promise<T>): Promise<T | null> {
  try {
    return await answer;
  } catch (error) {
    if (isNotFoundAnswer(error)) return null;
    throw error;
  }
}
