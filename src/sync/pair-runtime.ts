import { ClockifyClient } from "../clockify/client.js";
import type { RateLimiterRegistry } from "../clockify/rate-limiter.js";
import type { RequestEvent } from "../clockify/transport.js";
import type { Config, PairConfig } from "../config/schema.js";
import type { AppDatabase } from "../db/connection.js";
import type { Logger } from "../observability/logger.js";
import { WorkspaceCatalog } from "./destination-catalog.js";
import type { KeyedMutex } from "./keyed-mutex.js";

/** What the sync needs to act for one pair: its config, a client per side, name caches, shared locks. */
export interface PairRuntime {
  readonly pair: PairConfig;
  readonly source: ClockifyClient;
  readonly destination: ClockifyClient;
  readonly destinationCatalog: WorkspaceCatalog;
  readonly database: AppDatabase;
  readonly locks: KeyedMutex;
  readonly logger: Logger;
  /** Id of the destination API key's owner: entries for anyone else need the create-for-user route. */
  destinationKeyOwner(): Promise<string>;
}

export interface RuntimeDeps {
  config: Config;
  apiUrl: string;
  database: AppDatabase;
  logger: Logger;
  limiters: RateLimiterRegistry;
  /** One per process: the worker and reconciliation runs serialise on the same keys. */
  locks: KeyedMutex;
  onRequest?: (event: RequestEvent) => void;
  /** Tests shorten backoff; production keeps the defaults. */
  backoff?: { baseDelayMs?: number; maxDelayMs?: number };
}

export function createPairRuntimes(deps: RuntimeDeps): Map<string, PairRuntime> {
  const { config } = deps;
  const client = (apiKey: string) =>
    new ClockifyClient({
      baseUrl: deps.apiUrl,
      apiKey,
      limiter: deps.limiters.forKey(apiKey),
      timeoutMs: config.clockify.timeoutMs,
      backoff: { maxRetries: config.clockify.maxRetries, ...deps.backoff },
      ...(deps.onRequest ? { onRequest: deps.onRequest } : {}),
    });
  const runtimes = new Map<string, PairRuntime>();
  for (const pair of config.pairs) {
    const destination = client(pair.destination.apiKey);
    let owner: Promise<string> | undefined;
    runtimes.set(pair.id, {
      pair,
      source: client(pair.source.apiKey),
      destination,
      destinationCatalog: new WorkspaceCatalog(destination, pair.destination.workspaceId),
      database: deps.database,
      locks: deps.locks,
      logger: deps.logger.child({ pair: pair.id }),
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
    });
  }
  return runtimes;
}

export const entryLockKey = (pairId: string, sourceEntryId: string) => `entry:${pairId}:${sourceEntryId}`;
export const projectLockKey = (pairId: string, name: string) => `project:${pairId}:${name}`;
