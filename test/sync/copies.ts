import type { DestinationEntry, PairScope, SourceEntry } from "../../src/sync/model.js";

/**
 * The sync tests' default source entry: 09:00–10:00 "work" of user u1 on p-src ("Website", client-a).
 * Its copy (below) is on p-dst; `oneUserScope` mirrors u1 onto itself under client-a.
 */
export const sourceEntry = (over: Partial<SourceEntry> = {}): SourceEntry => ({
  id: "e1",
  workspaceId: "ws-src",
  userId: "u1",
  start: "2026-11-20T09:00:00Z",
  end: "2026-11-20T10:00:00Z",
  description: "work",
  billable: true,
  project: { id: "p-src", name: "Website", clientId: "client-a" },
  taskName: null,
  tagNames: [],
  ...over,
});

export const oneUserScope: PairScope = {
  members: [{ sourceUserId: "u1", destinationUserId: "u1", field: "source.userId" }],
  sourceClientId: "client-a",
  defaults: {},
};

/** The mirrored copy of the sync tests' default source entry (09:00–10:00 "work" on p-src → p-dst). */
export const copy = (over: Partial<DestinationEntry> = {}): DestinationEntry => ({
  userId: "u1",
  start: "2026-11-20T09:00:00Z",
  end: "2026-11-20T10:00:00Z",
  description: "work",
  billable: true,
  projectId: "p-dst",
  taskId: null,
  tagIds: [],
  ...over,
});
