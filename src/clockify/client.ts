import type { Dispatcher } from "undici";
import * as account from "./account.js";
import { defaultBackoff, type BackoffOptions } from "./backoff.js";
import * as catalog from "./catalog.js";
import * as feed from "./change-feed.js";
import type { ChangeKind, FeedLine, FeedQuery } from "./change-feed.js";
import type { FailureSite } from "./explain.js";
import type { ProjectFilter } from "./catalog.js";
import { RateLimiterRegistry, type RequestGate } from "./rate-limiter.js";
import type {
  Client,
  CreateWebhookRequest,
  HydratedTimeEntry,
  Project,
  ProjectRequest,
  Tag,
  Task,
  TimeEntry,
  TimeEntryRequest,
  UpdateProjectRequest,
  User,
  Webhook,
  Workspace,
} from "./schemas.js";
import * as entries from "./time-entries.js";
import type { TimeEntryFilter } from "./time-entries.js";
import { Transport, type RequestEvent } from "./transport.js";
import * as webhookLogs from "./webhook-logs.js";
import type { WebhookEventStatus, WebhookLog, WebhookLogSearch } from "./webhook-logs.js";
import * as webhooks from "./webhooks.js";
import * as rules from "./workspace-rules.js";
import type { CustomField, WorkspaceDetail } from "./workspace-rules.js";

const DEFAULT_API_URL = "https://api.clockify.me/api/v1";

export interface ClockifyClientOptions {
  /** API base including `/api/v1`; regional hosts (`https://euc1.clockify.me/api/v1`) work the same. */
  baseUrl?: string;
  apiKey: string;
  /** Share one gate between clients that use the same key (see RateLimiterRegistry). */
  limiter?: RequestGate;
  requestsPerSecond?: number;
  timeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  dispatcher?: Dispatcher;
  onRequest?: (event: RequestEvent) => void;
  random?: () => number;
  /** The pair and side this client serves: its errors then say so, and what to do (see explain.ts). */
  site?: FailureSite;
}

/**
 * Typed access to the parts of the Clockify v1 API the sync needs, one key and one rate limit per client.
 * Every answer is parsed with zod; the endpoints themselves live in account, catalog, time-entries and
 * webhooks, so this class only holds the connection and names the calls.
 */
export class ClockifyClient {
  private readonly http: Transport;
  private requests = 0;

  constructor(options: ClockifyClientOptions) {
    const onRequest = options.onRequest;
    this.http = new Transport({
      baseUrl: options.baseUrl ?? DEFAULT_API_URL,
      apiKey: options.apiKey,
      limiter: options.limiter ?? new RateLimiterRegistry({ requestsPerSecond: options.requestsPerSecond ?? 10 }).forKey(options.apiKey),
      timeoutMs: options.timeoutMs ?? 30_000,
      backoff: { ...defaultBackoff, ...options.backoff },
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.site ? { site: options.site } : {}),
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
    return account.getCurrentUser(this.http);
  }

  /** One workspace with its members, features and the settings that refuse entries. */
  getWorkspace(workspaceId: string): Promise<WorkspaceDetail> {
    return rules.getWorkspace(this.http, workspaceId);
  }

  listCustomFields(workspaceId: string): Promise<CustomField[]> {
    return rules.listCustomFields(this.http, workspaceId);
  }

  /** Workspaces where this key may act for others (owner or admin). */
  managedWorkspaceIds(): Promise<Set<string>> {
    return rules.managedWorkspaceIds(this.http);
  }

  listWorkspaces(): Promise<Workspace[]> {
    return account.listWorkspaces(this.http);
  }

  listUsers(workspaceId: string, filter: { name?: string; email?: string } = {}): Promise<User[]> {
    return account.listUsers(this.http, workspaceId, filter);
  }

  // ---- clients, projects, tasks, tags ----

  listClients(workspaceId: string, filter: { name?: string; archived?: boolean } = {}): Promise<Client[]> {
    return catalog.listClients(this.http, workspaceId, filter);
  }

  /** Fails with 400 code 501 when the client is not in the workspace (API-NOTES §10). */
  getClient(workspaceId: string, clientId: string): Promise<Client> {
    return catalog.getClient(this.http, workspaceId, clientId);
  }

  listProjects(workspaceId: string, filter: ProjectFilter = {}): Promise<Project[]> {
    return catalog.listProjects(this.http, workspaceId, filter);
  }

  createProject(workspaceId: string, body: ProjectRequest): Promise<Project> {
    return catalog.createProject(this.http, workspaceId, body);
  }

  updateProject(workspaceId: string, projectId: string, body: UpdateProjectRequest): Promise<Project> {
    return catalog.updateProject(this.http, workspaceId, projectId, body);
  }

  listTasks(workspaceId: string, projectId: string, filter: { name?: string } = {}): Promise<Task[]> {
    return catalog.listTasks(this.http, workspaceId, projectId, filter);
  }

  listTags(workspaceId: string, filter: { name?: string; archived?: boolean } = {}): Promise<Tag[]> {
    return catalog.listTags(this.http, workspaceId, filter);
  }

  createTask(workspaceId: string, projectId: string, body: { name: string }): Promise<Task> {
    return catalog.createTask(this.http, workspaceId, projectId, body);
  }

  createTag(workspaceId: string, body: { name: string }): Promise<Tag> {
    return catalog.createTag(this.http, workspaceId, body);
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
    keep?: (entry: TimeEntry) => U,
  ): AsyncGenerator<U[]> {
    return entries.timeEntryPages(this.http, workspaceId, userId, filter, keep);
  }

  /** As timeEntryPages, with the project, task and tag objects inlined (`hydrated=true`). */
  hydratedTimeEntryPages<U = HydratedTimeEntry>(
    workspaceId: string,
    userId: string,
    filter: TimeEntryFilter = {},
    keep?: (entry: HydratedTimeEntry) => U,
  ): AsyncGenerator<U[]> {
    return entries.hydratedTimeEntryPages(this.http, workspaceId, userId, filter, keep);
  }

  /** The entry, or null when Clockify says it does not exist in this workspace. */
  getTimeEntry(workspaceId: string, entryId: string): Promise<TimeEntry | null> {
    return entries.getTimeEntry(this.http, workspaceId, entryId);
  }

  /** As getTimeEntry, with project, task and tags inlined: what the sync needs to decide by name. */
  getHydratedTimeEntry(workspaceId: string, entryId: string): Promise<HydratedTimeEntry | null> {
    return entries.getHydratedTimeEntry(this.http, workspaceId, entryId);
  }

  /** Creates an entry owned by the API key's user. */
  createTimeEntry(workspaceId: string, body: TimeEntryRequest): Promise<TimeEntry> {
    return entries.createTimeEntry(this.http, workspaceId, body);
  }

  /** Creates an entry for another member; needs an owner/admin key and the "add time for others" feature. */
  createTimeEntryForUser(workspaceId: string, userId: string, body: TimeEntryRequest): Promise<TimeEntry> {
    return entries.createTimeEntryForUser(this.http, workspaceId, userId, body);
  }

  /** PUT is a full replacement: anything left out of `body` is cleared, so pass the whole desired entry. */
  updateTimeEntry(workspaceId: string, entryId: string, body: TimeEntryRequest): Promise<TimeEntry> {
    return entries.updateTimeEntry(this.http, workspaceId, entryId, body);
  }

  deleteTimeEntry(workspaceId: string, entryId: string): Promise<void> {
    return entries.deleteTimeEntry(this.http, workspaceId, entryId);
  }

  // ---- webhooks ----

  listWebhooks(workspaceId: string): Promise<Webhook[]> {
    return webhooks.listWebhooks(this.http, workspaceId);
  }

  /** The answer's `authToken` is the signing secret: store its hash, it is not shown again reliably. */
  createWebhook(workspaceId: string, body: CreateWebhookRequest): Promise<Webhook> {
    return webhooks.createWebhook(this.http, workspaceId, body);
  }

  deleteWebhook(workspaceId: string, webhookId: string): Promise<void> {
    return webhooks.deleteWebhook(this.http, workspaceId, webhookId);
  }

  regenerateWebhookToken(workspaceId: string, webhookId: string): Promise<Webhook> {
    return webhooks.regenerateWebhookToken(this.http, workspaceId, webhookId);
  }

  /** A PUT of the webhook's fields; `enabled` is not in the spec's request (see webhooks.ts). */
  updateWebhook(workspaceId: string, webhookId: string, body: webhooks.UpdateWebhookRequest): Promise<Webhook> {
    return webhooks.updateWebhook(this.http, workspaceId, webhookId, body);
  }

  /** One page of a webhook's delivery attempts in a time window (`status: "FAILED"`: the failed ones). */
  searchWebhookLogs(workspaceId: string, webhookId: string, search: WebhookLogSearch, paging: { size: number; page?: number }): Promise<WebhookLog[]> {
    return webhookLogs.searchWebhookLogs(this.http, workspaceId, webhookId, search, paging);
  }

  listWebhookEventStatuses(workspaceId: string, webhookId: string, filter: { status?: "SUCCEEDED" | "RETRYING" | "FAILED"; size?: number } = {}): Promise<WebhookEventStatus[]> {
    return webhookLogs.listWebhookEventStatuses(this.http, workspaceId, webhookId, filter);
  }

  // ---- change feed (experimental; polling mode) ----

  /** One page of `/entities/{kind}` (API-NOTES §11); imported lazily so this file's imports stay the lead's. */
  entityChangesPage(workspaceId: string, kind: ChangeKind, query: FeedQuery): Promise<FeedLine[]> {
    return feed.entityChangesPage(this.http, workspaceId, kind, query);
  }
}
