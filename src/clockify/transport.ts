import { Agent, request, type Dispatcher } from "undici";
import type { z } from "zod";
import { backoffDelay, parseRetryAfter, type BackoffOptions } from "./backoff.js";
import { ClockifyError, classifyStatus } from "./errors.js";
import type { FailureSite } from "./explain.js";
import type { Page } from "./pagination.js";
import { QuotaClosedError, type RequestGate } from "./rate-limiter.js";
import { JsonArraySplitter } from "./json-array-stream.js";
import { errorBodySchema } from "./schemas.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type QueryValue = string | number | boolean | string[] | undefined;

/** One attempt, for metrics and the per-run request count. Carries no URL values and no key. */
export interface RequestEvent {
  method: HttpMethod;
  route: string;
  status: number;
  /** Clockify's `code` from an error body, when it sent one. */
  code?: number;
  attempt: number;
  durationMs: number;
}

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  /** Paces every attempt (per key and workspace) and hears every answer. */
  limiter: RequestGate;
  timeoutMs: number;
  backoff: BackoffOptions;
  dispatcher?: Dispatcher;
  onRequest?: (event: RequestEvent) => void;
  random?: () => number;
  /** The pair and side this key serves: every error thrown is located there (ClockifyError.locate). */
  site?: FailureSite;
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

/** A call without its answer's schema: what sending needs. */
type Route = Omit<Call<unknown>, "schema">;

// One keep-alive pool for the process: every client to the same host reuses its sockets.
let sharedAgent: Agent | undefined;
export function defaultDispatcher(): Agent {
  sharedAgent ??= new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 32 });
  return sharedAgent;
}

/** Methods that may be sent again after an attempt that may have executed. */
const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(["GET", "PUT", "DELETE"]);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Transport {
  private readonly baseUrl: string;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  async call<T>(call: Call<T>): Promise<T> {
    return (await this.send(call, async (body, status) => this.parse(call, status, await body.text(), call.schema))).data;
  }

  /**
   * One page of a list, read as it streams in: each element is parsed and checked on its own and handed
   * to `map` (which keeps what the caller needs), so a 5,000-item page never exists as one big object.
   * A body that fails midway is retried whole, and only a complete page is returned.
   */
  async page<T, U>(call: Route & { item: z.ZodType<T>; map: (item: T) => U }): Promise<Page<U>> {
    const { data, headers } = await this.send(call, async (body, status) => {
      const items: U[] = [];
      const splitter = new JsonArraySplitter();
      const take = (texts: string[]) => {
        for (const text of texts) items.push(call.map(this.parse(call, status, text, call.item, [items.length])));
      };
      try {
        for await (const chunk of body) take(splitter.push(chunk as Buffer));
        splitter.end();
      } catch (error) {
        if (error instanceof SyntaxError) throw this.badResponse(call, status, "response is not a JSON array");
        throw error;
      }
      return items;
    });
    const header = headers["last-page"];
    const value = Array.isArray(header) ? header[0] : header;
    return { items: data, lastPage: value === undefined ? undefined : value.toLowerCase() === "true" };
  }

  /** Sends with retries; `read` turns a 2xx body into the answer (an error inside it counts as the attempt's). */
  private async send<T>(
    call: Route,
    read: (body: Dispatcher.ResponseData["body"], status: number) => Promise<T>,
  ): Promise<{ data: T; headers: Record<string, string | string[] | undefined> }> {
    const url = this.url(call);
    const ticket = { workspaceId: call.params?.workspaceId };
    const { maxRetries } = this.options.backoff;
    let uncertain = false;
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      let error: ClockifyError;
      let retryAfterMs: number | undefined;
      try {
        await this.options.limiter.acquire(ticket);
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
        this.options.limiter.settle(ticket, res.statusCode, res.headers);
        const answered = (code?: number) =>
          this.options.onRequest?.({
            method: call.method,
            route: call.route,
            status: res.statusCode,
            ...(code === undefined ? {} : { code }),
            attempt,
            durationMs: performance.now() - started,
          });
        if (res.statusCode < 300) {
          const data = await read(res.body, res.statusCode);
          answered();
          return { data, headers: res.headers };
        }
        const text = await res.body.text();
        error = this.httpError(call, res.statusCode, text);
        answered(error.code);
        const retryAfter = res.headers["retry-after"];
        retryAfterMs = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
      } catch (cause) {
        if (cause instanceof ClockifyError) throw this.located(cause);
        // Stopping: nothing was sent, and the caller retries it after the restart.
        if (cause instanceof QuotaClosedError) {
          const stopped = new ClockifyError("network", call.method, call.route, 0, undefined, cause.message, { cause, ids: idsOf(call) });
          stopped.mayHaveExecuted = uncertain;
          throw this.located(stopped);
        }
        this.options.onRequest?.({
          method: call.method,
          route: call.route,
          status: 0,
          attempt,
          durationMs: performance.now() - started,
        });
        error = new ClockifyError("network", call.method, call.route, 0, undefined, describeNetworkError(cause), {
          cause,
          ids: idsOf(call),
        });
      }
      uncertain ||= error.mayHaveExecuted;
      // A POST (or PATCH) sent again after a 5xx or a lost answer would make a second copy if the first
      // one happened, and the caller would only learn the second id. Stop: the sync layer recorded its
      // intent and finds such an orphan before it creates again. GET, PUT and DELETE repeat harmlessly.
      const repeatable = IDEMPOTENT.has(call.method) || !error.mayHaveExecuted;
      if (!error.transient || attempt >= maxRetries || !repeatable) {
        error.mayHaveExecuted = uncertain;
        throw this.located(error);
      }
      const delay = Math.max(
        retryAfterMs ?? 0,
        backoffDelay(attempt, this.options.backoff, this.options.random),
      );
      await sleep(delay);
    }
  }

  private located(error: ClockifyError): ClockifyError {
    return this.options.site ? error.locate(this.options.site) : error;
  }

  private url(call: Route): string {
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

  private parse<T>(call: Route, status: number, text: string, schema: z.ZodType<T>, at: PropertyKey[] = []): T {
    let json: unknown;
    try {
      json = text.length === 0 ? undefined : JSON.parse(text);
    } catch {
      throw this.badResponse(call, status, "response is not JSON");
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue ? `${[...at, ...issue.path].map(String).join(".") || "(root)"}: ${issue.message}` : "invalid";
    throw this.badResponse(call, status, `unexpected response: ${where}`);
  }

  private badResponse(call: Route, status: number, message: string): ClockifyError {
    return new ClockifyError("bad_response", call.method, call.route, status, undefined, message, { ids: idsOf(call) });
  }

  private httpError(call: Route, status: number, text: string): ClockifyError {
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
    return new ClockifyError(classifyStatus(status), call.method, call.route, status, code, message, { ids: idsOf(call) });
  }
}

/**
 * The ids a call names, for saying which configured id a refusal was about: the path parameters, the
 * body's top-level `…Id` strings (a project's `clientId`) and a single `clients` filter.
 */
function idsOf(call: Route): Record<string, string> {
  const ids: Record<string, string> = { ...call.params };
  if (typeof call.body === "object" && call.body !== null) {
    for (const [key, value] of Object.entries(call.body)) {
      if (key.endsWith("Id") && typeof value === "string" && value !== "" && !(key in ids)) ids[key] = value;
    }
  }
  const clients = call.query?.clients;
  if (Array.isArray(clients) && clients.length === 1 && clients[0] !== undefined) ids.clientId ??= clients[0];
  return ids;
}

function describeNetworkError(cause: unknown): string {
  if (cause instanceof Error) {
    if (cause.name === "TimeoutError" || cause.name === "AbortError") return "timed out";
    const code = (cause as { code?: unknown }).code;
    return typeof code === "string" ? `${code}: ${cause.message}` : cause.message;
  }
  return String(cause);
}
