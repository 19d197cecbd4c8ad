import type { Request, RequestHandler, Response } from "express";
import type { AuthAttempts, TokenSet } from "./auth-attempts.js";
import { isLocalRequest } from "./client-address.js";

export interface ViewAccessOptions {
  /** ADMIN_TOKEN and STATUS_VIEW_TOKEN: either opens the page and /metrics. */
  tokens: TokenSet;
  /** STATUS_PUBLIC=true: anyone who can reach the port may read them. */
  public: boolean;
  attempts: AuthAttempts;
}

const REALM = 'Basic realm="clockify-sync", charset="UTF-8"';

/**
 * The token a request presents: `Authorization: Bearer <token>` (Prometheus, curl) or HTTP Basic with
 * the token as the password and any user name (so a browser asks for it and remembers it).
 */
export function presentedCredential(req: Request): string | undefined {
  const authorization = req.headers.authorization;
  if (!authorization) return undefined;
  const match = /^(Bearer|Basic)[ ]+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1] || !match[2]) return undefined;
  if (match[1].toLowerCase() === "bearer") return match[2];
  const decoded = Buffer.from(match[2], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

function deny(res: Response, status: number, message: string, challenge: boolean): void {
  res.set({ "cache-control": "no-store", "x-content-type-options": "nosniff" });
  if (challenge) res.set("www-authenticate", REALM);
  res.status(status).type("text").send(`${message}\n`);
}

/**
 * The status page and /metrics show pair, workspace and entry ids and the text of Clockify's errors, so
 * by default only this host (loopback, not relayed by a proxy) reads them freely; anyone else needs
 * ADMIN_TOKEN or STATUS_VIEW_TOKEN. Wrong tokens are throttled per address like the admin form's.
 */
export function viewAccess({ tokens, public: open, attempts }: ViewAccessOptions): RequestHandler {
  return (req, res, next) => {
    if (open || isLocalRequest(req)) return next();
    if (tokens.empty) {
      return deny(
        res,
        403,
        "Only served to this host. Set STATUS_VIEW_TOKEN (or ADMIN_TOKEN) to let others in with that token, or STATUS_PUBLIC=true.",
        false,
      );
    }
    if (attempts.refuseIfThrottled(req, res, "status")) return;
    const presented = presentedCredential(req);
    if (presented !== undefined && tokens.matches(presented)) return next();
    // No credential yet is how every browser starts: it gets the challenge, and costs no attempt.
    if (presented !== undefined) attempts.failed(req, "status");
    deny(res, 401, "A token is needed: Authorization: Bearer <token>, or the token as the password.", true);
  };
}
