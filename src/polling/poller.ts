import { now as clockNow } from "../clock.js";
import type { Config } from "../config/schema.js";
import type { AppDatabase } from "../db/connection.js";
import type { Logger } from "../observability/logger.js";
import type { PairRuntime } from "../sync/pair-runtime.js";
import { FeedUnusable } from "./feed-fetch.js";
import { feedPoll, restoredYoung } from "./feed-poll.js";
import { pollIntervalMinutes, type PollMethod } from "./interval.js";
import { healingDueSince, listingPoll } from "./listing-poll.js";
import { DEFAULT_WINDOW_SETTINGS, type WindowSettings } from "./windows.js";

export interface PollerOptions {
  database: AppDatabase;
  logger: Logger;
  config: () => Config;
  /** The poller's own pair runtimes (its clients count only its requests). */
  runtimes: () => ReadonlyMap<string, PairRuntime>;
  /** Pulls were stored: the worker should look. */
  notify: () => void;
  /** Tests: a fixed delay between polls instead of minutes. */
  intervalMs?: number;
  /** Tests: shorter overlap and deletion delay. */
  windows?: Partial<WindowSettings>;
  /** Tests: fewer feed pages before a poll turns to a listing. */
  feedMaxPages?: number;
  now?: () => number;
}

export interface WorkspacePollReport {
  workspaceId: string;
  method: PollMethod;
  /** Clockify requests this poll sent for the workspace (the worker's reads of the pulled entries not included). */
  requests: number;
  /** Pulls stored in the inbox (feed), or entries written by the listing's reconciliation. */
  changes: number;
  /** Why this poll used the listing although the feed was asked for. */
  fellBack?: string;
  /** Feed lines naming an entry only by the line's own id (the spec leaves open whose id that is). */
  unidentified?: number;
  error?: string;
}

export interface PollReport {
  at: number;
  requests: number;
  workspaces: WorkspacePollReport[];
}

export interface PollingStatus {
  /** `polling.enabled` of the config in effect: the timer skips its polls while it is off. */
  enabled: boolean;
  running: boolean;
  lastPoll: PollReport | undefined;
  nextPollAt: number | undefined;
  /** The method each source workspace is polled with now. */
  methods: Record<string, PollMethod>;
}

/** After a refusal, `auto` tries the feed again this much later (a plan may be upgraded). */
const FEED_RETRY_MS = 6 * 60 * 60_000;
/** While polling is off, how often the timer looks whether a reload turned it on. */
const DISABLED_CHECK_MS = 60_000;
/** stop() waits this long for a poll in flight; the poll itself writes nothing once stopped. */
const STOP_GRACE_MS = 900;

interface WorkspaceState {
  /** Undefined until this process's first feed poll of the workspace restores it (see restoredYoung). */
  young: Map<string, number> | undefined;
  seen: Map<string, number>;
  feedRefusedUntil: number;
  lastRequests: Partial<Record<PollMethod, number>>;
}

const requestsOf = (runtimes: readonly PairRuntime[]) =>
  runtimes.reduce((sum, r) => sum + r.source.requestCount + r.destination.requestCount, 0);

/** Polls Clockify for changes every interval; one poll at a time, stopped within a second. */
export class Poller {
  private readonly state = new Map<string, WorkspaceState>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  /** Set by stop(): a poll in flight quits before its next request and writes nothing more. */
  private halted = false;
  private running = false;
  private last: PollReport | undefined;
  private nextAt: number | undefined;

  constructor(private readonly options: PollerOptions) {}

  /** Polls at once, then every interval (while `polling.enabled`). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halted = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAt = undefined;
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([this.chain, new Promise<void>((resolve) => (grace = setTimeout(resolve, STOP_GRACE_MS)))]);
    clearTimeout(grace);
  }

  /** One poll now, after any poll in flight (polls never overlap). */
  pollNow(): Promise<PollReport> {
    const poll = this.chain.then(() => this.pollOnce());
    this.chain = poll.catch(() => undefined);
    return poll;
  }

  status(): PollingStatus {
    const methods: Record<string, PollMethod> = {};
    for (const workspaceId of this.sourceWorkspaces().keys()) methods[workspaceId] = this.methodFor(workspaceId);
    const enabled = this.options.config().polling.enabled;
    return { enabled, running: this.running, lastPoll: this.last, nextPollAt: enabled ? this.nextAt : undefined, methods };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.nextAt = this.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Checked at every tick, so a reload that turns polling on or off takes effect without a restart.
      if (!this.options.config().polling.enabled) return this.schedule(this.options.intervalMs ?? DISABLED_CHECK_MS);
      void this.pollNow()
        .catch((error: unknown) => this.options.logger.error({ err: error }, "poll failed"))
        .finally(() => this.schedule(this.intervalMs()));
    }, delayMs);
    this.timer.unref();
  }

  /** The configured interval, or the slowest the budgets allow for what the polls were measured to cost. */
  private intervalMs(): number {
    if (this.options.intervalMs !== undefined) return this.options.intervalMs;
    const config = this.options.config();
    const methods = [...this.sourceWorkspaces().keys()].map((ws) => this.methodFor(ws));
    const method: PollMethod = methods.includes("listing") ? "listing" : "feed";
    const measured = [...this.state.values()].map((s) => s.lastRequests[method] ?? 0);
    const cost = measured.length > 0 && Math.max(...measured) > 0 ? Math.max(...measured) : undefined;
    return pollIntervalMinutes(config, method, cost) * 60_000;
  }

  private now(): number {
    return this.options.now?.() ?? clockNow();
  }

  private sourceWorkspaces(): Map<string, PairRuntime[]> {
    const byWorkspace = new Map<string, PairRuntime[]>();
    for (const runtime of this.options.runtimes().values()) {
      const id = runtime.pair.source.workspaceId;
      byWorkspace.set(id, [...(byWorkspace.get(id) ?? []), runtime]);
    }
    return byWorkspace;
  }

  private stateOf(workspaceId: string): WorkspaceState {
    let state = this.state.get(workspaceId);
    if (!state) this.state.set(workspaceId, (state = { young: undefined, seen: new Map(), feedRefusedUntil: 0, lastRequests: {} }));
    return state;
  }

  private methodFor(workspaceId: string): PollMethod {
    const asked = this.options.config().polling.method;
    if (asked !== "auto") return asked;
    return this.stateOf(workspaceId).feedRefusedUntil > this.now() ? "listing" : "feed";
  }

  private async pollOnce(): Promise<PollReport> {
    this.running = true;
    try {
      const at = this.now();
      const workspaces: WorkspacePollReport[] = [];
      for (const [workspaceId, runtimes] of this.sourceWorkspaces()) {
        if (this.halted) break;
        workspaces.push(await this.pollWorkspace(workspaceId, runtimes, at));
      }
      const report = { at, requests: workspaces.reduce((n, w) => n + w.requests, 0), workspaces };
      this.last = report;
      this.options.logger.info({ poll: report }, "poll finished");
      return report;
    } finally {
      this.running = false;
    }
  }

  private async pollWorkspace(workspaceId: string, runtimes: PairRuntime[], at: number): Promise<WorkspacePollReport> {
    const state = this.stateOf(workspaceId);
    const before = requestsOf(runtimes);
    const method = this.methodFor(workspaceId);
    const report: WorkspacePollReport = { workspaceId, method, requests: 0, changes: 0 };
    try {
      const fallBack = method === "feed" ? await this.feed(workspaceId, runtimes, at, report) : undefined;
      if (fallBack !== undefined) report.fellBack = fallBack;
      if (method === "listing" || fallBack !== undefined) await this.listing(workspaceId, runtimes, at, report);
    } catch (error) {
      report.error = error instanceof Error ? error.message : String(error);
      this.options.logger.warn({ workspaceId, method: report.method, err: error }, "poll of a workspace failed");
    }
    report.requests = requestsOf(runtimes) - before;
    state.lastRequests[report.method] = report.requests;
    return report;
  }

  /** Returns why a listing must follow (refused, overflow, a gap, one still owed), or undefined when the feed sufficed. */
  private async feed(workspaceId: string, runtimes: PairRuntime[], at: number, report: WorkspacePollReport): Promise<string | undefined> {
    const state = this.stateOf(workspaceId);
    const [first] = runtimes;
    if (!first) return undefined;
    const { database } = this.options;
    const pairs = runtimes.map((r) => r.pair);
    const settings = { ...DEFAULT_WINDOW_SETTINGS, ...this.options.windows };
    try {
      const young = state.young ?? await restoredYoung(database, workspaceId, pairs, settings);
      const result = await feedPoll({
        database,
        workspaceId,
        pairs,
        client: first.source,
        settings,
        young,
        seen: state.seen,
        now: at,
        aborted: () => this.halted,
        ...(this.options.feedMaxPages === undefined ? {} : { maxPages: this.options.feedMaxPages }),
      });
      if (!result) return undefined;
      state.young = result.young;
      state.seen = result.seen;
      report.changes = result.stored;
      if (result.unidentified > 0) report.unidentified = result.unidentified;
      if (result.stored > 0) this.options.notify();
      if (result.healing !== undefined) return result.healing;
      const owed = await healingDueSince(database, workspaceId);
      return owed === undefined ? undefined : `a listing owed since ${new Date(owed).toISOString()} has not succeeded yet`;
    } catch (error) {
      const auto = this.options.config().polling.method === "auto";
      if (error instanceof FeedUnusable && auto) {
        state.feedRefusedUntil = at + FEED_RETRY_MS;
        this.options.logger.warn({ workspaceId, reason: error.message }, "change feed not usable: polling by listing");
        return error.message;
      }
      throw error;
    }
  }

  private async listing(workspaceId: string, runtimes: PairRuntime[], at: number, report: WorkspacePollReport): Promise<void> {
    report.method = "listing";
    const { listingWindowDays } = this.options.config().polling;
    const summaries = await listingPoll(this.options.database, workspaceId, runtimes, {
      now: at,
      windowDays: listingWindowDays,
      aborted: () => this.halted,
    });
    report.changes = summaries.reduce((n, s) => n + s.counts.created + s.counts.updated + s.counts.deleted, 0);
    const failed = summaries.find((s) => s.outcome !== "succeeded");
    if (failed) report.error = failed.error ?? `listing poll ${failed.outcome}`;
  }
}
