import { recordBlocked } from "../../db/blocked.js";
import { getEntryMapping } from "../../db/entry-map.js";
import { classifyBlock, startMs } from "../blocked.js";
import type { PairScope, SourceEntry } from "../model.js";
import type { Outcome } from "../outcome.js";
import type { PairRuntime } from "../pair-runtime.js";
import { sourceEntryFromApi } from "../source-entry.js";
import { namesNeeded } from "./desired.js";
import { scopeOf } from "./lookup.js";
import { mirrorSourceEntry } from "./mirror.js";

const DAY_MS = 86_400_000;

/**
 * One new part. Its failure is its own, not the split entry's (whose copy is already written): a lock
 * or an approval is recorded as blocked under the part's id; anything else is logged and left to the
 * next reconcile, which lists the part as an unmapped entry of the window.
 */
async function mirrorPart(runtime: PairRuntime, entry: SourceEntry): Promise<Outcome> {
  try {
    return await mirrorSourceEntry(runtime, entry, { confirmed: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const block = classifyBlock(error);
    if (block) {
      await recordBlocked(runtime.database, {
                pairId: runtime.pair.id,
                sourceEntryId: entry.id,
                kind: block.kind,
                action: "write",
                entryStartAt: startMs(entry.start),
                message,
              });
      return { kind: "skipped", reason: `blocked by ${block.kind}: ${block.reason}` };
    }
    runtime.logger.warn({ sourceEntryId: entry.id, err: message }, "a new part of a split entry could not be mirrored; the next reconcile retries it");
    return { kind: "skipped", reason: `not mirrored: ${message}` };
  }
}

/**
 * Where the other part of a split entry can start: a day either side of the part that is known. What a
 * split does is undocumented; the simulator's guess (and the likely one) is that the new part starts
 * where the known part now ends, but a day of margin also finds a part split off the front.
 */
export function splitSearchWindow(part: Pick<SourceEntry, "start" | "end">): { start: Date; end: Date } {
  const start = Date.parse(part.start);
  const end = part.end === null ? start : Date.parse(part.end);
  return { start: new Date(start - DAY_MS), end: new Date(end + DAY_MS) };
}

/**
 * The listed entries that may be a new part of the split: the same person's, in the pair's scope, never
 * mirrored before (`known` says which ids have a mapping, a copy or a tombstone). A new part has a new id,
 * so an entry the map knows is not one; leaving those alone keeps this listing, possibly older than their
 * own events, from overwriting them or lifting a tombstone. Pure.
 */
export function splitCandidates(
  listed: readonly SourceEntry[],
  part: Pick<SourceEntry, "id" | "userId">,
  scope: PairScope,
  known: (sourceEntryId: string) => boolean,
): SourceEntry[] {
  return listed.filter((e) => e.id !== part.id && e.userId === part.userId && namesNeeded(e, scope) !== null && !known(e.id));
}

/**
 * After TIME_ENTRY_SPLIT: the event names only one part (at worst), so list the person's entries around
 * it and mirror each new one. Each is mirrored as just read (`confirmed`), under its own entry lock.
 */
export async function mirrorSplitParts(runtime: PairRuntime, part: SourceEntry): Promise<Outcome[]> {
  const scope = await scopeOf(runtime);
  if (!scope.members.some((m) => m.sourceUserId === part.userId)) return [];
  const range = { ...splitSearchWindow(part), pageSize: 1000 };
  const listed: SourceEntry[] = [];
  const pages = runtime.source.hydratedTimeEntryPages(runtime.pair.source.workspaceId, part.userId, range, sourceEntryFromApi);
  for await (const page of pages) listed.push(...page);
  // The few entries of the split's window, looked up before the pure choice of candidates.
  const knownIds = new Set<string>();
  for (const entry of listed) if ((await getEntryMapping(runtime.database, runtime.pair.id, entry.id)) !== undefined) knownIds.add(entry.id);
  const outcomes: Outcome[] = [];
  for (const entry of splitCandidates(listed, part, scope, (id) => knownIds.has(id))) {
    outcomes.push(await mirrorPart(runtime, entry));
  }
  if (outcomes.length > 0) runtime.logger.info({ sourceEntryId: part.id, parts: outcomes.map((o) => o.kind) }, "mirrored the new parts of a split entry");
  return outcomes;
}
