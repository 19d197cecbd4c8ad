import type { MappingState } from "../../db/entry-map.js";
import type { DestinationEntry, SourceEntry } from "../model.js";
import type { Desired } from "./desired.js";
import { contentHash, normalizeInstant } from "./mirrored-content.js";
import { planEntry, planSourceDeletion, type EntryAction } from "./plan-entry.js";

export interface WindowInput {
  /** The source user's entries in the window (running ones included), plus mapped ones read one by one. */
  sources: SourceEntry[];
  /** The destination user's entries in the window: id → mirrored content (null: running or project-less). */
  destinations: ReadonlyMap<string, DestinationEntry | null>;
  /** This pair's map, by source entry id. */
  mappings: ReadonlyMap<string, MappingState>;
  /** Destination ids mapped by other pairs: never adopted here. */
  mappedElsewhere: ReadonlySet<string>;
  /** Mapped source entries that a source read showed are gone. */
  goneSources: ReadonlySet<string>;
  /** `desired` bound to this pair's scope and the run's lookup. */
  decide: (entry: SourceEntry) => Desired;
  /** Tombstones written after the listing began are newer news than the listing: respected. */
  listedAt: number;
  /** The destination user whose copy a source entry's is (its member's), if the pair mirrors its user. */
  ownerOf?: (entry: SourceEntry) => string | undefined;
  /**
   * destinationDefaults.descriptionPrefix: the original tool copied descriptions without it, so its copies
   * are matched on the description without the prefix too (and rewritten with it).
   */
  descriptionPrefix?: string;
}

export interface WindowPlan {
  actions: EntryAction[];
  counts: Record<EntryAction["kind"], number>;
  /** Live mappings that touch the window: the base of the mass-delete guard. */
  mappedInWindow: number;
}

/** Adoption compares what the original tool copied: owner, project, start, end, description. */
const adoptionKey = (e: DestinationEntry) =>
  [e.userId, e.projectId, normalizeInstant(e.start), normalizeInstant(e.end), e.description].join("\u0000");
/** The content hash leaves the owner out; one member's orphan must not become another member's copy. */
const ownedHash = (userId: string, hash: string) => `${userId}\u0000${hash}`;

/**
 * The reconciliation diff: planEntry for every source entry in the window, with the listing as the copy
 * state, plus deletes for copies whose source entry is gone. Pure. A destination entry the service did
 * not create or adopt is never updated or deleted: only mapped ids appear in update and delete actions.
 */
export function planWindow(input: WindowInput): WindowPlan {
  const actions: EntryAction[] = [];
  const liveByDestination = new Map<string, MappingState>();
  const mappedHere = new Set<string>();
  for (const m of input.mappings.values()) {
    if (m.destinationEntryId) mappedHere.add(m.destinationEntryId);
    if (m.state === "live" && m.destinationEntryId) liveByDestination.set(m.destinationEntryId, m);
  }
  const adoptable = adoptionPool(input, mappedHere);

  const seen = new Set<string>();
  let mappedInWindow = 0;
  for (const source of input.sources) {
    if (seen.has(source.id)) continue;
    seen.add(source.id);
    const mapping = input.mappings.get(source.id);
    const live = mapping?.state === "live" && mapping.destinationEntryId ? mapping.destinationEntryId : undefined;
    if (live) mappedInWindow++;
    const action = planEntry(source.id, input.decide(source), mapping, {
      confirmed: true,
      tombstoneIsNews: mapping?.state === "tombstone" && mapping.updatedAt >= input.listedAt,
      listed: live === undefined ? undefined : input.destinations.has(live) ? { content: input.destinations.get(live) ?? null } : "not listed",
      adoptable,
      start: source.start,
      ...ownedBy(input.ownerOf?.(source)),
    });
    // Entries of other clients, other users and running timers (but a running timer of the pair's own
    // is reported: it will be mirrored once it stops) are not the pair's: no action, not counted.
    if (action.kind === "skip" && action.outOfScope && action.reason !== "running") continue;
    actions.push(action);
  }

  // Copies in the window whose source entry was not listed: gone from the source (read confirmed it).
  for (const [destinationId, mapping] of liveByDestination) {
    if (seen.has(mapping.sourceEntryId) || !input.destinations.has(destinationId)) continue;
    mappedInWindow++;
    if (input.goneSources.has(mapping.sourceEntryId)) actions.push(planSourceDeletion(mapping.sourceEntryId, mapping));
  }

  const counts = { create: 0, update: 0, adopt: 0, delete: 0, unchanged: 0, skip: 0 };
  for (const a of actions) counts[a.kind]++;
  return { actions, counts, mappedInWindow };
}

/**
 * Unmapped destination entries an unmapped source entry may adopt instead of copying again: an exact
 * match of what the original tool copied, else the orphan of an interrupted create (its intent hash).
 * Each is taken once.
 */
function adoptionPool(input: WindowInput, mappedHere: ReadonlySet<string>) {
  const byKey = new Map<string, string[]>();
  const byHash = new Map<string, string[]>();
  for (const [id, content] of input.destinations) {
    if (!content || mappedHere.has(id) || input.mappedElsewhere.has(id)) continue;
    push(byKey, adoptionKey(content), id);
    push(byHash, ownedHash(content.userId, contentHash(content)), id);
  }
  const taken = new Set<string>();
  const take = (ids: string[] | undefined) => {
    const id = ids?.find((candidate) => !taken.has(candidate));
    if (id) taken.add(id);
    return id;
  };
  const prefix = input.descriptionPrefix;
  const unprefixed = (entry: DestinationEntry): DestinationEntry | undefined => {
    if (prefix === undefined || !entry.description.startsWith(prefix.trim())) return undefined;
    const description = entry.description === prefix.trim() ? "" : entry.description.slice(prefix.length);
    return { ...entry, description };
  };
  return (entry: DestinationEntry, intentHash: string | null) => {
    const bare = unprefixed(entry);
    const match =
      take(byKey.get(adoptionKey(entry))) ??
      (bare ? take(byKey.get(adoptionKey(bare))) : undefined) ??
      (intentHash ? take(byHash.get(ownedHash(entry.userId, intentHash))) : undefined);
    return match ? { destinationId: match, content: input.destinations.get(match) ?? null } : undefined;
  };
}

/** Mapped copies in the destination window whose source entry the listing did not show: read them. */
export function unlistedMappedSources(
  mappings: ReadonlyMap<string, MappingState>,
  listedSources: ReadonlySet<string>,
  destinations: ReadonlyMap<string, unknown>,
): string[] {
  const ids: string[] = [];
  for (const m of mappings.values()) {
    if (m.state !== "live" || !m.destinationEntryId) continue;
    if (!listedSources.has(m.sourceEntryId) && destinations.has(m.destinationEntryId)) ids.push(m.sourceEntryId);
  }
  return ids;
}

/** Deleting more than max(10, 20% of the mapped entries in the window) needs a person's yes. */
export function massDeleteLimit(mappedInWindow: number): number {
  return Math.max(10, Math.floor(mappedInWindow * 0.2));
}

const ownedBy = (owner: string | undefined) => (owner === undefined ? {} : { owner });

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
