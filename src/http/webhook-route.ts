import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response, type Router } from "express";
import { z } from "zod";
import type { DeliveryHeaders } from "../webhooks/intake.js";
import { WEBHOOK_PATH } from "../webhooks/path.js";
import type { WebhookReceiver } from "../webhooks/receiver.js";
import type { BodyBudget } from "./body-budget.js";
import { peerAddress } from "./client-address.js";
import { MAX_WEBHOOK_BODY_BYTES } from "./limits.js";

/** Seconds a sender turned away for lack of room is told to wait; Clockify redelivers anyway. */
const BUSY_RETRY_AFTER_S = 5;

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const contentLength = z.coerce.number().int().nonnegative();

function headersOf(req: Request): DeliveryHeaders {
  return {
    token: header(req.headers["clockify-signature"]),
    eventType: header(req.headers["clockify-webhook-event-type"]),
    from: peerAddress(req),
  };
}

/**
 * An answer sent while the body is still (partly) unread: the connection is closed after it, so Node
 * neither reads the rest nor keeps the socket for another request.
 */
function refuse(res: Response, status: number, body: Record<string, unknown>, retryAfterS?: number): void {
  res.set("connection", "close");
  if (retryAfterS !== undefined) res.set("retry-after", String(retryAfterS));
  res.status(status).json(body);
}

/**
 * One URL for every event of every pair and both workspaces: the token says where it comes from. The
 * token and event type are checked from the headers before any body byte is read; then the body must fit
 * in the budget of bodies in memory, and only then is it read (1 MiB at most).
 */
export function webhookRouter(receiver: WebhookReceiver, budget: BodyBudget): Router {
  const router = express.Router();

  const screen: RequestHandler = async (req, res, next) => {
    const headers = headersOf(req);
    const refused = await receiver.screen(headers);
    if (refused) return refuse(res, refused.status, refused.body);
    const declared = contentLength.safeParse(req.headers["content-length"]);
    if (declared.success && declared.data > MAX_WEBHOOK_BODY_BYTES) {
      return refuse(res, 413, receiver.refused(413, "body larger than 1 MiB", headers).body);
    }
    // A compressed or chunked body may grow to the limit whatever its header says; it is counted so.
    const identity = (req.headers["content-encoding"] ?? "identity").toLowerCase() === "identity";
    const size = declared.success && identity ? declared.data : MAX_WEBHOOK_BODY_BYTES;
    const release = budget.reserve(size);
    if (!release) {
      return refuse(res, 503, receiver.refused(503, "too many deliveries in progress, retry later", headers).body, BUSY_RETRY_AFTER_S);
    }
    // "close" also fires when the client goes away mid-body or the request times out.
    res.once("close", release);
    next();
  };

  router.post(WEBHOOK_PATH, screen, express.raw({ type: () => true, limit: MAX_WEBHOOK_BODY_BYTES }), (req, res) => {
    const body: unknown = req.body;
    void receiver
      .receive({ ...headersOf(req), body: Buffer.isBuffer(body) ? body : Buffer.alloc(0) })
      .then((result) => res.status(result.status).json(result.body));
  });

  // Body parser failures (too large, bad encoding, aborted) answer here, before anything is stored.
  const onParseError: ErrorRequestHandler = (error: { status?: number; type?: string }, req, res, next) => {
    if (res.headersSent) return next(error);
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 400;
    const message = status === 413 ? "body larger than 1 MiB" : "unreadable request body";
    refuse(res, status, receiver.refused(status, message, headersOf(req)).body);
  };
  router.use(WEBHOOK_PATH, onParseError);
  return router;
}
