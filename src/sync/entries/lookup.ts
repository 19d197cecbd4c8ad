import { findProjectMappingBySourceId } from "../../db/project-map.js";
import type { DestinationLookup, DestinationProjectRef, PairScope, SourceEntry } from "../model.js";
import type { PairRuntime } from "../pair-runtime.js";
import { ensureDestinationProject } from "../projects/destination-projects.js";
import { planDestinationProject } from "../projects/plan.js";
import { namesNeeded } from "./desired.js";

export interface ProjectProblem {
  project: string;
  error: unknown;
}

export interface BuiltLookup {
  lookup: DestinationLookup;
  /** Projects that could not be resolved: their entries wait, the others go on. */
  problems: ProjectProblem[];
}

export function scopeOf(runtime: PairRuntime): PairScope {
  return { sourceUserId: runtime.pair.source.userId, sourceClientId: runtime.pair.source.clientId };
}

/**
 * Everything `desired` will ask about these entries, read once: the destination project of each source
 * project in scope (mapped, matched by name, or created: `ensure`; a dry run only looks), and the ids of
 * the task and tag names the entries carry. The webhook path builds it for one entry, a run for all.
 */
export async function buildLookup(
  runtime: PairRuntime,
  entries: Iterable<SourceEntry>,
  mode: { projects: "ensure" | "look" },
): Promise<BuiltLookup> {
  const scope = scopeOf(runtime);
  const projects = new Map<string, string>();
  const tagNames = new Set<string>();
  const taskNames = new Map<string, Set<string>>();
  for (const entry of entries) {
    const needs = namesNeeded(entry, scope);
    if (!needs) continue;
    projects.set(needs.project.id, needs.project.name);
    for (const name of needs.tagNames) tagNames.add(name);
    if (needs.taskName !== null) {
      const names = taskNames.get(needs.project.id) ?? new Set<string>();
      names.add(needs.taskName);
      taskNames.set(needs.project.id, names);
    }
  }

  const refs = new Map<string, DestinationProjectRef>();
  const problems: ProjectProblem[] = [];
  for (const [id, name] of projects) {
    try {
      const ref = mode.projects === "ensure" ? await ensureProject(runtime, id, name) : await lookForProject(runtime, id, name);
      if (ref) refs.set(id, ref);
    } catch (error) {
      problems.push({ project: name, error });
    }
  }

  const tags = new Map<string, string>();
  for (const name of tagNames) {
    const id = await runtime.destinationCatalog.tagId(name);
    if (id) tags.set(name, id);
  }
  const tasks = new Map<string, string>();
  const taskKey = (projectId: string, name: string) => `${projectId}\u0000${name}`;
  for (const [sourceProjectId, names] of taskNames) {
    const ref = refs.get(sourceProjectId);
    if (!ref || !("id" in ref)) continue;
    try {
      for (const name of names) {
        const id = await runtime.destinationCatalog.taskId(ref.id, name);
        if (id) tasks.set(taskKey(ref.id, name), id);
      }
    } catch (error) {
      // Its tasks cannot be read: that project's entries wait rather than lose their task.
      refs.delete(sourceProjectId);
      problems.push({ project: projects.get(sourceProjectId) ?? sourceProjectId, error });
    }
  }
  return {
    lookup: {
      projectFor: (id) => refs.get(id),
      taskFor: (projectId, name) => tasks.get(taskKey(projectId, name)),
      tagFor: (name) => tags.get(name),
    },
    problems,
  };
}

async function ensureProject(runtime: PairRuntime, id: string, name: string): Promise<DestinationProjectRef | undefined> {
  const result = await ensureDestinationProject(runtime, { id, name });
  return result.kind === "mapped" ? { id: result.destinationProjectId } : undefined;
}

/** What ensureDestinationProject would answer, without writing anything. */
async function lookForProject(runtime: PairRuntime, id: string, name: string): Promise<DestinationProjectRef | undefined> {
  const mapped = findProjectMappingBySourceId(runtime.database, runtime.pair.id, id);
  const decision = planDestinationProject({
    mappedDestinationId: mapped?.destinationProjectId,
    sameNamed: mapped ? [] : await runtime.destinationCatalog.projectsNamed(name),
    mayCreate: runtime.pair.createMissingDestinationProjects,
    destinationClientId: runtime.pair.destination.clientId,
  });
  switch (decision.kind) {
    case "existing":
    case "match":
      return { id: decision.destinationProjectId };
    case "create":
      return { toCreate: name };
    case "missing":
      return undefined;
  }
}
