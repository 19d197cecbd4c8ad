import { timingSafeEqual } from "node:crypto";
import { sha256 } from "../hash.js";
import type { Request, Response } from "express";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { SummaryLog } from "../observability/summary-log.js";
import { peerAddress, throttleKey } from "./client-address.js";
import { FailureThrottle } from "./failure-throttle.js";
import type { HttpLimits } from "./limits.js";

/** Where a token was presented: an admin form, or the status page and /metrics. */
export type Surface = "admin" | "status";

const digestOf = (value: string) => Buffer.from(sha256(value), "hex");

/**
 * Tokens compared as SHA-256 digests with timingSafeEqual (equal lengths), each of them every time, so
 * timing says neither how close a guess was nor which token it was close to.
 */
export class TokenSet {
  private readonly digests: Buffer[];

  constructor(tokens: ReadonlyArray<string | undefined>) {
    this.digests = tokens.filter((t): t is string => typeof t === "string" && t.length > 0).map((t) => digestOf(t));
  }

  get empty(): boolean {
    return this.digests.length === 0;
  }

  matches(presented: string): boolean {
    const digest = digestOf(presented);
    let found = false;
    for (const known of this.digests) found = timingSafeEqual(digest, known) || found;
    return found;
  }
}

/**
 * Wrong tokens, wherever presented, drawn from one throttle per address and counted in one summary
 * log line per interval: guessing the admin token at the form or at the status page costs the same.
 */
export class AuthAttempts {
  private readonly throttle: FailureThrottle;
  private readonly log: SummaryLog;

  constructor(
    logger: Logger,
    private readonly metrics: Metrics,
    limits: Pick<HttpLimits, "authFailureBurst" | "authFailureRefillMs" | "summaryIntervalMs">,
  ) {
    this.throttle = new FailureThrottle({ burst: limits.authFailureBurst, refillMs: limits.authFailureRefillMs });
    this.log = new SummaryLog({
      logger,
      message: "token refused",
      summary: (count, sources, window) => `tokens refused: ${count} wrong or throttled attempts from ${sources} address(es) in ${window}`,
      intervalMs: limits.summaryIntervalMs,
    });
  }

  /**
   * Answers 429 and returns true when the address has used up its wrong attempts; the caller then must
   * not look at the token at all.
   */
  refuseIfThrottled(req: Request, res: Response, surface: Surface): boolean {
    const waitMs = this.throttle.retryAfterMs(throttleKey(peerAddress(req)));
    if (waitMs <= 0) return false;
    this.metrics.authFailures.inc({ surface, outcome: "throttled" });
    this.log.note("throttled", peerAddress(req), { surface, path: req.path, from: peerAddress(req) });
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    res
      .status(429)
      .set({ "retry-after": String(seconds), "cache-control": "no-store", "x-content-type-options": "nosniff" })
      .type("text")
      .send(`Too many wrong tokens from this address; try again in ${seconds} s. Nothing was changed.\n`);
    return true;
  }

  failed(req: Request, surface: Surface): void {
    this.throttle.fail(throttleKey(peerAddress(req)));
    this.metrics.authFailures.inc({ surface, outcome: "wrong_token" });
    this.log.note(surface, peerAddress(req), { surface, path: req.path, from: peerAddress(req) });
  }

  /** Something refused that is no guess (an admin action with no ADMIN_TOKEN set): logged, not throttled. */
  noted(req: Request, kind: string): void {
    this.log.note(kind, peerAddress(req), { path: req.path, from: peerAddress(req) });
  }
}
