import type { ClockifyClient } from "../clockify/client.js";
import { now as clockNow } from "../clock.js";
import type { Config } from "../config/schema.js";
import { forgetChecksOfOtherPairs, recordCheckResults } from "../db/checks.js";
import type { AppDatabase } from "../db/connection.js";
import type { Alerter } from "../observability/alerts.js";
import type { Logger } from "../observability/logger.js";
import type { CheckResult, CheckTransitions } from "./model.js";
import { runDoctorChecks } from "./run.js";
import { checkTransitions, keepWhatWasNotChecked } from "./transitions.js";

export interface CheckMonitorOptions {
  config: Config;
  apiUrl: string;
  database: AppDatabase;
  logger: Logger;
  alerter: Alerter;
  clientFor: (apiKey: string) => ClockifyClient;
  /** Default hourly. */
  intervalMs?: number;
  /** A 401/403 asks for a run, at most this often (default 5 minutes): a broken key answers 401 to every call. */
  refusalRunSpacingMs?: number;
}

/**
 * Runs the doctor's checks inside the service: soon after start (in the background: intake never waits
 * for Clockify), then hourly, and after Clockify refuses a key. Keeps the latest results for /healthz,
 * stores them for `status` and the status page, and alerts when a problem appears and when it clears.
 */
export class CheckMonitor {
  private config: Config;
  private results: CheckResult[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private followUp: Promise<void> | undefined;
  private stopped = false;
  private lastRefusalRun = -Infinity;

  constructor(private readonly options: CheckMonitorOptions) {
    this.config = options.config;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Problems of the latest run, errors first: what /healthz reports while any pair has an error. */
  problems(): CheckResult[] {
    return this.results.filter((r) => r.level !== "ok").sort((a, b) => (a.level === b.level ? 0 : a.level === "error" ? -1 : 1));
  }

  /** After a 401/403 from Clockify: run soon, unless a run for that reason happened moments ago. */
  onRefusal(): void {
    const now = clockNow();
    if (this.stopped || now - this.lastRefusalRun < (this.options.refusalRunSpacingMs ?? 300_000)) return;
    this.lastRefusalRun = now;
    void this.runNow();
  }

  /** A reloaded config: its pairs are checked at once; removed pairs' results are dropped. */
  async useConfig(config: Config): Promise<void> {
    this.config = config;
    const ids = config.pairs.map((p) => p.id);
    this.results = this.results.filter((r) => ids.includes(r.pairId));
    try {
      await forgetChecksOfOtherPairs(this.options.database, ids);
    } catch (error) {
      // A lock held elsewhere: the next run drops them.
      this.options.logger.warn({ err: error }, "could not drop the check results of removed pairs now");
    }
    void this.runNow();
  }

  /** Runs the checks now, or right after the run in progress (one follow-up for any number of calls); resolves when that run is done. */
  runNow(): Promise<void> {
    if (this.followUp) return this.followUp;
    if (this.running) {
      this.followUp = this.running.then(() => {
        this.followUp = undefined;
        return this.stopped ? undefined : this.runNow();
      });
      return this.followUp;
    }
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops scheduling; a run in flight finishes in the background but stores nothing. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runNow().finally(() => this.schedule(this.options.intervalMs ?? 3_600_000));
    }, delayMs);
    this.timer.unref();
  }

  private async runOnce(): Promise<void> {
    const { database, logger } = this.options;
    const config = this.config;
    let fresh: CheckResult[];
    try {
      fresh = await runDoctorChecks(config, { apiUrl: this.options.apiUrl, database, logger, clientFor: this.options.clientFor });
    } catch (error) {
      // After stop the database may be closed under a run in flight: nothing to report.
      if (!this.stopped) logger.error({ err: error }, "the checks could not run (a bug, please report it)");
      return;
    }
    if (this.stopped || config !== this.config) return;
    const next: CheckResult[] = [];
    for (const pair of config.pairs) {
      const previous = this.results.filter((r) => r.pairId === pair.id);
      const results = keepWhatWasNotChecked(previous, fresh.filter((r) => r.pairId === pair.id));
      // The alerts compare with what this service saw last, not with the stored rows: a `doctor` run
      // from the command line stores its results too, and must not swallow the service's alert.
      this.announce(checkTransitions(previous, results));
      next.push(...results);
      try {
        await recordCheckResults(database, pair.id, results);
      } catch (error) {
        logger.warn({ err: error, pair: pair.id }, "check results could not be stored; /healthz still has them");
      }
    }
    this.results = next;
    try {
      await forgetChecksOfOtherPairs(database, config.pairs.map((p) => p.id));
    } catch (error) {
      logger.warn({ err: error }, "could not drop the check results of removed pairs");
    }
    const problems = this.problems();
    logger.info({ errors: problems.filter((p) => p.level === "error").length, warnings: problems.filter((p) => p.level === "warning").length }, "checks done");
  }

  private announce(transitions: CheckTransitions): void {
    const { alerter } = this.options;
    for (const problem of transitions.appeared) {
      void alerter.alert(`check:${problem.pairId}:${problem.check}:${problem.level}`, `pair "${problem.pairId}", ${problem.check}: ${problem.message}`);
    }
    for (const cleared of transitions.cleared) {
      void alerter.alert(`check-cleared:${cleared.pairId}:${cleared.check}`, `pair "${cleared.pairId}", ${cleared.check} is fine again: ${cleared.message}`, clockNow(), "info");
    }
  }
}
