import { getEntryMapping } from "../../db/entry-map.js";
import type { PairScope, SourceEntry } from "../model.js";
import type { Outcome } from "../outcome.js";
import type { PairRuntime } from "../pair-runtime.js";
import { sourceEntryFromApi } from "../source-entry.js";
import { namesNeeded } from "./desired.js";
import { scopeOf } from "./lookup.js";
import { mirrorSourceEntry } from "./mirror.js";

const DAY_MS = 86_400_000;

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
  const known = (id: string) => getEntryMapping(runtime.database, runtime.pair.id, id) !== undefined;
  const outcomes: Outcome[] = [];
  for (const entry of splitCandidates(listed, part, scope, known)) {
    outcomes.push(await mirrorSourceEntry(runtime, entry, { confirmed: true }));
  }
  if (outcomes.length > 0) runtime.logger.info({ sourceEntryId: part.id, parts: outcomes.map((o) => o.kind) }, "mirrored the new parts of a split entry");
  return outcomes;
}
