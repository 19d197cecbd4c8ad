import type { ChangeKind, FeedLine } from "../clockify/change-feed.js";
import type { ClockifyClient } from "../clockify/client.js";
import { ClockifyError } from "../clockify/errors.js";
import type { TimeWindow } from "./windows.js";

/** Asked per page; the API's default page is 50, and some endpoints ignore the size asked (API-NOTES §7). */
export const FEED_PAGE_LIMIT = 200;
const DEFAULT_PAGE = 50;
/** More than this many pages in one poll: a listing is cheaper and surer than paging on. */
export const MAX_FEED_PAGES = 20;

/** The feed cannot serve this workspace (refused, unknown, or answers that cannot be read). */
export class FeedUnusable extends Error {
  override readonly name = "FeedUnusable";
}

/** Too many changes for the feed in one poll: the poll turns to a listing. */
export class FeedOverflow extends Error {
  override readonly name = "FeedOverflow";
}

/** A refusal that will not go away by asking again: the plan or the key lacks the feature. */
export function isFeedRefusal(error: unknown): boolean {
  if (!(error instanceof ClockifyError)) return false;
  if (error.kind === "forbidden" || error.kind === "not_found" || error.kind === "bad_response") return true;
  // 400: a `type` or window the API does not take; 405/501: a host without the endpoint.
  return error.status === 400 || error.status === 405 || error.status === 501;
}

/** A page may be cut short when it is as long as asked, or as long as the default the API may fall back to. */
function mayContinue(page: readonly FeedLine[]): boolean {
  return page.length === FEED_PAGE_LIMIT || page.length === DEFAULT_PAGE;
}

/** Every line of one feed over one window; `aborted` stops between pages. */
export async function fetchFeed(
  client: ClockifyClient,
  workspaceId: string,
  kind: ChangeKind,
  window: TimeWindow,
  aborted: () => boolean,
  maxPages: number = MAX_FEED_PAGES,
): Promise<FeedLine[]> {
  const lines: FeedLine[] = [];
  let previousFirst: string | undefined;
  for (let page = 0; page < maxPages && !aborted(); page++) {
    const query = { types: ["TIME_ENTRY"], start: new Date(window.start), end: new Date(window.end), page, limit: FEED_PAGE_LIMIT };
    let answer: FeedLine[];
    try {
      answer = await client.entityChangesPage(workspaceId, kind, query);
    } catch (error) {
      if (isFeedRefusal(error)) throw new FeedUnusable(`the change feed /entities/${kind} is not usable: ${(error as Error).message}`, { cause: error });
      throw error;
    }
    const first = answer[0] === undefined ? undefined : JSON.stringify(answer[0]);
    // A server that ignores `page` sends the first page forever: the feed then cannot be paged.
    if (page > 0 && first !== undefined && first === previousFirst) throw new FeedUnusable(`/entities/${kind} ignores its page parameter`);
    previousFirst = first;
    lines.push(...answer);
    if (!mayContinue(answer)) return lines;
  }
  if (aborted()) return lines;
  throw new FeedOverflow(`more than ${maxPages} pages of /entities/${kind} in one poll`);
}
