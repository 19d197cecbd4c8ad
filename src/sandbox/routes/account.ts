import { userDto } from "../serialize.js";
import { workspaceDto } from "../serialize-workspace.js";
import { customFieldDto } from "../workspace-rules.js";
import { accountRoute, ok, workspaceRoute } from "./define.js";
import { list, paginate, paging, text } from "./query.js";
import type { Role } from "../model.js";
import type { Store } from "../store.js";
import type { Route } from "./define.js";

/** The names Clockify's `roles` filter uses. */
const ROLE_NAMES: Record<Role, string> = { OWNER: "OWNER", ADMIN: "WORKSPACE_ADMIN", MEMBER: "MEMBER" };

function firstWorkspaceOf(store: Store, userId: string): string {
  for (const ws of store.workspaces.values()) if (ws.members.has(userId)) return ws.id;
  return "";
}

export const accountRoutes: Route[] = [
  accountRoute("GET", "/v1/user", ({ store, user }) => ok(userDto(user, firstWorkspaceOf(store, user.id)))),

  accountRoute("GET", "/v1/workspaces", ({ store, user, query }) => {
    const roles = list(query, "roles");
    const mine = [...store.workspaces.values()].filter((ws) => {
      const role = ws.members.get(user.id);
      return role !== undefined && (roles === undefined || roles.includes(ROLE_NAMES[role]));
    });
    return ok(mine.map(workspaceDto));
  }),

  workspaceRoute("GET", "/v1/workspaces/{workspaceId}", ({ ws }) => ok(workspaceDto(ws))),

  workspaceRoute("GET", "/v1/workspaces/{workspaceId}/custom-fields", ({ ws, query }) => {
    const status = text(query, "status");
    const fields = [...ws.customFields.values()].filter((f) => status === undefined || f.status === status);
    return ok(fields.map((f) => customFieldDto(ws, f)));
  }),

  workspaceRoute("GET", "/v1/workspaces/{workspaceId}/users", ({ store, ws, query }) => {
    const name = text(query, "name")?.toLowerCase();
    const email = text(query, "email")?.toLowerCase();
    const users = [...ws.members.keys()]
      .flatMap((id) => {
        const user = store.users.get(id);
        return user ? [user] : [];
      })
      .filter((u) => (name === undefined || u.name.toLowerCase().includes(name)) && (email === undefined || u.email.toLowerCase().includes(email)))
      .sort((a, b) => a.name.localeCompare(b.name));
    return ok(paginate(users, paging(query)).map((u) => userDto(u, ws.id)));
  }),
];
