// The API key's own user, its workspaces and their members.
import { z } from "zod";
import { collect, listPages } from "./pagination.js";
import { userSchema, workspaceSchema, type User, type Workspace } from "./schemas.js";
import type { Transport } from "./transport.js";

export function getCurrentUser(http: Transport): Promise<User> {
  return http.call({ method: "GET", route: "/user", schema: userSchema });
}

export function listWorkspaces(http: Transport): Promise<Workspace[]> {
  return http.call({ method: "GET", route: "/workspaces", schema: z.array(workspaceSchema) });
}

export function listUsers(http: Transport, workspaceId: string, filter: { name?: string; email?: string }): Promise<User[]> {
  return collect(
    listPages(http, {
      route: "/workspaces/{workspaceId}/users",
      params: { workspaceId },
      item: userSchema,
      // The users list is reported to cap pages at 200 (API-NOTES §7).
      pageSize: 200,
      query: { name: filter.name, email: filter.email },
    }),
  );
}
