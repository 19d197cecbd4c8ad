import type { ChangeKind, FeedLine } from "../clockify/change-feed.js";

/** What one feed line asks of the mirror: read this entry again. */
export interface FeedChange {
  kind: ChangeKind;
  entryId: string;
  /** The entry's user when the line says it: only pairs mirroring that user get the pull. */
  userId: string | null;
  /**
   * False when the id came from the line's own `id` alone: the spec does not say whether that is the
   * entity's id or the log record's, so such a line is pulled but counted apart (see PollReport).
   */
  identified: boolean;
  /** Why, for the pull's dedupe: the same change seen by two overlapping polls is stored once. */
  cause: string;
}

export interface ParsedFeed {
  changes: FeedChange[];
  /** Lines of another document type, or naming no id at all. */
  ignored: number;
}

const TIME_ENTRY = "TIME_ENTRY";

function present(value: string | null | undefined): value is string {
  return typeof value === "string" && value.length > 0;
}

/** The entry a line names, most explicit field first. */
function entryIdOf(line: FeedLine): { id: string; identified: boolean } | undefined {
  const doc = line.document;
  const explicit = [doc?.id, doc?._id, doc?.timeEntryId, line.entityId, line.documentId].find(present);
  if (explicit) return { id: explicit, identified: true };
  return present(line.id) ? { id: line.id, identified: false } : undefined;
}

function timeOf(kind: ChangeKind, line: FeedLine): string | undefined {
  const own = kind === "deleted" ? line.deletedAt : kind === "created" ? line.createdAt : line.updatedAt;
  return [own, line.changedAt].find(present);
}

/**
 * Feed lines → the entries to read again. Pure. A line without a time of its own is keyed by the poll's
 * window end, so an entry edited again later is never mistaken for a duplicate (it costs one more read
 * when two polls overlap, never a missed change).
 */
export function parseFeedLines(kind: ChangeKind, lines: readonly FeedLine[], windowEnd: number): ParsedFeed {
  const changes = new Map<string, FeedChange>();
  let ignored = 0;
  for (const line of lines) {
    const code = line.documentCode ?? line.documentType;
    const named = entryIdOf(line);
    if ((present(code) && code !== TIME_ENTRY) || !named) {
      ignored++;
      continue;
    }
    const at = timeOf(kind, line) ?? `window:${windowEnd}`;
    changes.set(named.id, {
      kind,
      entryId: named.id,
      userId: line.document?.userId ?? null,
      identified: named.identified,
      cause: `feed:${kind}:${at}`,
    });
  }
  return { changes: [...changes.values()], ignored };
}

/**
 * Drops changes an earlier poll already pulled (overlapping windows show a line again; the inbox would
 * take it as news, since a later pull of the entry came between) and forgets what no window can show
 * again (seen before `forgetBefore`). Pure.
 */
export function unseenChanges(
  changes: readonly FeedChange[],
  seen: ReadonlyMap<string, number>,
  now: number,
  forgetBefore: number,
): { fresh: FeedChange[]; seen: Map<string, number> } {
  const next = new Map([...seen].filter(([, at]) => at >= forgetBefore));
  const fresh: FeedChange[] = [];
  for (const change of changes) {
    const key = `${change.entryId}\u0000${change.cause}`;
    if (next.has(key)) continue;
    next.set(key, now);
    fresh.push(change);
  }
  return { fresh, seen: next };
}
