import { findProjectMappingBySourceId } from "../../db/project-map.js";
import type { DestinationLookup, DestinationProjectRef, PairScope, SourceEntry } from "../model.js";
import type { PairRuntime } from "../pair-runtime.js";
import { ensureDestinationProject } from "../projects/destination-projects.js";
import { planDestinationProject } from "../projects/plan.js";
import { namesNeeded } from "./desired.js";
import { resolveDestinationTag, resolveDestinationTask, type NameResolution } from "./destination-names.js";

export interface ProjectProblem {
  project: string;
  error: unknown;
}

export interface BuiltLookup {
  lookup: DestinationLookup;
  /** Projects that could not be resolved: their entries wait, the others go on. */
  problems: ProjectProblem[];
  /** Tags and tasks ("project: task") created for these entries (a dry run: to be created), and left off. */
  names: NameReport;
}

export interface NameReport {
  created: { tags: string[]; tasks: string[] };
  leftOff: { tags: string[]; tasks: string[] };
}

export async function scopeOf(runtime: PairRuntime): Promise<PairScope> {
  return { members: await runtime.members(), sourceClientId: runtime.pair.source.clientId, defaults: runtime.pair.destinationDefaults };
}

/**
 * Everything `desired` will ask about these entries, read once: the destination project of each source
 * project in scope (mapped, matched by name, or created: `ensure`; a dry run only looks), and the ids of
 * the task and tag names the entries carry (matched, or created when the pair allows it). The webhook path builds it for one entry, a run for all.
 */
export async function buildLookup(
  runtime: PairRuntime,
  entries: Iterable<SourceEntry>,
  mode: { projects: "ensure" | "look" },
): Promise<BuiltLookup> {
  const builder = createLookupBuilder(runtime, mode);
  await builder.add(entries);
  return builder;
}

export interface LookupBuilder extends BuiltLookup {
  /** Resolves what these entries need that earlier ones did not: a run adds each listed page as it arrives. */
  add(entries: Iterable<SourceEntry>): Promise<void>;
}

/**
 * A lookup that grows: each name is resolved once, the first time an entry needs it; one that failed
 * stays a problem and is not tried again in the same run.
 */
export function createLookupBuilder(runtime: PairRuntime, mode: { projects: "ensure" | "look" }): LookupBuilder {
  const refs = new Map<string, DestinationProjectRef>();
  const tried = new Map<string, string>();
  const tags = new Map<string, string>();
  const tagsTried = new Set<string>();
  const tasks = new Map<string, string>();
  const tasksTried = new Set<string>();
  const problems: ProjectProblem[] = [];
  const names: NameReport = { created: { tags: [], tasks: [] }, leftOff: { tags: [], tasks: [] } };
  const taskKey = (projectId: string, name: string) => `${projectId}\u0000${name}`;
  const resolveProjects = async (wanted: Map<string, string>) => {
    for (const [id, name] of wanted) {
      tried.set(id, name);
      try {
        const ref = mode.projects === "ensure" ? await ensureProject(runtime, id, name) : await lookForProject(runtime, id, name);
        if (ref) refs.set(id, ref);
      } catch (error) {
        problems.push({ project: name, error });
      }
    }
  };
  const resolveTasks = async (wanted: Map<string, Set<string>>) => {
    for (const [sourceProjectId, taskNames] of wanted) {
      const ref = refs.get(sourceProjectId);
      if (!ref || !("id" in ref)) continue;
      const projectName = tried.get(sourceProjectId) ?? sourceProjectId;
      try {
        for (const name of taskNames) {
          if (tasksTried.has(taskKey(sourceProjectId, name))) continue;
          tasksTried.add(taskKey(sourceProjectId, name));
          const resolved = await resolveDestinationTask(runtime, ref.id, name, mode.projects);
          const id = noteResolution(resolved, `${projectName}: ${name}`, names.created.tasks, names.leftOff.tasks);
          if (id) tasks.set(taskKey(ref.id, name), id);
        }
      } catch (error) {
        // Its tasks cannot be read or made: that project's entries wait rather than lose their task.
        refs.delete(sourceProjectId);
        problems.push({ project: projectName, error });
      }
    }
  };
  return {
    lookup: {
      projectFor: (id) => refs.get(id),
      taskFor: (projectId, name) => tasks.get(taskKey(projectId, name)),
      tagFor: (name) => tags.get(name),
    },
    problems,
    names,
    async add(entries) {
      const needs = await namesOf(runtime, entries);
      for (const id of tried.keys()) needs.projects.delete(id);
      for (const name of tagsTried) needs.tagNames.delete(name);
      await resolveProjects(needs.projects);
      for (const name of needs.tagNames) tagsTried.add(name);
      for (const [name, id] of await resolveTags(runtime, needs.tagNames, mode.projects, names)) tags.set(name, id);
      await resolveTasks(needs.taskNames);
    },
  };
}

/** The projects (id → name), tag names and task names (per source project) the entries in scope carry. */
async function namesOf(runtime: PairRuntime, entries: Iterable<SourceEntry>) {
  const scope = await scopeOf(runtime);
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
  return { projects, tagNames, taskNames };
}

async function resolveTags(runtime: PairRuntime, tagNames: Iterable<string>, mode: "ensure" | "look", names: NameReport): Promise<Map<string, string>> {
  const tags = new Map<string, string>();
  for (const name of tagNames) {
    const id = noteResolution(await resolveDestinationTag(runtime, name, mode), name, names.created.tags, names.leftOff.tags);
    if (id) tags.set(name, id);
  }
  return tags;
}

/** The id to use, if any; the name is noted as created (or to be, in a dry run) or left off. */
function noteResolution(resolved: NameResolution, label: string, created: string[], leftOff: string[]): string | undefined {
  if (resolved.kind === "created" || resolved.kind === "would-create") created.push(label);
  if (resolved.kind === "left-off") leftOff.push(label);
  return "id" in resolved ? resolved.id : undefined;
}

async function ensureProject(runtime: PairRuntime, id: string, name: string): Promise<DestinationProjectRef | undefined> {
  const result = await ensureDestinationProject(runtime, { id, name });
  return result.kind === "mapped" ? { id: result.destinationProjectId } : undefined;
}

/** What ensureDestinationProject would answer, without writing anything. */
async function lookForProject(runtime: PairRuntime, id: string, name: string): Promise<DestinationProjectRef | undefined> {
  const mapped = await findProjectMappingBySourceId(runtime.database, runtime.pair.id, id);
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
