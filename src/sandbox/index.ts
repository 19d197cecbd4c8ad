import { createServer } from "node:http";
import { Deliveries } from "./deliveries.js";
import { Faults } from "./faults.js";
import { IdFactory } from "./ids.js";
import { createRandom } from "./random.js";
import { ROUTES } from "./routes/index.js";
import { createApp } from "./server.js";
import { Stats } from "./stats.js";
import { Store } from "./store.js";
import { listeningWebhooks } from "./webhook-registry.js";
import { World } from "./world.js";
import type { AddressInfo } from "node:net";

export { ApiError } from "./errors.js";
export { Deliveries } from "./deliveries.js";
export { Faults } from "./faults.js";
export { Stats } from "./stats.js";
export { World } from "./world.js";
export { WEBHOOK_EVENTS, TRIGGER_SOURCE_TYPES, WEBHOOK_LIMIT } from "./webhook-events.js";
export type { DeliveryLogEntry, DeliveryJob } from "./deliveries.js";
export type { FaultRequest, RequestDelay, WebhookFaults } from "./faults.js";
export type { RequestRecord, RequestFilter } from "./stats.js";
export type { NewUser, NewWorkspace, SimUser, SimWorkspace } from "./world.js";
export type { ClientInput, ProjectInput, ProjectPatch, TaskInput } from "./catalog.js";
export type { EntryInput, Instant } from "./entries.js";
export type { BulkDeleteEvents, EmitOption, EntryType, Plan, Role } from "./model.js";
export type { WebhookInput } from "./webhook-registry.js";
export type { WebhookEvent, TriggerSourceType } from "./webhook-events.js";
export type {
  ClientDto,
  HydratedTimeEntryDto,
  ProjectDto,
  TagDto,
  TaskDto,
  TimeEntryDto,
  TimeIntervalDto,
  UserDto,
  WebhookDto,
  WorkspaceDto,
} from "./serialize.js";

/** Every route the simulator serves, as the spec names it: `route` is the spec's path template. */
export const SIMULATOR_ROUTES: readonly { method: string; route: string }[] = ROUTES.map((r) => ({
  method: r.method,
  route: r.template,
}));

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Seeds ids and every fault decision, so runs are reproducible. */
  seed?: number;
  /**
   * The time part of every id made until `idsFollowClock()` (Unix seconds): with the seed, objects
   * created the same way get the same ids on every start. Default: ids carry the clock's time.
   */
  idEpochSeconds?: number;
  /** Delay between webhook attempts; default 15000 (Clockify retries after ~14–70 s). */
  webhookRetryDelayMs?: number;
  /** Attempts per delivery including the first; default 5. */
  webhookMaxAttempts?: number;
  /** Per-attempt timeout for webhook POSTs; default 10000. */
  webhookTimeoutMs?: number;
  /** Keep request/response bodies in stats.requests (memory grows with every request). */
  recordBodies?: boolean;
  /** Largest accepted JSON body; default "1mb". */
  jsonLimit?: string;
}

export interface Simulator {
  /** e.g. "http://127.0.0.1:12345" */
  readonly url: string;
  /** `url + "/api/v1"`, what a Clockify client uses as its base URL. */
  readonly apiBaseUrl: string;
  readonly world: World;
  readonly faults: Faults;
  readonly stats: Stats;
  readonly deliveries: Deliveries;
  /** Ends the pinned-time phase (`idEpochSeconds`): later ids carry their creation time, still increasing. */
  idsFollowClock(): void;
  close(): Promise<void>;
}

const DEFAULT_SEED = 0x5eed;

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? DEFAULT_SEED;
  // Separate streams: turning one fault on must not change the dice another fault rolls.
  const ids = new IdFactory(createRandom(seed), options.idEpochSeconds === undefined ? {} : { epochSeconds: options.idEpochSeconds });
  const store = new Store(ids);
  const faults = new Faults(createRandom(seed ^ 0x1f00d), createRandom(seed ^ 0x2beef));
  const stats = new Stats();
  const deliveries = new Deliveries({
    retryDelayMs: options.webhookRetryDelayMs ?? 15_000,
    maxAttempts: options.webhookMaxAttempts ?? 5,
    timeoutMs: options.webhookTimeoutMs ?? 10_000,
    faults,
    webhook: (workspaceId, webhookId) => store.workspaces.get(workspaceId)?.webhooks.get(webhookId),
  });

  store.sink = (event) => {
    const ws = store.workspaces.get(event.workspaceId);
    const hooks = ws ? listeningWebhooks(ws, event) : [];
    if (hooks.length === 0) return;
    // Serialized once, now: later changes to the entity must not leak into this event's body.
    const body = JSON.stringify(event.payload());
    for (const hook of hooks) {
      deliveries.enqueue({ webhookId: hook.id, workspaceId: event.workspaceId, event: event.event, entityId: event.entityId, body });
    }
  };

  const app = createApp({
    store,
    faults,
    stats,
    routes: ROUTES,
    recordBodies: options.recordBodies ?? false,
    jsonLimit: options.jsonLimit ?? "1mb",
  });
  const server = createServer(app);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      store.sink = undefined;
      await deliveries.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    })();
    return closing;
  };

  const idsFollowClock = () => ids.followClock();
  return { url, apiBaseUrl: `${url}/api/v1`, world: new World(store), faults, stats, deliveries, idsFollowClock, close };
}
