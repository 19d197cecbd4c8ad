import express, { type ErrorRequestHandler, type Router } from "express";
import type { WebhookReceiver } from "../webhooks/receiver.js";

export const WEBHOOK_PATH = "/webhooks/clockify";
const MAX_BODY = "1mb";

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** One URL for every event of every pair and both workspaces: the token says where it comes from. */
export function webhookRouter(receiver: WebhookReceiver): Router {
  const router = express.Router();
  router.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: MAX_BODY }), (req, res) => {
    const body: unknown = req.body;
    void receiver
      .receive({
        token: header(req.headers["clockify-signature"]),
        eventType: header(req.headers["clockify-webhook-event-type"]),
        body: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
      })
      .then((result) => res.status(result.status).json(result.body));
  });
  // Body parser failures (too large, bad encoding, aborted) answer here, before anything is stored.
  const onParseError: ErrorRequestHandler = (error: { status?: number; type?: string }, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 400;
    res.status(status).json({ error: status === 413 ? "body larger than 1 MiB" : "unreadable request body" });
  };
  router.use(WEBHOOK_PATH, onParseError);
  return router;
}
