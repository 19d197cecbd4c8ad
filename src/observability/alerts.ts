import { request } from "undici";
import type { Logger } from "./logger.js";
import { now as clockNow } from "../clock.js";

/**
 * Replaces the original tool's SNS topic: a short Slack-compatible `{"text": ...}` POST when something
 * needs a person. At most one message per problem per hour, so a failing night does not flood a channel.
 * No URL configured: the log line is all there is.
 */
export class Alerter {
  private readonly lastSent = new Map<string, number>();

  constructor(
    private webhookUrl: string | undefined,
    private readonly logger: Logger,
    private readonly quietMs = 3_600_000,
  ) {}

  /** A reloaded config may name another receiver (or none). */
  useUrl(webhookUrl: string | undefined): void {
    this.webhookUrl = webhookUrl;
  }

  /**
   * `problem` identifies the problem for deduplication, e.g. `reconcile-failed:acme`. Good news (a problem
   * that cleared) is logged at info, not error.
   */
  async alert(problem: string, text: string, now: number = clockNow(), level: "error" | "info" = "error"): Promise<boolean> {
    this.logger[level]({ problem }, text);
    if (!this.webhookUrl) return false;
    const last = this.lastSent.get(problem);
    if (last !== undefined && now - last < this.quietMs) return false;
    this.lastSent.set(problem, now);
    try {
      const res = await request(this.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: `clockify-sync: ${text}` }),
        signal: AbortSignal.timeout(10_000),
      });
      await res.body.dump();
      if (res.statusCode < 300) return true;
      this.lastSent.delete(problem);
      this.logger.warn({ problem, status: res.statusCode }, "alert receiver refused the alert");
      return false;
    } catch (error) {
      // Not delivered: the next occurrence may try again instead of being silenced for an hour.
      this.lastSent.delete(problem);
      // The URL holds its receiver's secret: log the failure, never the URL.
      this.logger.warn({ problem, err: error instanceof Error ? error.message : String(error) }, "alert could not be sent");
      return false;
    }
  }
}
