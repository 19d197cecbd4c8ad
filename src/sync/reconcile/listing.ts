import type { Progress } from "../../observability/progress.js";
import type { DestinationEntry, SourceEntry } from "../model.js";
import type { PairRuntime } from "../pair-runtime.js";
import type { ListRange, RunReads } from "./reads.js";

export interface WindowListing {
  /** Every member's destination entries in the window, by id: the index the plan looks copies up in. */
  destinations: ReadonlyMap<string, DestinationEntry | null>;
  /** Each source user's entries, page by page; read as the plan goes, never held whole. */
  sources: AsyncIterable<SourceEntry[]>[];
  /** When the listings another pair made began (a live listing begins now). */
  listedAt: number[];
  /** " of users[1] (1/2)" for the progress line of the index-th source listing; "" for one member. */
  of(index: number): string;
}

/**
 * The window's listings, one per user and side (Clockify lists entries per user): the destination side
 * whole, as a compact index, the source side as pages still to come.
 */
export async function listWindow(runtime: PairRuntime, reads: RunReads, window: { since: Date; until: Date }, progress: Progress): Promise<WindowListing> {
  const members = await runtime.members();
  const range: ListRange = { start: window.since, end: window.until, pageSize: 5000 };
  const label = (field: string, index: number, count: number) => (count > 1 ? ` of ${field} (${index + 1}/${count})` : "");
  const destinationUsers = distinct(members.map((m) => ({ userId: m.destinationUserId, field: m.field })));
  const sourceUsers = distinct(members.map((m) => ({ userId: m.sourceUserId, field: m.field })));
  const listedAt: number[] = [];
  const parts: ReadonlyMap<string, DestinationEntry | null>[] = [];
  for (const [index, user] of destinationUsers.entries()) {
    progress.phase(`listing destination entries${label(user.field, index, destinationUsers.length)}`);
    const listed = await reads.destinationEntries(runtime, user.userId, range, progress);
    if (listed.listedAt !== undefined) listedAt.push(listed.listedAt);
    parts.push(listed.value);
  }
  const sources = sourceUsers.map((user) => {
    const listed = reads.sourceEntries(runtime, user.userId, range, progress);
    if (listed.listedAt !== undefined) listedAt.push(listed.listedAt);
    return listed.value;
  });
  return {
    destinations: parts.length === 1 && parts[0] ? parts[0] : merged(parts),
    sources,
    listedAt,
    of: (index) => label(sourceUsers[index]?.field ?? "", index, sourceUsers.length),
  };
}

/** One listing per user: two members of one user would list the same entries twice. */
function distinct<T extends { userId: string }>(users: T[]): T[] {
  const seen = new Set<string>();
  return users.filter((u) => !seen.has(u.userId) && seen.add(u.userId));
}

/** Several users' listings as one index (a listing shared with other pairs is never changed). */
function merged(parts: readonly ReadonlyMap<string, DestinationEntry | null>[]): Map<string, DestinationEntry | null> {
  const all = new Map<string, DestinationEntry | null>();
  for (const part of parts) for (const [id, content] of part) all.set(id, content);
  return all;
}
