import { createClient, createProject, createTag, createTask, deleteProject, updateProject } from "../catalog.js";
import { notInWorkspace } from "../errors.js";
import {
  createClientBody,
  createProjectBody,
  createTagBody,
  createTaskBody,
  parseBody,
  updateProjectBody,
} from "../request-schemas.js";
import { clientDto, projectDto, tagDto, taskDto } from "../serialize.js";
import { created, ok, workspaceRoute } from "./define.js";
import { byName, flag, list, nameMatches, paginate, paging, text } from "./query.js";
import type { Route } from "./define.js";

/** Clients, projects, tasks and tags. HTTP mutations always emit webhooks, acting as the key's user. */

const CLIENTS = "/v1/workspaces/{workspaceId}/clients";
const PROJECTS = "/v1/workspaces/{workspaceId}/projects";
const PROJECT = `${PROJECTS}/{projectId}`;
const TASKS = `${PROJECT}/tasks`;
const TAGS = "/v1/workspaces/{workspaceId}/tags";

/** "true" → only archived, "false" → only active, absent → `whenAbsent`. */
function archivedFilter(archived: boolean | undefined, whenAbsent: boolean | undefined) {
  const want = archived ?? whenAbsent;
  return (item: { archived: boolean }): boolean => want === undefined || item.archived === want;
}

export const catalogRoutes: Route[] = [
  workspaceRoute("GET", CLIENTS, ({ ws, query }) => {
    const keep = archivedFilter(flag(query, "archived"), undefined);
    const name = text(query, "name");
    const clients = [...ws.clients.values()].filter((c) => keep(c) && nameMatches(c.name, name, false)).sort(byName);
    return ok(paginate(clients, paging(query)).map(clientDto));
  }),
  workspaceRoute("POST", CLIENTS, ({ store, ws, user, body }) => {
    const input = parseBody(createClientBody, body);
    return created(clientDto(createClient(store, ws, { ...input, name: input.name ?? "" }, { emit: true, actorId: user.id })));
  }),
  workspaceRoute("GET", `${CLIENTS}/{id}`, ({ store, ws, params }) => ok(clientDto(store.client(ws, params.id ?? "")))),

  workspaceRoute("GET", PROJECTS, ({ ws, query }) => {
    const keep = archivedFilter(flag(query, "archived"), undefined);
    const name = text(query, "name");
    const strict = flag(query, "strict-name-search");
    const clients = list(query, "clients");
    const billable = flag(query, "billable");
    const projects = [...ws.projects.values()]
      .filter(
        (p) =>
          keep(p) &&
          nameMatches(p.name, name, strict) &&
          (clients === undefined || (p.clientId !== null && clients.includes(p.clientId))) &&
          (billable === undefined || p.billable === billable),
      )
      .sort(byName);
    return ok(paginate(projects, paging(query)).map((p) => projectDto(ws, p)));
  }),
  workspaceRoute("POST", PROJECTS, ({ store, ws, user, body }) => {
    const input = parseBody(createProjectBody, body);
    const project = createProject(store, ws, { ...input, name: input.name ?? "" }, { emit: true, actorId: user.id });
    return created(projectDto(ws, project));
  }),
  workspaceRoute("GET", PROJECT, ({ store, ws, params }) => ok(projectDto(ws, store.project(ws, params.projectId ?? "")))),
  workspaceRoute("PUT", PROJECT, ({ store, ws, user, params, body }) => {
    const patch = parseBody(updateProjectBody, body);
    return ok(projectDto(ws, updateProject(store, ws, params.projectId ?? "", patch, { emit: true, actorId: user.id })));
  }),
  workspaceRoute("DELETE", PROJECT, ({ store, ws, user, params }) =>
    ok(projectDto(ws, deleteProject(store, ws, params.projectId ?? "", { emit: true, actorId: user.id }))),
  ),

  workspaceRoute("GET", TASKS, ({ store, ws, params, query }) => {
    const project = store.project(ws, params.projectId ?? "");
    const name = text(query, "name");
    const strict = flag(query, "strict-name-search");
    const active = flag(query, "is-active");
    const tasks = [...ws.tasks.values()]
      .filter(
        (t) =>
          t.projectId === project.id &&
          nameMatches(t.name, name, strict) &&
          (active === undefined || (t.status === "ACTIVE") === active),
      )
      .sort(byName);
    return ok(paginate(tasks, paging(query)).map(taskDto));
  }),
  workspaceRoute("POST", TASKS, ({ store, ws, user, params, body }) => {
    const input = parseBody(createTaskBody, body);
    const task = createTask(
      store,
      ws,
      params.projectId ?? "",
      { ...input, name: input.name ?? "", assigneeIds: input.assigneeIds ?? [] },
      { emit: true, actorId: user.id },
    );
    return created(taskDto(task));
  }),
  workspaceRoute("GET", `${TASKS}/{taskId}`, ({ store, ws, params }) => {
    const project = store.project(ws, params.projectId ?? "");
    const task = store.task(ws, params.taskId ?? "");
    if (task.projectId !== project.id) throw notInWorkspace("Task");
    return ok(taskDto(task));
  }),

  workspaceRoute("GET", TAGS, ({ ws, query }) => {
    // The spec documents archived=false as the default for tags.
    const keep = archivedFilter(flag(query, "archived"), false);
    const name = text(query, "name");
    const strict = flag(query, "strict-name-search");
    const tags = [...ws.tags.values()].filter((t) => keep(t) && nameMatches(t.name, name, strict)).sort(byName);
    return ok(paginate(tags, paging(query)).map(tagDto));
  }),
  workspaceRoute("POST", TAGS, ({ store, ws, user, body }) => {
    const input = parseBody(createTagBody, body);
    return created(tagDto(createTag(store, ws, { name: input.name ?? "" }, { emit: true, actorId: user.id })));
  }),
];
