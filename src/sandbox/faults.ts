import type { Random } from "./random.js";

/** What a `failWhen` predicate sees about a request. `route` is the spec path template. */
export interface FaultRequest {
  method: string;
  route: string;
  workspaceId?: string;
  apiKeyUserId?: string;
}

export interface WebhookFaults {
  /** Probability that an event is never delivered at all. */
  dropRate: number;
  /** Probability that an event is delivered twice (independently, like Clockify's duplicates after 200). */
  duplicateRate: number;
  /** Hold deliveries this long, then send the held batch in shuffled order. */
  reorderWindowMs: number;
  /** Extra delay before the first attempt, uniform in [min, max] ms. */
  delayMs: [number, number];
}

/**
 * A slow answer, for client timeouts. Either or both phases; a client that gives up in between sees the
 * same thing either way (no answer), which is what makes a timed-out write ambiguous.
 */
export interface RequestDelay {
  /**
   * Hold the request this long before executing it. If the client has gone by then (timed out), it is
   * never executed nor answered: a timeout that changed nothing.
   */
  beforeMs?: number;
  /** Execute the request at once, hold its answer this long: a client that times out meanwhile lost the answer to a write that happened. */
  afterMs?: number;
}

const DEFAULT_ERROR_STATUS = 503;

function defaultWebhookFaults(): WebhookFaults {
  return { dropRate: 0, duplicateRate: 0, reorderWindowMs: 0, delayMs: [0, 0] };
}

/**
 * Mutable fault switches for API requests and webhook deliveries. Randomness comes from seeded PRNGs
 * (one for requests, one for deliveries) so a run is reproducible for a given seed.
 */
export class Faults {
  latencyMs = 0;
  errorRate = 0;
  errorStatus = DEFAULT_ERROR_STATUS;
  failWhen: ((req: FaultRequest) => number | undefined) | undefined = undefined;
  /** Per-request slowness (after `latencyMs`, before `failWhen` and the rate limit); undefined: none. */
  delayWhen: ((req: FaultRequest) => RequestDelay | undefined) | undefined = undefined;
  /** Per API key, sliding 1-second window of admitted requests. */
  rateLimitPerSecond: number | undefined = undefined;
  /**
   * Per workspace, all keys together, sliding 1-second window: what Clockify enforces (50/s on paid plans,
   * HELP-LIM). Off unless set. A request refused here is not counted, like a refused one is not anywhere.
   */
  workspaceRateLimitPerSecond: number | undefined = undefined;
  /**
   * Per workspace, sliding hour: a new Free workspace's "30 API requests per hour for the whole workspace"
   * (HELP-LIM). What Clockify answers past it is undocumented: the simulator's guess is the same 429.
   */
  workspaceRequestsPerHour: number | undefined = undefined;
  /** Reset in place, so a reference held by a test or benchmark stays live. */
  readonly webhook: WebhookFaults = defaultWebhookFaults();

  private failQueue: number[] = [];
  private readonly admitted = new Map<string, number[]>();
  private readonly admittedByWorkspace = new Map<string, number[]>();
  private readonly hourByWorkspace = new Map<string, number[]>();

  constructor(
    private readonly requestRandom: Random,
    /** Used by the delivery queue for drop/duplicate/reorder/delay decisions. */
    readonly webhookRandom: Random,
  ) {}

  failNext(n: number, status = DEFAULT_ERROR_STATUS): void {
    for (let i = 0; i < n; i++) this.failQueue.push(status);
  }

  reset(): void {
    this.latencyMs = 0;
    this.errorRate = 0;
    this.errorStatus = DEFAULT_ERROR_STATUS;
    this.failWhen = undefined;
    this.delayWhen = undefined;
    this.rateLimitPerSecond = undefined;
    this.workspaceRateLimitPerSecond = undefined;
    this.workspaceRequestsPerHour = undefined;
    this.admittedByWorkspace.clear();
    this.hourByWorkspace.clear();
    Object.assign(this.webhook, defaultWebhookFaults());
    this.failQueue = [];
    this.admitted.clear();
  }

  /** The status to fail this request with, or undefined to let it through. */
  injectedFailure(req: FaultRequest): number | undefined {
    const queued = this.failQueue.shift();
    if (queued !== undefined) return queued;
    if (this.requestRandom.chance(this.errorRate)) return this.errorStatus;
    return this.failWhen?.(req);
  }

  /**
   * False when the key already had `rateLimitPerSecond` requests admitted in (now - 1s, now], or the
   * request's workspace its per-second or hourly limit. Admitted requests are counted on each.
   */
  admit(apiKey: string, now: number, workspaceId?: string): boolean {
    const windows: [number[], number, number][] = [];
    if (this.rateLimitPerSecond !== undefined) windows.push([timesOf(this.admitted, apiKey), this.rateLimitPerSecond, 1000]);
    if (workspaceId !== undefined && this.workspaceRateLimitPerSecond !== undefined) {
      windows.push([timesOf(this.admittedByWorkspace, workspaceId), this.workspaceRateLimitPerSecond, 1000]);
    }
    if (workspaceId !== undefined && this.workspaceRequestsPerHour !== undefined) {
      windows.push([timesOf(this.hourByWorkspace, workspaceId), this.workspaceRequestsPerHour, 3_600_000]);
    }
    for (const [times, limit, spanMs] of windows) {
      let expired = 0;
      while (expired < times.length && (times[expired] ?? 0) <= now - spanMs) expired++;
      if (expired) times.splice(0, expired);
      if (times.length >= limit) return false;
    }
    for (const [times] of windows) times.push(now);
    return true;
  }
}

function timesOf(map: Map<string, number[]>, key: string): number[] {
  let times = map.get(key);
  if (!times) map.set(key, (times = []));
  return times;
}
