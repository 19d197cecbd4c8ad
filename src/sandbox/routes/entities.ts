import { feedAnswer, type ChangeKind } from "../change-feed.js";
import { badRequest } from "../errors.js";
import { ok, workspaceRoute } from "./define.js";
import { instant, list } from "./query.js";
import type { Route, WorkspaceContext } from "./define.js";

const DAY_MS = 86_400_000;

/** `page` and `limit` are strings on the wire (spec defaults "0" and "50"); page is 0-based. */
function count(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw badRequest(`${name} must be a number`);
  return Number(raw);
}

/**
 * The spec: a missing start or end is set 30 days from the other; neither means the 30 days up to now
 * (GUESS: "from the current date" read as ending now).
 */
function window(query: URLSearchParams, now: number): { start: number; end: number } {
  const start = instant(query, "start");
  const end = instant(query, "end");
  if (start !== undefined && end !== undefined) return { start, end };
  if (start !== undefined) return { start, end: start + 30 * DAY_MS };
  const until = end ?? now;
  return { start: until - 30 * DAY_MS, end: until };
}

function feedRoute(kind: ChangeKind): Route {
  return workspaceRoute("GET", `/v1/workspaces/{workspaceId}/entities/${kind}`, (ctx: WorkspaceContext) => {
    const now = Date.now();
    const types = list(ctx.query, "type") ?? [];
    const { start, end } = window(ctx.query, now);
    const request = { kind, types, start, end, page: count(ctx.query, "page", 0), limit: count(ctx.query, "limit", 50), now };
    return ok(feedAnswer(ctx.store, ctx.ws, request));
  });
}

export const entityRoutes: Route[] = [feedRoute("created"), feedRoute("updated"), feedRoute("deleted")];
