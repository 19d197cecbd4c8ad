// What entries point at: clients, projects with their tasks, and tags.
import { collect, listPages } from "./pagination.js";
import {
  clientSchema,
  projectSchema,
  tagSchema,
  taskSchema,
  type Client,
  type Project,
  type ProjectRequest,
  type Tag,
  type Task,
  type UpdateProjectRequest,
} from "./schemas.js";
import type { Transport } from "./transport.js";

export interface ProjectFilter {
  name?: string;
  /** With `name`: exact match instead of Clockify's default substring search. */
  strictNameSearch?: boolean;
  archived?: boolean;
  clientIds?: string[];
  pageSize?: number;
}

export function listClients(http: Transport, workspaceId: string, filter: { name?: string; archived?: boolean }): Promise<Client[]> {
  return collect(
    listPages(http, {
      route: "/workspaces/{workspaceId}/clients",
      params: { workspaceId },
      item: clientSchema,
      query: { name: filter.name, archived: filter.archived },
    }),
  );
}

export function getClient(http: Transport, workspaceId: string, clientId: string): Promise<Client> {
  return http.call({
    method: "GET",
    // The spec names the parameter `id`; `clientId` here lets a refusal name source.clientId.
    route: "/workspaces/{workspaceId}/clients/{clientId}",
    params: { workspaceId, clientId },
    schema: clientSchema,
  });
}

export function listProjects(http: Transport, workspaceId: string, filter: ProjectFilter): Promise<Project[]> {
  return collect(
    listPages(http, {
      route: "/workspaces/{workspaceId}/projects",
      params: { workspaceId },
      item: projectSchema,
      pageSize: filter.pageSize,
      query: {
        name: filter.name,
        "strict-name-search": filter.strictNameSearch,
        archived: filter.archived,
        clients: filter.clientIds,
      },
    }),
  );
}

export function createProject(http: Transport, workspaceId: string, body: ProjectRequest): Promise<Project> {
  return http.call({
    method: "POST",
    route: "/workspaces/{workspaceId}/projects",
    params: { workspaceId },
    body,
    schema: projectSchema,
  });
}

export function updateProject(
  http: Transport,
  workspaceId: string,
  projectId: string,
  body: UpdateProjectRequest,
): Promise<Project> {
  return http.call({
    method: "PUT",
    route: "/workspaces/{workspaceId}/projects/{projectId}",
    params: { workspaceId, projectId },
    body,
    schema: projectSchema,
  });
}

export function listTasks(http: Transport, workspaceId: string, projectId: string, filter: { name?: string }): Promise<Task[]> {
  return collect(
    listPages(http, {
      route: "/workspaces/{workspaceId}/projects/{projectId}/tasks",
      params: { workspaceId, projectId },
      item: taskSchema,
      query: { name: filter.name },
    }),
  );
}

export function listTags(http: Transport, workspaceId: string, filter: { name?: string; archived?: boolean }): Promise<Tag[]> {
  return collect(
    listPages(http, {
      route: "/workspaces/{workspaceId}/tags",
      params: { workspaceId },
      item: tagSchema,
      query: { name: filter.name, archived: filter.archived },
    }),
  );
}

export function createTask(http: Transport, workspaceId: string, projectId: string, body: { name: string }): Promise<Task> {
  return http.call({
    method: "POST",
    route: "/workspaces/{workspaceId}/projects/{projectId}/tasks",
    params: { workspaceId, projectId },
    body,
    schema: taskSchema,
  });
}

export function createTag(http: Transport, workspaceId: string, body: { name: string }): Promise<Tag> {
  return http.call({
    method: "POST",
    route: "/workspaces/{workspaceId}/tags",
    params: { workspaceId },
    body,
    schema: tagSchema,
  });
}
