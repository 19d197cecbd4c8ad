import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response, type Router } from "express";
import type { Logger } from "../observability/logger.js";
import type { StatusActions } from "../status/actions.js";
import { TokenSet, type AuthAttempts } from "./auth-attempts.js";
import { esc, flashMessage, renderStatusPage, STATUS_PAGE_CSP, type FlashCode } from "./status-page.js";

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

function redirectWithFlash(res: Response, code: FlashCode, count?: number): void {
  const query = new URLSearchParams({ flash: code, ...(count === undefined ? {} : { n: String(count) }) });
  res.redirect(303, `/?${query.toString()}`);
}

/**
 * `GET /`: the status page (who may read it is viewAccess's business). `POST /admin/...`: its buttons,
 * each a form carrying the admin token, compared by TokenSet. A POST without the right token changes
 * nothing and answers 403; after `burst` wrong ones an address gets 429 until its bucket refills. A done
 * action redirects (303) back to `/`.
 */
export function adminRouter({ actions, adminToken, logger, attempts }: AdminRouteDeps): Router {
  const router = express.Router();
  const expected = new TokenSet([adminToken]);
  const form = express.urlencoded({ extended: false, limit: "8kb", parameterLimit: 20 });

  router.get("/", (req, res) => {
    let view;
    try {
      view = actions.view();
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
      smallPage(res, 403, "Admin actions are disabled", "ADMIN_TOKEN is not set on the server. Nothing was changed.");
      return;
    }
    if (!expected.matches(presentedToken(req))) {
      attempts.failed(req, "admin");
      smallPage(res, 403, "Wrong admin token", "The admin token was missing or wrong. Nothing was changed.");
      return;
    }
    next();
  };

  router.post("/admin/reconcile", throttle, form, requireToken, (_req, res) => {
    const started = actions.startReconcile();
    redirectWithFlash(res, started === "started" ? "reconcile-started" : "reconcile-running");
  });

  router.post("/admin/deadletters/retry-all", throttle, form, requireToken, (_req, res) => {
    redirectWithFlash(res, "retried", actions.retryDeadLetters());
  });

  router.post("/admin/deadletters/:id/retry", throttle, form, requireToken, (req, res) => {
    const id = String(req.params["id"]);
    if (!/^\d{1,15}$/.test(id)) {
      smallPage(res, 400, "Not a dead letter id", "Dead letter ids are numbers. Nothing was changed.");
      return;
    }
    redirectWithFlash(res, "retried", actions.retryDeadLetters([Number(id)]));
  });

  // Form bodies that could not be read (too large, bad encoding) end here, as do actions that threw.
  const onError: ErrorRequestHandler = (error: { status?: number; type?: unknown }, req, res, next) => {
    if (res.headersSent) return next(error);
    if (typeof error.type === "string" && error.status && error.status >= 400 && error.status < 500) {
      smallPage(res, error.status, "Unreadable request", "The form could not be read. Nothing was changed.");
      return;
    }
    logger.error({ err: error, path: req.path }, "admin action failed");
    smallPage(res, 500, "The action failed", "See the service log.");
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
