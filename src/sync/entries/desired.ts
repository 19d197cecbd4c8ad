import { destinationUserOf } from "../members.js";
import type { DestinationEntry, DestinationLookup, PairScope, SourceEntry } from "../model.js";
import { withDestinationDefaults } from "./destination-defaults.js";

/**
 * "not-creatable": the pair's own entry, of a type the API cannot create (HOLIDAY, TIME_OFF, or one Clockify
 * adds later). Unlike the others it is reported: skipped and counted, never failed.
 */
export type AbsentReason = "other-user" | "running" | "no-project" | "other-client" | "not-creatable";

/** Entry types the create and update requests accept (API-NOTES §11); REGULAR when the source omits it. */
const CREATABLE_TYPES: ReadonlySet<string> = new Set(["REGULAR", "BREAK"]);

export type Desired =
  | { kind: "mirror"; entry: DestinationEntry; missing: { task?: string; tags: string[] } }
  | { kind: "absent"; reason: AbsentReason }
  /**
   * In scope, but its project has no destination counterpart: none yet (the entry waits for it), or one
   * a dry run would create first.
   */
  | { kind: "needs-project"; sourceProjectId: string; projectName: string; willBeCreated: boolean };

/** Why a source entry is none of the pair's business, or null when it is in the pair's scope. */
function outOfScope(entry: SourceEntry, scope: PairScope): AbsentReason | null {
  if (destinationUserOf(scope.members, entry.userId) === undefined) return "other-user";
  if (entry.end === null) return "running";
  if (entry.project && entry.project.clientId !== scope.sourceClientId) return "other-client";
  // Before "no-project": approved time off usually carries no project, and the pair still says it was left out.
  if (entry.type !== undefined && !CREATABLE_TYPES.has(entry.type)) return "not-creatable";
  if (!entry.project) return "no-project";
  return null;
}

/** The destination names `desired` will ask the lookup for; null when the entry is out of scope. */
export function namesNeeded(
  entry: SourceEntry,
  scope: PairScope,
): { project: { id: string; name: string }; taskName: string | null; tagNames: readonly string[] } | null {
  if (outOfScope(entry, scope) !== null || !entry.project) return null;
  const named = withDestinationDefaults(entry, scope.defaults);
  return { project: entry.project, taskName: named.taskName, tagNames: named.tagNames };
}

/**
 * The one decision of the product: what the destination should hold for a source entry. The webhook worker
 * and the reconciliation both ask it, so they cannot disagree. Pure: no I/O, no clock.
 */
export function desired(source: SourceEntry, lookup: DestinationLookup, scope: PairScope): Desired {
  const absent = outOfScope(source, scope);
  const owner = destinationUserOf(scope.members, source.userId);
  if (absent !== null || !source.project || source.end === null || owner === undefined) return { kind: "absent", reason: absent ?? "no-project" };
  const entry = { ...withDestinationDefaults(source, scope.defaults), project: source.project, end: source.end };

  const project = lookup.projectFor(entry.project.id);
  if (project === undefined || "toCreate" in project) {
    return { kind: "needs-project", sourceProjectId: entry.project.id, projectName: entry.project.name, willBeCreated: project !== undefined };
  }
  const projectId = project.id;

  // A task or tag the lookup does not know is left off the copy and reported, so the caller can say so.
  const taskId = entry.taskName === null ? null : (lookup.taskFor(projectId, entry.taskName) ?? null);
  const missingTags: string[] = [];
  const tagIds = new Set<string>();
  for (const name of entry.tagNames) {
    const id = lookup.tagFor(name);
    if (id === undefined) missingTags.push(name);
    else tagIds.add(id);
  }
  return {
    kind: "mirror",
    entry: {
      userId: owner,
      start: entry.start,
      end: entry.end,
      description: entry.description,
      billable: entry.billable,
      projectId,
      taskId,
      tagIds: [...tagIds].sort(),
      ...(entry.type === "BREAK" ? { type: "BREAK" as const } : {}),
    },
    missing: {
      ...(entry.taskName !== null && taskId === null ? { task: entry.taskName } : {}),
      tags: missingTags,
    },
  };
}
