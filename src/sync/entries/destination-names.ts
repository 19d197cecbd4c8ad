import { ClockifyError } from "../../clockify/errors.js";
import { tagLockKey, taskLockKey, type PairRuntime } from "../pair-runtime.js";
import { planDestinationName, tagCandidate, taskCandidate } from "./tag-task-plan.js";

/** How a tag or task name of a source entry resolved in the destination. */
export type NameResolution =
  | { kind: "match"; id: string }
  | { kind: "created"; id: string }
  /** A dry run: it would be created. */
  | { kind: "would-create" }
  /** Creation is off, or Clockify refused it: the copy goes without it. */
  | { kind: "left-off"; refused?: string };

interface NameSide {
  what: string;
  lockKey: string;
  mayCreate: boolean;
  list(): Promise<{ id: string; archived: boolean }[]>;
  create(): Promise<{ id: string }>;
  invalidate(): void;
}

export function resolveDestinationTag(runtime: PairRuntime, name: string, mode: "ensure" | "look"): Promise<NameResolution> {
  const { destinationCatalog: catalog, pair } = runtime;
  const workspaceId = pair.destination.workspaceId;
  return resolveName(runtime, mode, {
    what: `tag "${name}"`,
    lockKey: tagLockKey(workspaceId, name),
    mayCreate: pair.createMissingDestinationTags,
    list: async () => (await catalog.tagsNamed(name)).map(tagCandidate),
    create: async () => {
      const tag = await runtime.destination.createTag(workspaceId, { name });
      catalog.rememberTag(tag);
      return tag;
    },
    invalidate: () => catalog.invalidateTags(),
  });
}

export function resolveDestinationTask(runtime: PairRuntime, projectId: string, name: string, mode: "ensure" | "look"): Promise<NameResolution> {
  const { destinationCatalog: catalog, pair } = runtime;
  const workspaceId = pair.destination.workspaceId;
  return resolveName(runtime, mode, {
    what: `task "${name}"`,
    lockKey: taskLockKey(workspaceId, projectId, name),
    mayCreate: pair.createMissingDestinationTasks,
    list: async () => (await catalog.tasksNamed(projectId, name)).map(taskCandidate),
    create: async () => {
      const task = await runtime.destination.createTask(workspaceId, projectId, { name });
      catalog.rememberTask(projectId, task);
      return task;
    },
    invalidate: () => catalog.invalidateTasks(projectId),
  });
}

/**
 * Match, or create once: creation is serialised per (workspace, kind, name) and the destination is read
 * again, fresh, inside the lock, so workers racing on one new name (or another pair into the same
 * workspace, whose cache this one cannot see) create it once. The only place that writes tags and tasks.
 */
async function resolveName(runtime: PairRuntime, mode: "ensure" | "look", side: NameSide): Promise<NameResolution> {
  const decide = async () => planDestinationName({ sameNamed: await side.list(), mayCreate: side.mayCreate });
  const first = await decide();
  if (first.kind === "match") return first;
  if (first.kind === "left-off") return { kind: "left-off" };
  if (mode === "look") return { kind: "would-create" };
  return runtime.locks.run(side.lockKey, async () => {
    side.invalidate();
    const again = await decide();
    if (again.kind === "match") return again;
    if (again.kind === "left-off") return { kind: "left-off" };
    return createName(runtime, side);
  });
}

async function createName(runtime: PairRuntime, side: NameSide): Promise<NameResolution> {
  try {
    const made = await side.create();
    runtime.logger.info({ destinationId: made.id }, `created destination ${side.what}`);
    return { kind: "created", id: made.id };
  } catch (error) {
    if (!(error instanceof ClockifyError)) throw error;
    // A lost answer may have created it; a refusal may be "already exists" in a spelling this service's
    // comparison does not equate. Either way: look again before deciding.
    side.invalidate();
    const found = planDestinationName({ sameNamed: await side.list(), mayCreate: false });
    if (found.kind === "match") return error.mayHaveExecuted ? { kind: "created", id: found.id } : found;
    if (error.mayHaveExecuted || (error.kind !== "forbidden" && error.kind !== "invalid")) throw error;
    // Refused outright (a workspace where only admins create tags, a name Clockify rejects): the copy goes
    // without it, as when creation is off, and the run says so.
    runtime.logger.warn({ err: error }, `destination ${side.what} could not be created; left off`);
    return { kind: "left-off", refused: error.message };
  }
}
