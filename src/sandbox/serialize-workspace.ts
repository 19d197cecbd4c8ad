import type { WorkspaceRecord } from "./model.js";
import { CURRENCY_ID, DEFAULT_CURRENCY } from "./serialize.js";
import { workspaceFeatures } from "./workspace-rules.js";

/** WorkspaceDtoV1 */
export interface WorkspaceDto {
  id: string;
  name: string;
  hourlyRate: { amount: number; currency: string };
  features: string[];
  memberships: { userId: string; targetId: string; membershipType: string; membershipStatus: string }[];
  workspaceSettings: Record<string, string | boolean>;
  imageUrl: string;
  currencies: { id: string; code: string; isDefault: boolean }[];
}

export function workspaceDto(ws: WorkspaceRecord): WorkspaceDto {
  return {
    id: ws.id,
    name: ws.name,
    hourlyRate: { amount: 0, currency: DEFAULT_CURRENCY },
    features: workspaceFeatures(ws),
    memberships: [...ws.members.keys()].map((userId) => ({
      userId,
      targetId: ws.id,
      membershipType: "WORKSPACE",
      membershipStatus: "ACTIVE",
    })),
    workspaceSettings: {
      timeRoundingInReports: false,
      onlyAdminsSeeBillableRates: true,
      onlyAdminsCreateProject: false,
      onlyAdminsSeeDashboard: false,
      defaultBillableProjects: true,
      lockTimeEntries: ws.rules.lockedBefore === null ? "" : new Date(ws.rules.lockedBefore).toISOString().replace(/\.\d{3}Z$/, "Z"),
      lockTimeZone: "",
      projectPickerSpecialFilter: false,
      forceProjects: ws.rules.forceProjects,
      forceTasks: ws.rules.forceTasks,
      forceTags: ws.rules.forceTags,
      forceDescription: ws.rules.forceDescription,
      onlyAdminsSeeAllTimeEntries: false,
      onlyAdminsSeePublicProjectsEntries: false,
      trackTimeDownToSecond: true,
      projectGroupingLabel: "client",
      onlyAdminsCreateTag: false,
      onlyAdminsCreateTask: false,
      timeTrackingMode: "DEFAULT",
      isProjectPublicByDefault: true,
      canSeeTimeSheet: true,
      canSeeTracker: true,
      multiFactorEnabled: false,
    },
    imageUrl: "",
    currencies: [{ id: CURRENCY_ID, code: DEFAULT_CURRENCY, isDefault: true }],
  };
}
