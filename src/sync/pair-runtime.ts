import { ClockifyError } from "../clockify/errors.js";
import { createClientFactory } from "../clockify/client-factory.js";
import type { ClockifyClient } from "../clockify/client.js";
import { siteOf } from "../clockify/explain.js";
import type { Purpose, RateLimiterRegistry } from "../clockify/rate-limiter.js";
import type { RequestEvent } from "../clockify/transport.js";
import type { Config, PairConfig } from "../config/schema.js";
import type { AppDatabase } from "../db/connection.js";
import type { Alerter } from "../observability/alerts.js";
import type { Logger } from "../observability/logger.js";
import { monotonic } from "../clock.js";
import { WorkspaceCatalog } from "./workspace-catalog.js";
import type { KeyedMutex } from "./keyed-mutex.js";
import type { Member } from "./members.js";
import { MembersError, resolveMembers } from "./resolve-members.js";

/** What the sync needs to act for one pair: its config, a client per side, name caches, shared locks. */
export interface PairRuntime {
  readonly pair: PairConfig;
  readonly source: ClockifyClient;
  readonly destination: ClockifyClient;
  readonly destinationCatalog: WorkspaceCatalog;
  readonly database: AppDatabase;
  readonly locks: KeyedMutex;
  readonly logger: Logger;
  /** The mirrored people with emails resolved (once; again after a failure). Rejects with MembersError. */
  members(): Promise<Member[]>;
  /** Id of the destination API key's owner: entries for anyone else need the create-for-user route. */
  destinationKeyOwner(): Promise<string>;
  /**
   * Resolves once source.clientId is known to be a client of source.workspaceId (seen within the last
   * few minutes, or read now); rejects with Clockify's refusal, which names the field and the fix. Every
   * write to the source waits on it, so a foreign or mistyped client id never gets as far as a POST.
   */
  confirmSourceClient(): Promise<void>;
  /** A read that happened anyway showed the client in the source workspace (a project of it listed there). */
  sourceClientSeen(): void;
  /** Tells a person (the alert receiver when one is configured, the log always). */
  alert(problem: string, text: string): Promise<void>;
}

export interface RuntimeDeps {
  config: Config;
  apiUrl: string;
  database: AppDatabase;
  logger: Logger;
  limiters: RateLimiterRegistry;
  /** Why these runtimes send (the worker: webhook; a reconcile: bulk): who gets the last of an hourly budget. */
  purpose?: Purpose;
  /** One per process: the worker and reconciliation runs serialise on the same keys. */
  locks: KeyedMutex;
  onRequest?: (event: RequestEvent) => void;
  /** Tests shorten backoff; production keeps the defaults. */
  backoff?: { baseDelayMs?: number; maxDelayMs?: number };
  /** Where problems a person must settle go; without one they are logged. */
  alerter?: Alerter;
}

/** How long a confirmed source client is trusted: a client removed meanwhile is refused by the write itself. */
const CLIENT_SEEN_MS = 10 * 60_000;
/** How long users that match nobody are believed before the emails are looked up again. */
const MEMBERS_ERROR_MS = 60_000;

export function createPairRuntimes(deps: RuntimeDeps): Map<string, PairRuntime> {
  const { config } = deps;
  const client = createClientFactory({
    apiUrl: deps.apiUrl,
    clockify: config.clockify,
    limiters: deps.limiters,
    ...(deps.purpose ? { purpose: deps.purpose } : {}),
    ...(deps.onRequest ? { onRequest: deps.onRequest } : {}),
    ...(deps.backoff ? { backoff: deps.backoff } : {}),
  });
  const runtimes = new Map<string, PairRuntime>();
  for (const pair of config.pairs) {
    const source = client(pair.source.apiKey, siteOf(pair, "source"));
    const destination = client(pair.destination.apiKey, siteOf(pair, "destination"));
    let owner: Promise<string> | undefined;
    let members: Promise<Member[]> | undefined;
    let clientSeenAt = Number.NEGATIVE_INFINITY;
    const logger = deps.logger.child({ pair: pair.id });
    runtimes.set(pair.id, {
      pair,
      source,
      destination,
      destinationCatalog: new WorkspaceCatalog(destination, pair.destination.workspaceId),
      database: deps.database,
      locks: deps.locks,
      logger,
      members() {
        members ??= resolveMembers(pair, { source, destination }).catch((error: unknown) => {
          // A mistake in the file stays one for a while: its answer is kept, so events retried meanwhile
          // do not each repeat the lookups. Anything else (an outage) is asked again at once.
          if (error instanceof MembersError) setTimeout(() => (members = undefined), MEMBERS_ERROR_MS).unref();
          else members = undefined;
          throw error;
        });
        return members;
      },
      destinationKeyOwner() {
        owner ??= destination.getCurrentUser().then(
          (u) => u.id,
          (error: unknown) => {
            owner = undefined;
            throw error;
          },
        );
        return owner;
      },
      async confirmSourceClient() {
        if (monotonic() - clientSeenAt < CLIENT_SEEN_MS) return;
        try {
          await source.getClient(pair.source.workspaceId, pair.source.clientId);
        } catch (error) {
          // Whether a member's key may read a client is undocumented: a 403 here proves nothing about the
          // client, so the write goes ahead (a foreign client still answers 400 code 501, a not-found).
          if (error instanceof ClockifyError && error.kind === "forbidden") return;
          throw error;
        }
        clientSeenAt = monotonic();
      },
      sourceClientSeen() {
        clientSeenAt = monotonic();
      },
      async alert(problem, text) {
        if (deps.alerter) await deps.alerter.alert(problem, text);
        else logger.warn({ problem }, text);
      },
    });
  }
  return runtimes;
}

export const entryLockKey = (pairId: string, sourceEntryId: string) => `entry:${pairId}:${sourceEntryId}`;
export const projectLockKey = (pairId: string, name: string) => `project:${pairId}:${name}`;
/** Per destination workspace, not per pair: two pairs into one workspace must not both create a tag. */
export const tagLockKey = (workspaceId: string, name: string) => `tag:${workspaceId}:${name}`;
export const taskLockKey = (workspaceId: string, projectId: string, name: string) => `task:${workspaceId}:${projectId}:${name}`;
