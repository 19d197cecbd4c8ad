import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response, type Router } from "express";
import type { Logger } from "../observability/logger.js";
import type { StatusActions } from "../status/actions.js";
import { TokenSet, type AuthAttempts } from "./auth-attempts.js";
import { esc, flashMessage, reloadedMessage, renderStatusPage, STATUS_PAGE_CSP, type FlashCode } from "./status-page.js";

export interface AdminRouteDeps {
  actions: StatusActions;
  /** ADMIN_TOKEN; unset or empty makes the page read-only and every admin POST a 403. */
  adminToken?: string | undefined;
  logger: Logger;
  /** Throttles and counts wrong tokens per address, shared with the status page's own check. */
  attempts: AuthAttempts;
}

function securityHeaders(res: Response): void {
  res.set({
    "content-security-policy": STATUS_PAGE_CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  });
}

/**
 * The page's script sends `Accept: application/json` and gets `{ ok, message, reason? }` back; a plain
 * form gets HTML. Only that exact header counts, so a browser's ordinary form POST never sees JSON.
 */
function wantsJson(req: Request): boolean {
  return req.get("accept") === "application/json";
}

/** Why an action was refused, for the script: "wrong-token" makes it forget the token it holds. */
type RefusalReason = "wrong-token" | "disabled" | "bad-request" | "refused" | "failed";

function answerJson(res: Response, status: number, body: { ok: boolean; message: string; reason?: RefusalReason }): void {
  res.set({ "cache-control": "no-store", "x-content-type-options": "nosniff" }).status(status).json(body);
}

/** A refusal or failure, as JSON for the script or as a small page for a plain form. */
function refuse(req: Request, res: Response, status: number, reason: RefusalReason, title: string, message: string): void {
  if (wantsJson(req)) answerJson(res, status, { ok: false, message: `${title}: ${message}`, reason });
  else smallPage(res, status, title, message);
}

function smallPage(res: Response, status: number, title: string, message: string): void {
  securityHeaders(res);
  res
    .status(status)
    .type("html")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
        `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head>` +
        `<body><h1>${esc(title)}</h1><p>${esc(message)}</p><p><a href="/">Back to the status page</a></p></body></html>`,
    );
}

const RECONCILE_STARTED_IN_PAGE =
  "Reconciliation started. It runs in the background; press Refresh to see its outcome under \u201clast reconciliation\u201d when it is done.";

/** A done action: the script gets the flash's text as JSON; a plain form is redirected to see it. */
function done(req: Request, res: Response, code: FlashCode, count?: number, message?: string): void {
  if (wantsJson(req)) {
    const text = message ?? flashMessage(code, count === undefined ? undefined : String(count)) ?? "Done.";
    answerJson(res, 200, { ok: true, message: text });
    return;
  }
  const query = new URLSearchParams({ flash: code, ...(count === undefined ? {} : { n: String(count) }) });
  res.redirect(303, `/?${query.toString()}`);
}

/**
 * `GET /`: the status page (who may read it is viewAccess's business). `POST /admin/...`: its buttons,
 * each a form carrying the admin token, compared by TokenSet. A POST without the right token changes
 * nothing and answers 403; after `burst` wrong ones an address gets 429 until its bucket refills. A done
 * action redirects (303) back to `/`, or, to the page's script, answers JSON (see wantsJson).
 */
export function adminRouter({ actions, adminToken, logger, attempts }: AdminRouteDeps): Router {
  const router = express.Router();
  const expected = new TokenSet([adminToken]);
  const form = express.urlencoded({ extended: false, limit: "8kb", parameterLimit: 20 });

  router.get("/", async (req, res) => {
    let view;
    try {
      view = await actions.view();
    } catch (error) {
      logger.error({ err: error }, "status page could not be built");
      smallPage(res, 500, "Status unavailable", "The database could not be read; see the service log.");
      return;
    }
    securityHeaders(res);
    res
      .status(200)
      .type("html")
      .send(
        renderStatusPage({
          view,
          adminEnabled: !expected.empty,
          flash: flashMessage(req.query["flash"], req.query["n"]),
        }),
      );
  });

  // Before the form is even read: a throttled address costs no parsing and no comparison.
  const throttle: RequestHandler = (req, res, next) => {
    if (!attempts.refuseIfThrottled(req, res, "admin")) next();
  };

  /** Lets the request through only with the right token; otherwise answers 403 itself. */
  const requireToken: RequestHandler = (req, res, next) => {
    if (expected.empty) {
      attempts.noted(req, "admin-disabled");
      refuse(req, res, 403, "disabled", "Admin actions are disabled", "ADMIN_TOKEN is not set on the server. Nothing was changed.");
      return;
    }
    if (!expected.matches(presentedToken(req))) {
      attempts.failed(req, "admin");
      refuse(req, res, 403, "wrong-token", "Wrong admin token", "The admin token was missing or wrong. Nothing was changed.");
      return;
    }
    next();
  };

  router.post("/admin/reconcile", throttle, form, requireToken, (req, res) => {
    if (actions.startReconcile() === "already-running") return done(req, res, "reconcile-running");
    // The script keeps the page (and the token): its people press Refresh rather than reload.
    done(req, res, "reconcile-started", undefined, wantsJson(req) ? RECONCILE_STARTED_IN_PAGE : undefined);
  });

  // A refused reload's message is the config's error: it cannot ride in a flash query, so a plain form
  // gets a page with it, and the old config keeps running.
  router.post("/admin/reload", throttle, form, requireToken, (req, res) => {
    const outcome = actions.reloadConfig();
    if (outcome.ok) {
      done(req, res, "reloaded", outcome.pairs.length, reloadedMessage(outcome.pairs.length, outcome.pairs));
      return;
    }
    refuse(req, res, 409, "refused", "Config not reloaded", `${outcome.message}. The config in effect keeps running.`);
  });

  router.post("/admin/deadletters/retry-all", throttle, form, requireToken, async (req, res) => {
    done(req, res, "retried", await actions.retryDeadLetters());
  });

  router.post("/admin/deadletters/:id/retry", throttle, form, requireToken, async (req, res) => {
    const id = String(req.params["id"]);
    if (!/^\d{1,15}$/.test(id)) {
      refuse(req, res, 400, "bad-request", "Not a dead letter id", "Dead letter ids are numbers. Nothing was changed.");
      return;
    }
    done(req, res, "retried", await actions.retryDeadLetters([Number(id)]));
  });

  // Form bodies that could not be read (too large, bad encoding) end here, as do actions that threw.
  const onError: ErrorRequestHandler = (error: { status?: number; type?: unknown }, req, res, next) => {
    if (res.headersSent) return next(error);
    if (typeof error.type === "string" && error.status && error.status >= 400 && error.status < 500) {
      refuse(req, res, error.status, "bad-request", "Unreadable request", "The form could not be read. Nothing was changed.");
      return;
    }
    logger.error({ err: error, path: req.path }, "admin action failed");
    refuse(req, res, 500, "failed", "The action failed", "See the service log.");
  };
  router.use("/admin", onError);
  return router;
}

function presentedToken(req: Request): string {
  const body: unknown = req.body;
  if (typeof body !== "object" || body === null || !("token" in body)) return "";
  const token: unknown = body.token;
  return typeof token === "string" ? token : "";
}
