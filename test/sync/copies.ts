import type { DestinationEntry } from "../../src/sync/model.js";

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
