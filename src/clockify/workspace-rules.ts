// One workspace as the doctor reads it: members with roles, features, and the settings that refuse entries.
import { z } from "zod";
import type { Transport } from "./transport.js";

const nullishString = z.string().nullish();
const membershipSchema = z.object({ userId: z.string(), membershipType: nullishString, membershipStatus: nullishString });
const flag = z.boolean().nullish().transform((v) => v ?? false);

export const workspaceDetailSchema = z.object({
  id: z.string(),
  name: z.string(),
  // Enums grow without spec updates (API-NOTES §10): any string is kept. The spec types `features` as one
  // string; live workspaces (and the spec's example) give an array.
  features: z
    .unknown()
    .optional()
    .transform((v) => (Array.isArray(v) ? v.filter((f): f is string => typeof f === "string") : typeof v === "string" ? [v] : null)),
  memberships: z.array(membershipSchema).nullish(),
  workspaceSettings: z
    .object({
      forceProjects: flag,
      forceTasks: flag,
      forceTags: flag,
      forceDescription: flag,
      // An ISO instant, or "" / null when nothing is locked.
      lockTimeEntries: nullishString,
    })
    .nullish(),
});
export type WorkspaceDetail = z.infer<typeof workspaceDetailSchema>;

export const customFieldSchema = z.object({
  id: z.string(),
  name: nullishString,
  entityType: nullishString,
  required: z.boolean().nullish(),
  status: nullishString,
  workspaceDefaultValue: z.unknown().optional(),
});
export type CustomField = z.infer<typeof customFieldSchema>;

export function getWorkspace(http: Transport, workspaceId: string): Promise<WorkspaceDetail> {
  return http.call({ method: "GET", route: "/workspaces/{workspaceId}", params: { workspaceId }, schema: workspaceDetailSchema });
}

export function listCustomFields(http: Transport, workspaceId: string): Promise<CustomField[]> {
  return http.call({ method: "GET", route: "/workspaces/{workspaceId}/custom-fields", params: { workspaceId }, schema: z.array(customFieldSchema) });
}

/** Ids of the workspaces where the key's user is an owner or an admin (the spec counts owners apart). */
export async function managedWorkspaceIds(http: Transport): Promise<Set<string>> {
  const workspaces = await http.call({
    method: "GET",
    route: "/workspaces",
    query: { roles: ["OWNER", "WORKSPACE_ADMIN"] },
    schema: z.array(z.object({ id: z.string() })),
  });
  return new Set(workspaces.map((w) => w.id));
}
