import type { DestinationEntry, DestinationLookup, PairScope, SourceEntry } from "./model.js";

export type AbsentReason = "other-user" | "running" | "no-project" | "other-client";

export type Desired =
  | { kind: "mirror"; entry: DestinationEntry; missing: { task?: string; tags: string[] } }
  | { kind: "absent"; reason: AbsentReason }
  /** In scope, but its project has no destination counterpart yet: the shell maps or creates it, then asks again. */
  | { kind: "needs-project"; sourceProjectId: string; projectName: string };

/**
 * The one decision of the product: what the destination should hold for a source entry. The webhook worker
 * and the reconciliation both ask it, so they cannot disagree. Pure: no I/O, no clock.
 */
export function desired(entry: SourceEntry, lookup: DestinationLookup, scope: PairScope): Desired {
  if (entry.userId !== scope.sourceUserId) return { kind: "absent", reason: "other-user" };
  if (entry.end === null) return { kind: "absent", reason: "running" };
  if (!entry.project) return { kind: "absent", reason: "no-project" };
  if (entry.project.clientId !== scope.sourceClientId) return { kind: "absent", reason: "other-client" };

  const projectId = lookup.projectFor(entry.project.id);
  if (projectId === undefined) {
    return { kind: "needs-project", sourceProjectId: entry.project.id, projectName: entry.project.name };
  }

  // Tasks and tags are matched by name and never created in the customer's workspace: a missing one is
  // left off the copy and reported, so the caller can say so.
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
      start: entry.start,
      end: entry.end,
      description: entry.description,
      billable: entry.billable,
      projectId,
      taskId,
      tagIds: [...tagIds].sort(),
    },
    missing: {
      ...(entry.taskName !== null && taskId === null ? { task: entry.taskName } : {}),
      tags: missingTags,
    },
  };
}
