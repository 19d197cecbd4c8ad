import { RateLimiterRegistry } from "../../src/clockify/rate-limiter.js";
import { parseConfig, type Config } from "../../src/config/index.js";
import type { Service } from "../../src/service.js";
import { openStore, serviceOver, type ServiceSettings, type TestStore } from "../helpers/harness.js";
import type { RequestRecord, Simulator, TimeEntryDto } from "../../src/sandbox/index.js";
import { KeyedMutex } from "../../src/sync/keyed-mutex.js";
import { createPairRuntimes, type PairRuntime } from "../../src/sync/pair-runtime.js";
import { reconcilePair } from "../../src/sync/reconcile/run.js";
import type { RunOptions, RunSummary } from "../../src/sync/reconcile/summary.js";
import { acmePair, startTwoWorkspaces, type TwoWorkspaces } from "../helpers/world.js";

export const PAIR_ID = "acme";

export const ENTRY_LIST = { method: "GET", route: "/v1/workspaces/{workspaceId}/user/{userId}/time-entries" } as const;
export const PROJECT_LIST = { method: "GET", route: "/v1/workspaces/{workspaceId}/projects" } as const;
export const PROJECT_CREATE = { method: "POST", route: "/v1/workspaces/{workspaceId}/projects" } as const;
export const ENTRY_CREATE = { method: "POST", route: "/v1/workspaces/{workspaceId}/time-entries" } as const;
export const ENTRY_UPDATE = { method: "PUT", route: "/v1/workspaces/{workspaceId}/time-entries/{id}" } as const;
export const ENTRY_DELETE = { method: "DELETE", route: "/v1/workspaces/{workspaceId}/time-entries/{id}" } as const;

const HOUR = 3_600_000;

/** A window that ends now and starts ten days ago; every seeded entry starts inside it. */
export function recentWindow(now: number = Date.now()): { since: Date; until: Date } {
  return { since: new Date(now - 10 * 24 * HOUR), until: new Date(now) };
}

/** A whole hour a few days back: seeded entries count forward from here. */
export function seedBase(now: number = Date.now()): number {
  return Math.floor((now - 8 * 24 * HOUR) / HOUR) * HOUR;
}

/** Requests that change something (anything but GET). */
export function writes(sim: Simulator): RequestRecord[] {
  return sim.stats.requests.filter((r) => r.method !== "GET");
}

/** Entry-list pages of the source side (the run lists the source hydrated) and of the destination side. */
export function entryListPages(sim: Simulator): { source: number; destination: number } {
  const lists = sim.stats.requests.filter((r) => r.method === ENTRY_LIST.method && r.route === ENTRY_LIST.route);
  const source = lists.filter((r) => r.query?.hydrated === "true").length;
  return { source, destination: lists.length - source };
}

export interface Harness extends TwoWorkspaces, Omit<TestStore, "close"> {
  config: Config;
  locks: KeyedMutex;
  limiters: RateLimiterRegistry;
  /** A fresh runtime for the pair (fresh clients, so its request count starts at 0), unthrottled. */
  runtime(): PairRuntime;
  /** reconcilePair on a fresh runtime over the recent window, trigger "cli". */
  run(options?: Partial<RunOptions>): Promise<RunSummary>;
  /** The service over the harness's simulator, database and config; the test starts and stops it. */
  service(settings?: ServiceSettings): Service;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Merged into the pair's config; a function may shape the world first and use its ids. */
  pair?: Record<string, unknown> | ((env: TwoWorkspaces) => Record<string, unknown>);
  /** Merged into the top-level config. */
  config?: Record<string, unknown>;
}

/** The simulator with two workspaces, a migrated temp database, and the pair's config: no service, no webhooks. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const env = await startTwoWorkspaces();
  const store = await openStore("clockify-sync-reconcile-");
  const pair = typeof options.pair === "function" ? options.pair(env) : options.pair;
  const config = parseConfig({ pairs: [acmePair(env, pair)], ...options.config }, {});
  const locks = new KeyedMutex();
  const limiters = new RateLimiterRegistry({ requestsPerSecond: 100_000 });
  const runtime = (): PairRuntime => {
    const { database, logger } = store;
    const runtimes = createPairRuntimes({ config, apiUrl: env.sim.apiBaseUrl, database, logger, limiters, locks, backoff: { baseDelayMs: 5, maxDelayMs: 50 } });
    const rt = runtimes.get(PAIR_ID);
    if (!rt) throw new Error(`no runtime for pair ${PAIR_ID}`);
    return rt;
  };
  return {
    ...env,
    ...store,
    config,
    locks,
    limiters,
    runtime,
    run: (runOptions = {}) => reconcilePair(runtime(), { ...recentWindow(), trigger: "cli", concurrency: 16, ...runOptions }),
    service: (settings) => serviceOver(store, config, env.sim.apiBaseUrl, settings),
    async close() {
      await env.sim.close();
      await store.close();
    },
  };
}

export interface SeedOptions {
  /** First start, ms since the epoch; default seedBase(). */
  from?: number;
  /** Between starts; default 1 hour. */
  stepMs?: number;
  /** Default 30 minutes. */
  durationMs?: number;
  /** Descriptions are `${prefix} ${i}`; default "entry". */
  prefix?: string;
  billable?: boolean;
  /** Default: the workspace's first user, i.e. the harness user. */
  userId?: string;
}

/** Finished entries on `projectId`, created without webhooks (the world default). */
export function seedEntries(
  env: TwoWorkspaces,
  workspaceId: string,
  projectId: string | null,
  count: number,
  options: SeedOptions = {},
): TimeEntryDto[] {
  const from = options.from ?? seedBase();
  const step = options.stepMs ?? HOUR;
  const duration = options.durationMs ?? 30 * 60_000;
  const prefix = options.prefix ?? "entry";
  const created: TimeEntryDto[] = [];
  for (let i = 0; i < count; i++) {
    const start = from + i * step;
    created.push(
      env.sim.world.createTimeEntry(workspaceId, options.userId ?? env.user.id, {
        start: new Date(start).toISOString(),
        end: new Date(start + duration).toISOString(),
        description: `${prefix} ${i}`,
        projectId,
        billable: options.billable ?? false,
      }),
    );
  }
  return created;
}

/** Project, start, end, description, billable of an entry: enough to match a copy to its source. */
export function shape(e: TimeEntryDto, projectName: (id: string | null | undefined) => string | undefined) {
  return {
    project: projectName(e.projectId),
    start: normalize(e.timeInterval.start),
    end: e.timeInterval.end ? normalize(e.timeInterval.end) : null,
    description: e.description,
    billable: e.billable,
  };
}

export function normalize(instant: string): string {
  return new Date(Date.parse(instant)).toISOString();
}

/** A name lookup for one workspace's projects, for `shape`. */
export function projectNames(sim: Simulator, workspaceId: string): (id: string | null | undefined) => string | undefined {
  const byId = new Map(sim.world.listProjects(workspaceId).map((p) => [p.id, p.name]));
  return (id) => (id ? byId.get(id) : undefined);
}

/** Source entries and destination copies as comparable, sorted strings. */
export function contentsOf(sim: Simulator, workspaceId: string, entries?: TimeEntryDto[]): string[] {
  const names = projectNames(sim, workspaceId);
  return (entries ?? sim.world.listTimeEntries(workspaceId))
    .map((e) => JSON.stringify(shape(e, names)))
    .sort();
}
