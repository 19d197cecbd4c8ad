import { sha256 } from "../hash.js";
import type { InboxRow } from "../db/schema.js";
import type { SourceEntry } from "../sync/model.js";
import { entryEventBodySchema, projectEventBodySchema, sourceEntryFromEvent, type ProjectEventBody } from "../webhooks/events.js";

/** A stored entry event as the coalescer reads it: decoded once per row. */
export interface DecodedEntryEvent {
  eventType: string;
  /** null when the body lacks what the decision needs (see sourceEntryFromEvent): the worker reads the source. */
  entry: SourceEntry | null;
  /** Equal for byte-identical bodies. */
  bodyKey: string;
  /** The body describes a running timer (no end). */
  running: boolean;
}

export function decodeEntryRow(row: Pick<InboxRow, "eventType" | "body">): DecodedEntryEvent {
  const parsed = entryEventBodySchema.safeParse(parseJson(row.body));
  return {
    eventType: row.eventType,
    entry: parsed.success ? sourceEntryFromEvent(parsed.data) : null,
    bodyKey: bodyKey(row.body),
    running: parsed.success && !parsed.data.timeInterval.end,
  };
}

/** The project a stored project event carries; intake validated it, so a failure here is a defect. */
export function decodeProjectRow(row: Pick<InboxRow, "body">): ProjectEventBody {
  return projectEventBodySchema.parse(parseJson(row.body));
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function bodyKey(body: string): string {
  return sha256(body);
}
