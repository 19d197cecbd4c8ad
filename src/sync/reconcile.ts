import { ne } from "drizzle-orm";
import { silentProgress, type Progress } from "../observability/progress.js";
import type { HydratedTimeEntry, Project, TimeEntry } from "../clockify/schemas.js";
import { listMappingStates } from "../db/entry-map.js";
import { acquireLease, reconcileLeaseKey, releaseLease } from "../db/leases.js";
import {
  deleteProjectMapping,
  findProjectMappingByDestinationId,
  listProjectMappings,
} from "../db/project-map.js";
import { finishReconcileRun, startReconcileRun, type RunCounts } from "../db/runs.js";
import type { AppDatabase } from "../db/connection.js";
import { entryMap, type ReconcileRun, type RunTrigger } from "../db/schema.js";
import { sourceEntryFromApi } from "../webhooks/events.js";
import { applyPlanned, type ReconcileOutcome } from "./apply.js";
import { createCompactor } from "./compact.js";
import { fromDestination } from "./content.js";
import { desired } from "./desired.js";
import type { DestinationEntry, SourceEntry } from "./model.js";
import { projectLockKey, type PairRuntime } from "./pair-runtime.js";
import { massDeleteLimit, planReconcile, unlistedMappedSources, type PlannedAction, type ReconcilePlan } from "./plan.js";
import { planProjectChanges, type ProjectChange } from "./project-plan.js";
import { ensureDestinationProject, ensureSourceProject, mapProject, pickByName } from "./projects.js";
import { elapsedSince, monotonic, now as clockNow } from "../clock.js";

export interface RunOptions {
  since: Date;
  until: Date;
  dryRun?: boolean;
  /** Lets a run delete more than the mass-delete guard allows. */
  yes?: boolean;
  trigger: RunTrigger;
  /** Writes in flight at once; the rate limiter bounds the request rate anyway. */
  concurrency?: number;
  progress?: Progress;
}

/** What a run did to entries: the recorded counts (runs table) plus the skipped ones, which are not stored. */
export type RunCountsSummary = Omit<RunCounts, "requests"> & { skipped: number };

export interface RunSummary {
  pairId: string;
  runId: number | null;
  since: Date;
  until: Date;
  dryRun: boolean;
  outcome: "succeeded" | "failed" | "aborted";
  counts: RunCountsSummary;
  projects: ProjectChange[];
  /** Clockify requests this run sent, retries included. */
  requests: number;
  durationMs: number;
  error?: string;
  /** The plan, for --dry-run output. */
  plan?: ReconcilePlan;
}

const LEASE_MS = 10 * 60_000;

/** Pairs this process is reconciling now, per database. */
const runningHere = new WeakMap<AppDatabase, Set<string>>();

/**
 * One full sync of a pair over a window: projects destination → source, then entries source →
 * destination, computed by the pure plan and carried out by the same writer as the webhook path.
 * Never two runs of one pair at once (a lease in the database); the webhook worker and a run serialise
 * per entry (same process) or the worker waits for the run (another process).
 */
export async function reconcilePair(rt: PairRuntime, options: RunOptions): Promise<RunSummary> {
  const started = monotonic();
  const progress = options.progress ?? silentProgress;
  const dryRun = options.dryRun ?? false;
  const counts: RunCountsSummary = { created: 0, updated: 0, deleted: 0, adopted: 0, unchanged: 0, failed: 0, skipped: 0 };
  const requestsAtStart = rt.source.requestCount + rt.destination.requestCount;
  const summary = (outcome: RunSummary["outcome"], runId: number | null, extra: Partial<RunSummary> = {}): RunSummary => ({
    pairId: rt.pair.id,
    runId,
    since: options.since,
    until: options.until,
    dryRun,
    outcome,
    counts,
    projects: [],
    requests: rt.source.requestCount + rt.destination.requestCount - requestsAtStart,
    durationMs: Math.round(elapsedSince(started)),
    ...extra,
  });

  const leaseKey = reconcileLeaseKey(rt.pair.id);
  // The lease is per process (an owner re-takes its own lease), so it cannot stop a second run in this
  // process: that takes the in-process set.
  let here = runningHere.get(rt.database);
  if (!here) runningHere.set(rt.database, (here = new Set()));
  if (here.has(rt.pair.id) || !acquireLease(rt.database, leaseKey, LEASE_MS)) {
    return summary("aborted", null, { error: "another reconciliation of this pair is running" });
  }
  here.add(rt.pair.id);
  const release = () => {
    here.delete(rt.pair.id);
    releaseLease(rt.database, leaseKey);
  };
  let run: ReconcileRun;
  try {
    run = startReconcileRun(rt.database, {
      pairId: rt.pair.id,
      trigger: options.trigger,
      windowStart: options.since.getTime(),
      windowEnd: options.until.getTime(),
      dryRun,
    });
  } catch (error) {
    release();
    throw error;
  }
  const renew = setInterval(() => acquireLease(rt.database, leaseKey, LEASE_MS), LEASE_MS / 3);
  renew.unref();
  let result: RunSummary;
  try {
    result = await execute(rt, options, dryRun, counts, progress, (outcome, extra) => summary(outcome, run.id, extra));
  } catch (error) {
    result = summary("failed", run.id, { error: error instanceof Error ? error.message : String(error) });
  } finally {
    clearInterval(renew);
    release();
    progress.done();
  }
  finishReconcileRun(rt.database, run.id, {
    outcome: result.outcome,
    created: counts.created,
    updated: counts.updated,
    deleted: counts.deleted,
    adopted: counts.adopted,
    unchanged: counts.unchanged,
    failed: counts.failed,
    requests: result.requests,
    error: result.error ?? null,
  });
  return result;
}

async function execute(
  rt: PairRuntime,
  options: RunOptions,
  dryRun: boolean,
  counts: RunCountsSummary,
  progress: Progress,
  summary: (outcome: RunSummary["outcome"], extra?: Partial<RunSummary>) => RunSummary,
): Promise<RunSummary> {
  const { pair } = rt;

  // 1. Projects, destination → source.
  progress.phase("projects");
  const destinationProjects = await rt.destination.listProjects(pair.destination.workspaceId);
  rt.destinationCatalog.prime(destinationProjects);
  const sourceProjects = await rt.source.listProjects(pair.source.workspaceId, { clientIds: [pair.source.clientId] });
  const projectChanges = planProjectChanges(
    destinationProjects,
    sourceProjects.filter((p) => p.clientId === pair.source.clientId),
    listProjectMappings(rt.database, pair.id),
  );
  if (!dryRun) for (const change of projectChanges) await applyProjectChange(rt, change, sourceProjects);

  // 2. Entries in the window, both sides, page by page, kept compact.
  const listedAt = clockNow();
  const window = { start: options.since, end: options.until, pageSize: 5000 };
  const sources: SourceEntry[] = [];
  const compact = createCompactor();
  progress.phase("listing source entries");
  const keepSource = (e: HydratedTimeEntry) => compact.source(sourceEntryFromApi(e));
  for await (const page of rt.source.hydratedTimeEntryPages(pair.source.workspaceId, pair.source.userId, window, keepSource)) {
    for (const s of page) sources.push(s);
    progress.advance(page.length);
  }
  const destinations = new Map<string, DestinationEntry | null>();
  progress.phase("listing destination entries");
  const keepDestination = (e: TimeEntry) => [e.id, compact.destination(fromDestination(e))] as const;
  for await (const page of rt.destination.timeEntryPages(pair.destination.workspaceId, pair.destination.userId, window, keepDestination)) {
    for (const [id, content] of page) destinations.set(id, content);
    progress.advance(page.length);
  }

  // 3. Copies whose source entry was not listed: read each, to tell "gone" from "moved out of the window".
  const mappings = new Map(listMappingStates(rt.database, pair.id).map((m) => [m.sourceEntryId, m]));
  const goneSources = new Set<string>();
  for (const id of unlistedMappedSources(mappings, new Set(sources.map((s) => s.id)), destinations)) {
    const current = await rt.source.getHydratedTimeEntry(pair.source.workspaceId, id);
    if (current) sources.push(sourceEntryFromApi(current));
    else goneSources.add(id);
  }

  // 4. Destination projects for in-scope source projects (matched by name, created when allowed).
  const scope = { sourceUserId: pair.source.userId, sourceClientId: pair.source.clientId };
  const projectIds = new Map<string, string>();
  const mappedProjects = new Map(listProjectMappings(rt.database, pair.id).map((m) => [m.sourceProjectId, m.destinationProjectId]));
  const projectFor = (id: string) => projectIds.get(id) ?? mappedProjects.get(id);
  const needed = new Map<string, string>();
  for (const s of sources) {
    const d = desired(s, { projectFor: () => undefined, taskFor: () => undefined, tagFor: () => undefined }, scope);
    if (d.kind === "needs-project") needed.set(d.sourceProjectId, d.projectName);
  }
  for (const [id, name] of needed) {
    if (dryRun) {
      const existing = pickByName(destinationProjects.filter((p) => p.name === name));
      if (existing) projectIds.set(id, existing.id);
      else if (pair.createMissingDestinationProjects) projectIds.set(id, `(new project "${name}")`);
      continue;
    }
    const result = await ensureDestinationProject(rt, { id, name });
    if (result.kind === "mapped") projectIds.set(id, result.destinationProjectId);
  }

  // 5. Task and tag names the entries use (one list each, only when used).
  const tagIds = new Map<string, string>();
  const taskIds = new Map<string, string>();
  for (const s of sources) {
    for (const name of s.tagNames) {
      if (!tagIds.has(name)) {
        const id = await rt.destinationCatalog.tagId(name);
        if (id) tagIds.set(name, id);
      }
    }
    const projectId = s.project ? projectFor(s.project.id) : undefined;
    if (s.taskName !== null && projectId && !projectId.startsWith("(")) {
      const key = `${projectId}\u0000${s.taskName}`;
      if (!taskIds.has(key)) {
        const id = await rt.destinationCatalog.taskId(projectId, s.taskName);
        if (id) taskIds.set(key, id);
      }
    }
  }

  // 6. The plan.
  const plan = planReconcile({
    sources,
    destinations,
    mappings,
    mappedElsewhere: destinationIdsOfOtherPairs(rt),
    goneSources,
    listedAt,
    decide: (entry) =>
      desired(
        entry,
        {
          projectFor,
          taskFor: (projectId, name) => taskIds.get(`${projectId}\u0000${name}`),
          tagFor: (name) => tagIds.get(name),
        },
        scope,
      ),
  });
  const limit = massDeleteLimit(plan.mappedInWindow);
  const guardTripped = plan.counts.delete > limit && !options.yes;
  const guardError =
    `stopped before deleting: the run would delete ${plan.counts.delete} entries, more than ${limit} ` +
    `(max of 10 and 20% of the ${plan.mappedInWindow} mapped entries in the window); run with --yes to allow it`;
  if (dryRun) {
    // What the real run with the same flags would do: with the guard tripped, everything but the deletes.
    counts.created = plan.counts.create;
    counts.updated = plan.counts.update;
    counts.deleted = guardTripped ? 0 : plan.counts.delete;
    counts.adopted = plan.counts.adopt;
    counts.unchanged = plan.counts.unchanged;
    counts.skipped = plan.counts.skip;
    if (guardTripped) return summary("aborted", { plan, projects: projectChanges, error: guardError });
    return summary("succeeded", { plan, projects: projectChanges });
  }

  // 7. Apply: everything but deletes, then deletes unless the guard stops them.
  // An unchanged copy whose map already holds its hash, and a skip, need no lock and no write: counted
  // here, they keep a 100,000-entry run from queueing 100,000 no-op tasks.
  const settled = (a: PlannedAction) => a.kind === "skip" || (a.kind === "unchanged" && a.storedHash === a.hash);
  for (const a of plan.actions) if (settled(a)) counts[a.kind === "skip" ? "skipped" : "unchanged"]++;
  const writes = plan.actions.filter((a) => a.kind !== "delete" && !settled(a));
  const deletes = plan.actions.filter((a): a is Extract<PlannedAction, { kind: "delete" }> => a.kind === "delete");
  progress.phase("applying", writes.length + (guardTripped ? 0 : deletes.length));
  await applyAll(rt, writes, listedAt, options.concurrency ?? 4, counts, progress);
  if (guardTripped) {
    return summary("aborted", {
      plan,
      projects: projectChanges,
      error: guardError,
    });
  }
  await applyAll(rt, deletes, listedAt, options.concurrency ?? 4, counts, progress);
  return summary(counts.failed > 0 ? "failed" : "succeeded", {
    plan,
    projects: projectChanges,
    ...(counts.failed > 0 ? { error: `${counts.failed} change(s) failed; see the log` } : {}),
  });
}

async function applyAll(
  rt: PairRuntime,
  actions: PlannedAction[],
  listedAt: number,
  concurrency: number,
  counts: RunCountsSummary,
  progress: Progress,
): Promise<void> {
  let next = 0;
  const tally: Record<ReconcileOutcome, keyof RunCountsSummary> = {
    created: "created",
    updated: "updated",
    adopted: "adopted",
    deleted: "deleted",
    unchanged: "unchanged",
    skipped: "skipped",
  };
  const lane = async () => {
    while (next < actions.length) {
      const action = actions[next++];
      if (!action) break;
      try {
        counts[tally[await applyPlanned(rt, action, listedAt)]]++;
      } catch (error) {
        counts.failed++;
        rt.logger.error(
          { sourceEntryId: action.sourceId, action: action.kind, err: error instanceof Error ? error.message : String(error) },
          "reconcile change failed",
        );
      }
      progress.advance();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
}

async function applyProjectChange(rt: PairRuntime, change: ProjectChange, sourceProjects: Project[]): Promise<void> {
  const { pair } = rt;
  const { destination } = change;
  switch (change.kind) {
    case "create": {
      // A mapping to a source project that is gone (deleted, moved to another client) is stale.
      const stale = findProjectMappingByDestinationId(rt.database, pair.id, destination.id);
      if (stale) deleteProjectMapping(rt.database, pair.id, stale.sourceProjectId);
      await ensureSourceProject(rt, destination, sourceProjects);
      return;
    }
    case "map":
      await rt.locks.run(projectLockKey(pair.id, destination.name), async () => {
        mapProject(rt, change.sourceProjectId, destination.id, destination.name, "destination");
      });
      return;
    case "rename":
      await rt.locks.run(projectLockKey(pair.id, destination.name), async () => {
        const mapping = findProjectMappingByDestinationId(rt.database, pair.id, destination.id);
        if (!mapping) return;
        await rt.source.updateProject(pair.source.workspaceId, mapping.sourceProjectId, { name: destination.name });
        mapProject(rt, mapping.sourceProjectId, destination.id, destination.name, mapping.origin);
      });
      return;
  }
}

/** Copies another pair made in a shared destination belong to that pair: never adopted by this one. */
function destinationIdsOfOtherPairs(rt: PairRuntime): Set<string> {
  const rows = rt.database.db
    .select({ id: entryMap.destinationEntryId })
    .from(entryMap)
    .where(ne(entryMap.pairId, rt.pair.id))
    .all();
  return new Set(rows.flatMap((r) => (r.id ? [r.id] : [])));
}
