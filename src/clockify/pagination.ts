import type { z } from "zod";
import type { QueryValue, Transport } from "./transport.js";

/** Clockify rejects larger pages with 400 "Page size cannot be larger than 5,000." (API-NOTES §7). */
export const MAX_PAGE_SIZE = 5000;

export interface Page<T> {
  items: T[];
  /** The `Last-Page` header when the server sent it; not every endpoint does. */
  lastPage: boolean | undefined;
}

/**
 * Walks 1-based pages and yields each page as it arrives, so callers can stream without holding
 * everything. Stops on `Last-Page: true` or a short page, whichever comes first, so N items cost
 * ceil(N / pageSize) requests when the header is present (one more only when N divides evenly and it is not).
 */
export async function* paginate<T>(
  fetchPage: (page: number, pageSize: number) => Promise<Page<T>>,
  pageSize: number,
): AsyncGenerator<T[], void, undefined> {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RangeError(`page size must be an integer between 1 and ${MAX_PAGE_SIZE}, got ${pageSize}`);
  }
  for (let page = 1; ; page++) {
    const { items, lastPage } = await fetchPage(page, pageSize);
    if (items.length > 0) yield items;
    if (lastPage === true || items.length < pageSize) return;
  }
}

export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}

/** One GET list endpoint of the API, as `listPages` walks it. */
export interface ListRequest<T, U> {
  route: string;
  params: Record<string, string>;
  item: z.ZodType<T>;
  /** Items per request; the most Clockify allows when left out. */
  pageSize?: number | undefined;
  query?: Record<string, QueryValue>;
  /** What the caller holds on to of each item as the page streams in; the item itself when left out. */
  keep?: ((item: T) => U) | undefined;
}

/** The pages of a list endpoint, each read element by element as it streams in (see Transport.page). */
export function listPages<T, U = T>(http: Transport, request: ListRequest<T, U>): AsyncGenerator<U[]> {
  const keep = request.keep ?? ((item: T) => item as unknown as U);
  return paginate(
    (page, size) =>
      http.page({
        method: "GET",
        route: request.route,
        params: request.params,
        query: { ...request.query, page, "page-size": size },
        item: request.item,
        map: keep,
      }),
    request.pageSize ?? MAX_PAGE_SIZE,
  );
}
