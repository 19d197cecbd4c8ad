import type { MappingState } from "../../db/entry-map.js";
import { normalizeInstant } from "../entries/mirrored-content.js";
import type { EntryAction } from "../entries/plan-entry.js";
import type { DestinationEntry } from "../model.js";

/**
 * The original tool copied an entry again when it was edited after the copy, and left the first copy
 * behind: same person, same times, the old text. Such a stale copy doubles the hours of its twin.
 */
export interface LeftoverInput {
  /** The destination listing: id → mirrored content (null: running, project-less, time off). */
  destinations: ReadonlyMap<string, DestinationEntry | null>;
  /** This pair's map, by source entry id. */
  mappings: ReadonlyMap<string, MappingState>;
  /** Destination ids other pairs' maps point at. */
  mappedElsewhere: ReadonlySet<string>;
  /** The destination projects of this pair's project map. */
  mirroredProjectIds: ReadonlySet<string>;
  /** The destination users of the pair's members. */
  memberDestinationUserIds: ReadonlySet<string>;
  /** Entries the run adopts (or would): a failed adoption must not turn its target into a leftover. */
  keep?: ReadonlySet<string>;
}

export interface Leftover {
  destinationId: string;
  entry: DestinationEntry;
  /** The live copy it shadows. */
  copyId: string;
  hours: number;
}

const slot = (e: DestinationEntry) => [e.userId, normalizeInstant(e.start), normalizeInstant(e.end), e.type ?? "REGULAR"].join("\u0000");

/**
 * Destination entries that look like the original tool's leftovers: on no map of any pair, on a mirrored
 * project, a member's, with the start and end (and type) of a live mapped copy of the same user in the
 * listing but another description. Sorted by start. Pure. A same-text twin is not one: that is what
 * adoption is for, and deleting it would be guessing.
 */
export function findLeftovers(input: LeftoverInput): Leftover[] {
  const mapped = new Set(input.mappedElsewhere);
  const copies = new Map<string, Array<{ id: string; description: string }>>();
  for (const m of input.mappings.values()) {
    if (!m.destinationEntryId) continue;
    mapped.add(m.destinationEntryId);
    const content = m.state === "live" ? input.destinations.get(m.destinationEntryId) : undefined;
    if (!content) continue;
    const key = slot(content);
    copies.set(key, [...(copies.get(key) ?? []), { id: m.destinationEntryId, description: content.description }]);
  }
  const found: Leftover[] = [];
  for (const [id, entry] of input.destinations) {
    if (!entry || mapped.has(id) || input.keep?.has(id)) continue;
    if (!input.mirroredProjectIds.has(entry.projectId) || !input.memberDestinationUserIds.has(entry.userId)) continue;
    const twin = copies.get(slot(entry))?.find((c) => c.description !== entry.description);
    if (!twin) continue;
    found.push({ destinationId: id, entry, copyId: twin.id, hours: hoursOf(entry) });
  }
  return found.sort((a, b) => Date.parse(a.entry.start) - Date.parse(b.entry.start) || a.destinationId.localeCompare(b.destinationId));
}

function hoursOf(entry: DestinationEntry): number {
  return (Date.parse(entry.end) - Date.parse(entry.start)) / 3_600_000;
}

/**
 * The listing as the plan leaves it, without a copy of it: the content of copies the plan rewrites (an
 * update, an adoption that rewrites) and the copies it deletes. A copy moved by this run must not vouch
 * for an entry at its old times.
 */
export interface ListingAfter {
  listed: ReadonlyMap<string, DestinationEntry | null>;
  changed: Map<string, DestinationEntry>;
  removed: Set<string>;
}

export function emptyChanges(listed: ReadonlyMap<string, DestinationEntry | null>): ListingAfter {
  return { listed, changed: new Map(), removed: new Set() };
}

/** Notes what one planned action does to the listing. An adoption that keeps the content changes nothing. */
export function noteAction(after: ListingAfter, a: EntryAction): void {
  if (a.kind === "update" || (a.kind === "adopt" && a.rewrite)) {
    after.changed.set(a.destinationId, { ...a.entry, userId: after.listed.get(a.destinationId)?.userId ?? a.entry.userId });
  } else if (a.kind === "delete" && a.destinationId) after.removed.add(a.destinationId);
}

/** The entries of the listing as the plan leaves them. */
export function* entriesAfter(after: ListingAfter): Generator<[string, DestinationEntry | null]> {
  for (const [id, content] of after.listed) {
    if (after.removed.has(id)) continue;
    yield [id, after.changed.get(id) ?? content];
  }
}

/** The listing as the plan leaves it, whole (for a small listing and the tests). */
export function listingAfter(destinations: ReadonlyMap<string, DestinationEntry | null>, actions: readonly EntryAction[]): Map<string, DestinationEntry | null> {
  const after = emptyChanges(destinations);
  for (const a of actions) noteAction(after, a);
  return new Map(entriesAfter(after));
}

export interface CandidateRules {
  /** Mapped by this pair or another, or adopted by this run: never a leftover. */
  mapped: (destinationId: string) => boolean;
  mirroredProjectIds: ReadonlySet<string>;
  memberDestinationUserIds: ReadonlySet<string>;
}

/**
 * What findLeftovers could find, and all it needs to tell: the unmapped entries of a member on a mirrored
 * project, and every entry that shares a start and end with one of them (their possible twins). A run
 * over 100,000 copies usually has none, and then hands findLeftovers nothing instead of its whole map.
 */
export function leftoverNeighbourhood(after: ListingAfter, rules: CandidateRules): Map<string, DestinationEntry | null> {
  const slots = new Set<string>();
  for (const [id, entry] of entriesAfter(after)) {
    if (!entry || !rules.mirroredProjectIds.has(entry.projectId) || !rules.memberDestinationUserIds.has(entry.userId)) continue;
    if (!rules.mapped(id)) slots.add(slot(entry));
  }
  const near = new Map<string, DestinationEntry | null>();
  if (slots.size === 0) return near;
  for (const [id, entry] of entriesAfter(after)) if (entry && slots.has(slot(entry))) near.set(id, entry);
  return near;
}

/** A dry run's map as the plan would leave it: what it adopts becomes a live copy. */
export function mappingsAfter(mappings: ReadonlyMap<string, MappingState>, actions: readonly EntryAction[]): Map<string, MappingState> {
  const after = new Map(mappings);
  for (const a of actions) {
    if (a.kind !== "adopt") continue;
    after.set(a.sourceId, { sourceEntryId: a.sourceId, destinationEntryId: a.destinationId, contentHash: null, state: "live", updatedAt: 0 });
  }
  return after;
}

/** What the summary shows of the leftovers. */
export interface LeftoverReport {
  entries: Array<{ destinationId: string; start: string; hours: number; project: string; description: string }>;
  totalHours: number;
  /** Whether the run was asked to remove them (--remove-leftovers). */
  removeRequested: boolean;
  /** How many a real run with --remove-leftovers deleted. */
  removed?: number;
  /** Why asked-for removal did not happen (not confirmed, the run stopped). */
  notRemoved?: string;
}

export function leftoverReport(leftovers: readonly Leftover[], projectNames: ReadonlyMap<string, string>, removeRequested: boolean): LeftoverReport {
  return {
    entries: leftovers.map((l) => ({
      destinationId: l.destinationId,
      start: l.entry.start,
      hours: l.hours,
      project: projectNames.get(l.entry.projectId) ?? l.entry.projectId,
      description: l.entry.description,
    })),
    totalHours: leftovers.reduce((sum, l) => sum + l.hours, 0),
    removeRequested,
  };
}

const SHOWN = 20;
const hours = (h: number) => `${Number(h.toFixed(2))} h`;

/** The summary's lines about leftovers; none when there are none. */
export function describeLeftovers(report: LeftoverReport | undefined, dryRun: boolean): string[] {
  if (!report || report.entries.length === 0) return [];
  const { entries } = report;
  const lines = [
    `  ${entries.length} leftover(s) of the original tool, ${hours(report.totalHours)} in total ` +
      `(unmapped, same start and end as a copy, another description):`,
    ...entries.slice(0, SHOWN).map((e) => `    ${e.start.slice(0, 10)} ${e.start.slice(11, 16)} UTC, ${hours(e.hours)}, ${e.project}, "${e.description}" (${e.destinationId})`),
    ...(entries.length > SHOWN ? [`    … and ${entries.length - SHOWN} more`] : []),
  ];
  if (!report.removeRequested) lines.push("  run with --remove-leftovers to delete them");
  else if (dryRun) lines.push("  --remove-leftovers would delete them (dry run: nothing deleted)");
  else if (report.notRemoved) lines.push(`  not removed: ${report.notRemoved}`);
  return lines;
}
