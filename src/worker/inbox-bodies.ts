import { createHash } from "node:crypto";
import type { InboxRow } from "../db/schema.js";
import { entryEventBodySchema, sourceEntryFromEvent } from "../webhooks/events.js";
import type { PendingEntryEvent } from "./coalesce.js";

/** What the coalescer needs of a stored entry event: its entry (null when unreadable) and a body key. */
export function toPending(row: InboxRow): PendingEntryEvent {
  const parsed = entryEventBodySchema.safeParse(JSON.parse(row.body));
  return {
    eventType: row.eventType,
    entry: parsed.success ? sourceEntryFromEvent(parsed.data) : null,
    bodyKey: bodyKey(row.body),
  };
}

export function isRunningBody(body: string): boolean {
  const parsed = entryEventBodySchema.safeParse(JSON.parse(body));
  return parsed.success && !parsed.data.timeInterval.end;
}

export function bodyKey(body: string): string {
  return createHash("sha256").update(body).digest("hex");
}
