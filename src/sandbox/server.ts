import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import express from "express";
import { ApiError, accessDenied, BUSINESS_RULE } from "./errors.js";
import { RouteMatcher } from "./routes/match.js";
import type { Request, Response } from "express";
import type { Faults, RequestDelay } from "./faults.js";
import type { Route, RouteResult } from "./routes/define.js";
import type { Stats } from "./stats.js";
import type { Store } from "./store.js";

export interface AppDeps {
  store: Store;
  faults: Faults;
  stats: Stats;
  routes: readonly Route[];
  recordBodies: boolean;
  jsonLimit: string;
}

const UNMATCHED = "(unmatched)";
const HAS_BODY = new Set(["POST", "PUT", "PATCH"]);

/**
 * The Express app: `/api/v1/...` is the simulated Clockify, `/_sim/...` is simulator plumbing that
 * faults and stats ignore. One pipeline handles every API request so that faults, auth and
 * accounting happen in the same order for all routes.
 */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // Hashing multi-megabyte pages for an ETag nobody sends back is pure overhead.
  app.set("etag", false);
  const matcher = new RouteMatcher(deps.routes);
  const parseJson = express.json({ limit: deps.jsonLimit });

  app.get("/_sim/health", (_req, res) => {
    res.json({ ok: true });
  });

  app.use("/api", async (req: Request, res: Response) => {
    const at = performance.now();
    const match = matcher.match(req.method, req.path);
    const route = match.kind === "route" ? match.route.template : match.kind === "wrong-method" ? match.template : UNMATCHED;
    const params = match.kind === "route" ? match.params : {};
    const apiKey = req.get("x-api-key");
    const user = apiKey ? deps.store.usersByApiKey.get(apiKey) : undefined;
    const query = new URLSearchParams(req.url.includes("?") ? req.url.slice(req.url.indexOf("?") + 1) : "");
    let body: unknown;
    // Read the body as it arrives, like a real server, even while injected latency is pending: a client
    // that dies after sending it still gets its request executed (the orphan case), one that dies before
    // does not.
    const bodyRead = HAS_BODY.has(req.method) ? parseBody(parseJson, req, res) : Promise.resolve(undefined);
    bodyRead.catch(() => undefined);

    const reply = (result: RouteResult): void => {
      deps.stats.record({
        method: req.method,
        route,
        status: result.status,
        ...(user ? { userId: user.id } : {}),
        ...(params.workspaceId ? { workspaceId: params.workspaceId } : {}),
        at,
        durationMs: performance.now() - at,
        ...(query.size ? { query: queryRecord(query) } : {}),
        ...(deps.recordBodies ? { requestBody: body, responseBody: result.body } : {}),
      });
      res.status(result.status);
      for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
      if (result.body === undefined) res.end();
      else res.json(result.body);
    };

    // A client that gives up (timeout, reset) closes the connection before its answer is written.
    let clientGone = false;
    res.once("close", () => {
      if (!res.writableFinished) clientGone = true;
    });
    const faultRequest = { method: req.method, route, workspaceId: params.workspaceId, apiKeyUserId: user?.id };
    let delay: RequestDelay | undefined;
    let result: RouteResult;
    try {
      if (deps.faults.latencyMs > 0) await sleep(deps.faults.latencyMs);
      delay = deps.faults.delayWhen?.(faultRequest);
      if (delay?.beforeMs) {
        await sleep(delay.beforeMs);
        // Held until its client timed out: dropped unexecuted, unanswered and uncounted.
        if (clientGone) return;
      }
      const injected = deps.faults.injectedFailure(faultRequest);
      if (injected !== undefined) throw new ApiError(injected, injected, "Injected failure (simulator fault)");
      if (!deps.faults.admit(apiKey ?? "", performance.now(), params.workspaceId)) throw new ApiError(429, 429, "Too many requests");
      if (!apiKey) throw new ApiError(401, 1000, "Full authentication is required to access this resource");
      if (!user) throw new ApiError(401, 4003, "Api key does not exist");
      if (match.kind === "none") throw new ApiError(404, 404, `No endpoint ${req.method} ${req.path}`);
      if (match.kind === "wrong-method") throw new ApiError(405, 3000, `Request method '${req.method}' is not supported`);
      body = await bodyRead;
      // body-parser passes a request whose client vanished through with no body; never execute it.
      if (!req.complete) throw new ApiError(400, 400, "Request aborted before its body arrived");
      const base = { store: deps.store, user, params, query, body };
      if (match.route.scope === "account") {
        result = match.route.handle(base);
      } else {
        const ws = deps.store.workspaces.get(params.workspaceId ?? "");
        const role = ws?.members.get(user.id);
        if (!ws || !role) throw accessDenied();
        result = match.route.handle({ ...base, ws, role });
      }
    } catch (err) {
      result = errorResult(err);
    }
    // Executed already: a client that times out during this pause loses the answer, not the write.
    if (delay?.afterMs) await sleep(delay.afterMs);
    reply(result);
  });

  return app;
}

function parseBody(parser: express.RequestHandler, req: Request, res: Response): Promise<unknown> {
  return new Promise((resolve, reject) => {
    parser(req, res, (err?: unknown) => (err ? reject(asBodyError(err)) : resolve(req.body)));
  });
}

/** body-parser errors carry the HTTP status they mean (400 bad JSON, 413 too large, 415 charset). */
function asBodyError(err: unknown): ApiError {
  const status = typeof err === "object" && err && "status" in err && typeof err.status === "number" ? err.status : 400;
  const message = err instanceof Error ? err.message : "Invalid request body";
  return new ApiError(status, BUSINESS_RULE, `Invalid JSON body: ${message}`);
}

function errorResult(err: unknown): RouteResult {
  if (err instanceof ApiError) return { status: err.status, body: err.toBody() };
  console.error("[sandbox] unexpected error", err);
  return { status: 500, body: { message: err instanceof Error ? err.message : "Internal error", code: 500 } };
}

function queryRecord(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    out[key] = values.length === 1 ? (values[0] ?? "") : values;
  }
  return out;
}
