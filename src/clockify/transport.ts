import { Agent, request, type Dispatcher } from "undici";
import type { z } from "zod";
import { backoffDelay, parseRetryAfter, type BackoffOptions } from "./backoff.js";
import { ClockifyError, classifyStatus } from "./errors.js";
import type { Page } from "./pagination.js";
import type { RateLimiter } from "./rate-limiter.js";
import { errorBodySchema } from "./schemas.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type QueryValue = string | number | boolean | string[] | undefined;

/** One attempt, for metrics and the per-run request count. Carries no URL values and no key. */
export interface RequestEvent {
  method: HttpMethod;
  route: string;
  status: number;
  attempt: number;
  durationMs: number;
}

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  limiter: RateLimiter;
  timeoutMs: number;
  backoff: BackoffOptions;
  dispatcher?: Dispatcher;
  onRequest?: (event: RequestEvent) => void;
  random?: () => number;
}

export interface Call<T> {
  method: HttpMethod;
  /** Template relative to the base URL, e.g. `/workspaces/{workspaceId}/projects`; also the metrics label. */
  route: string;
  params?: Record<string, string>;
  query?: Record<string, QueryValue>;
  body?: unknown;
  schema: z.ZodType<T>;
}

// One keep-alive pool for the process: every client to the same host reuses its sockets.
let sharedAgent: Agent | undefined;
export function defaultDispatcher(): Agent {
  sharedAgent ??= new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 32 });
  return sharedAgent;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Transport {
  private readonly baseUrl: string;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  async call<T>(call: Call<T>): Promise<T> {
    return (await this.send(call)).data;
  }

  async page<T>(call: Call<T[]>): Promise<Page<T>> {
    const { data, headers } = await this.send(call);
    const header = headers["last-page"];
    const value = Array.isArray(header) ? header[0] : header;
    return { items: data, lastPage: value === undefined ? undefined : value.toLowerCase() === "true" };
  }

  private async send<T>(call: Call<T>): Promise<{ data: T; headers: Record<string, string | string[] | undefined> }> {
    const url = this.url(call);
    const { maxRetries } = this.options.backoff;
    let uncertain = false;
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      let error: ClockifyError;
      let retryAfterMs: number | undefined;
      try {
        await this.options.limiter.acquire();
        const res = await request(url, {
          method: call.method,
          dispatcher: this.options.dispatcher ?? defaultDispatcher(),
          headers: {
            "x-api-key": this.options.apiKey,
            accept: "application/json",
            ...(call.body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        const text = await res.body.text();
        this.options.onRequest?.({
          method: call.method,
          route: call.route,
          status: res.statusCode,
          attempt,
          durationMs: performance.now() - started,
        });
        if (res.statusCode < 300) return { data: this.parse(call, res.statusCode, text), headers: res.headers };
        error = this.httpError(call, res.statusCode, text);
        const retryAfter = res.headers["retry-after"];
        retryAfterMs = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
      } catch (cause) {
        if (cause instanceof ClockifyError) throw cause;
        this.options.onRequest?.({
          method: call.method,
          route: call.route,
          status: 0,
          attempt,
          durationMs: performance.now() - started,
        });
        error = new ClockifyError("network", call.method, call.route, 0, undefined, describeNetworkError(cause), {
          cause,
        });
      }
      // A create retried after a 5xx or a lost answer may already have happened; the sync layer records
      // its intent first and searches for such an orphan, so retrying here cannot leave a duplicate behind.
      uncertain ||= error.mayHaveExecuted;
      if (!error.transient || attempt >= maxRetries) {
        error.mayHaveExecuted = uncertain;
        throw error;
      }
      const delay = Math.max(
        retryAfterMs ?? 0,
        backoffDelay(attempt, this.options.backoff, this.options.random),
      );
      await sleep(delay);
    }
  }

  private url(call: Call<unknown>): string {
    const path = call.route.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = call.params?.[name];
      if (value === undefined || value === "") throw new Error(`missing path parameter ${name} for ${call.route}`);
      return encodeURIComponent(value);
    });
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(call.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) search.append(key, v);
      else search.append(key, String(value));
    }
    const qs = search.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ""}`;
  }

  private parse<T>(call: Call<T>, status: number, text: string): T {
    let json: unknown;
    try {
      json = text.length === 0 ? undefined : JSON.parse(text);
    } catch {
      throw new ClockifyError("bad_response", call.method, call.route, status, undefined, "response is not JSON");
    }
    const parsed = call.schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid";
    throw new ClockifyError("bad_response", call.method, call.route, status, undefined, `unexpected response: ${where}`);
  }

  private httpError(call: Call<unknown>, status: number, text: string): ClockifyError {
    let code: number | undefined;
    let message = text.slice(0, 200) || "(empty body)";
    try {
      const body = errorBodySchema.safeParse(JSON.parse(text));
      if (body.success) {
        code = body.data.code ?? undefined;
        message = body.data.message ?? message;
      }
    } catch {
      // not JSON: keep the start of the raw text
    }
    return new ClockifyError(classifyStatus(status), call.method, call.route, status, code, message);
  }
}

function describeNetworkError(cause: unknown): string {
  if (cause instanceof Error) {
    if (cause.name === "TimeoutError" || cause.name === "AbortError") return "timed out";
    const code = (cause as { code?: unknown }).code;
    return typeof code === "string" ? `${code}: ${cause.message}` : cause.message;
  }
  return String(cause);
}
