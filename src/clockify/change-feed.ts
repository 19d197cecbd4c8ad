// Clockify's experimental change feed: GET /workspaces/{ws}/entities/created|updated|deleted (API-NOTES §11).
import { z } from "zod";
import { clockifyTime } from "./time-entries.js";
import type { Transport } from "./transport.js";

export type ChangeKind = "created" | "updated" | "deleted";
export const CHANGE_KINDS: readonly ChangeKind[] = ["created", "updated", "deleted"];

/*
 * What is known of the answer (see the polling report for sources): the spec gives `/deleted` as
 * PageableCollectionLogBinDocumentDto `{ response: [{ id, documentCode, deletedAt, document }] }` and no
 * schema at all for `/created` and `/updated`; a third party's live probe saw a bare `[]` for an empty
 * log; no Last-Page header; `page` is 0-based, `limit` defaults to 50. Whether a line's `id` is the entity's
 * or the log record's is not known, nor what `document` holds. So every field is optional and unknown
 * fields are kept: the parser in src/polling/feed-lines.ts decides what a line names.
 */
const documentSchema = z
  .looseObject({
    id: z.string().nullish(),
    _id: z.string().nullish(),
    timeEntryId: z.string().nullish(),
    userId: z.string().nullish(),
    workspaceId: z.string().nullish(),
  })
  .nullish();

export const feedLineSchema = z.looseObject({
  id: z.string().nullish(),
  entityId: z.string().nullish(),
  documentId: z.string().nullish(),
  documentCode: z.string().nullish(),
  documentType: z.string().nullish(),
  deletedAt: z.string().nullish(),
  createdAt: z.string().nullish(),
  updatedAt: z.string().nullish(),
  changedAt: z.string().nullish(),
  document: documentSchema,
});
export type FeedLine = z.infer<typeof feedLineSchema>;

/** Either the documented wrapper or a bare array; a wrapper without `response` is an empty page. */
export const feedPageSchema = z.union([
  z.array(feedLineSchema),
  z.looseObject({ response: z.array(feedLineSchema).nullish() }).transform((page) => page.response ?? []),
]);

export interface FeedQuery {
  /** Document types, e.g. ["TIME_ENTRY"]; at least one (the API requires it). */
  types: readonly string[];
  start: Date;
  end: Date;
  /** 0-based, as the API counts. */
  page: number;
  limit: number;
}

/** One page of one feed. Refusals (a plan without the feature: 403/404/405) surface as ClockifyError. */
export function entityChangesPage(http: Transport, workspaceId: string, kind: ChangeKind, query: FeedQuery): Promise<FeedLine[]> {
  return http.call({
    method: "GET",
    route: `/workspaces/{workspaceId}/entities/${kind}`,
    params: { workspaceId },
    query: {
      type: [...query.types],
      start: clockifyTime(query.start),
      // The API takes whole seconds: the end rounds up, so a change in the poll's last second is inside.
      end: clockifyTime(new Date(Math.ceil(query.end.getTime() / 1000) * 1000)),
      page: String(query.page),
      limit: String(query.limit),
    },
    schema: feedPageSchema,
  });
}
