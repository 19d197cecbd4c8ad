import { createServer, type RequestListener, type Server } from "node:http";

/** What one client may cost the server; tests shorten the times. */
export interface HttpLimits {
  /** A request's headers must be in within this. */
  headersTimeoutMs: number;
  /** A whole request, headers and body, must be in within this (webhook bodies are at most 1 MiB). */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** How often the server looks for requests past those timeouts (Node's default is 30 s). */
  timeoutCheckMs: number;
  /** Webhook bodies being received or processed at once; beyond, 503 with Retry-After. */
  maxBodies: number;
  /** Bytes those bodies may add up to (a body of unknown length counts as 1 MiB). */
  maxBodyBytes: number;
  /** Wrong tokens an address may send in a row before it has to wait (429). */
  authFailureBurst: number;
  /** After the burst, one more wrong token per this many milliseconds. */
  authFailureRefillMs: number;
  /** Rejected webhooks and wrong tokens are logged as one summary line per this interval. */
  summaryIntervalMs: number;
}

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  // 15 s for at most 1 MiB: about 70 KB/s, far below any real sender and far above a stalling one.
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  timeoutCheckMs: 1_000,
  maxBodies: 64,
  maxBodyBytes: 32 * MAX_WEBHOOK_BODY_BYTES,
  authFailureBurst: 10,
  authFailureRefillMs: 6_000,
  summaryIntervalMs: 60_000,
};

export function httpLimits(overrides: Partial<HttpLimits> = {}): HttpLimits {
  return { ...DEFAULT_HTTP_LIMITS, ...overrides };
}

/**
 * The HTTP server with the timeouts set. Node's defaults (5 min per request, checked every 30 s) let a
 * stalled body hold its connection and memory for about 330 s.
 */
export function createHttpServer(listener: RequestListener, limits: HttpLimits): Server {
  const server = createServer(
    {
      // Node refuses a headers timeout longer than the request timeout.
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckMs,
    },
    listener,
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  return server;
}
