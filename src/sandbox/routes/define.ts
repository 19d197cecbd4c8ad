import type { Role, UserRecord, WorkspaceRecord } from "../model.js";
import type { Store } from "../store.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ApiContext {
  store: Store;
  /** The API key's owner. */
  user: UserRecord;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

/** For routes under /v1/workspaces/{workspaceId}: membership is already checked. */
export interface WorkspaceContext extends ApiContext {
  ws: WorkspaceRecord;
  role: Role;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface RouteBase {
  method: HttpMethod;
  /** The spec's path template, also the `route` label in stats. */
  template: string;
}

export type Route =
  | (RouteBase & { scope: "account"; handle: (ctx: ApiContext) => RouteResult })
  | (RouteBase & { scope: "workspace"; handle: (ctx: WorkspaceContext) => RouteResult });

export function accountRoute(method: HttpMethod, template: string, handle: (ctx: ApiContext) => RouteResult): Route {
  return { method, template, scope: "account", handle };
}

export function workspaceRoute(
  method: HttpMethod,
  template: string,
  handle: (ctx: WorkspaceContext) => RouteResult,
): Route {
  return { method, template, scope: "workspace", handle };
}

export function ok(body: unknown, status = 200, headers?: Record<string, string>): RouteResult {
  return { status, body, headers };
}

export function created(body: unknown): RouteResult {
  return { status: 201, body };
}
