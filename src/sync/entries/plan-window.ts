import type { MappingState } from "../../db/entry-map.js";
import type { DestinationEntry, SourceEntry } from "../model.js";
import type { Desired } from "./desired.js";
import { contentHash, normalizeInstant } from "./mirrored-content.js";
import { planEntry, planSourceDeletion, type EntryAction } from "./plan-entry.js";

/** What the plan of a window needs besides the source entries: the destination side and the map. */
export interface WindowContext {
  /** The destination user's entries in the window: id → mirrored content (null: running or project-less). */
  destinations: ReadonlyMap<string, DestinationEntry | null>;
  /** This pair's map, by source entry id. */
  mappings: ReadonlyMap<string, MappingState>;
  /** Destination ids mapped by other pairs: never adopted here. */
  mappedElsewhere: ReadonlySet<string>;
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

export interface WindowInput extends WindowContext {
  /** The source user's entries in the window (running ones included), plus mapped ones read one by one. */
  sources: SourceEntry[];
  /** Mapped source entries that a source read showed are gone. */
  goneSources: ReadonlySet<string>;
}

export interface WindowPlan {
  actions: EntryAction[];
  counts: Record<EntryAction["kind"], number>;
  /** Live mappings that touch the window: the base of the mass-delete guard. */
  mappedInWindow: number;
}

/**
 * The window's plan one source entry at a time, so a big run plans each listed page as it arrives and
 * holds none of the source side. Pure: it only reads its context and remembers which entries it planned.
 */
export interface WindowPlanner {
  /** The action for one source entry; undefined for a duplicate or an entry that is none of the pair's business. */
  plan(source: SourceEntry): EntryAction | undefined;
  /** Mapped copies in the destination listing whose source entry was not planned: to be read one by one. */
  unlisted(): string[];
  /** After the last source entry: deletes for the copies whose source a read showed gone. */
  gone(goneSources: ReadonlySet<string>): EntryAction[];
  /** Whether an action was planned for this source entry (retries of blocked copies skip those). */
  planned(sourceId: string): boolean;
  /** Live mappings that touch the window so far: the base of the mass-delete guard. */
  mappedInWindow(): number;
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
  const planner = createWindowPlanner(input);
  const actions: EntryAction[] = [];
  for (const source of input.sources) {
    const action = planner.plan(source);
    if (action) actions.push(action);
  }
  actions.push(...planner.gone(input.goneSources));
  return { actions, counts: countActions(actions), mappedInWindow: planner.mappedInWindow() };
}

export function countActions(actions: Iterable<EntryAction>): WindowPlan["counts"] {
  const counts = { create: 0, update: 0, adopt: 0, delete: 0, unchanged: 0, skip: 0 };
  for (const a of actions) counts[a.kind]++;
  return counts;
}

export function createWindowPlanner(input: WindowContext): WindowPlanner {
  // Destination id → source entry id: the mappings themselves stay in the map (a big run's map is compact).
  const liveByDestination = new Map<string, string>();
  const mappedHere = new Set<string>();
  for (const m of input.mappings.values()) {
    if (m.destinationEntryId) mappedHere.add(m.destinationEntryId);
    if (m.state === "live" && m.destinationEntryId) liveByDestination.set(m.destinationEntryId, m.sourceEntryId);
  }
  const adoptable = adoptionPool(input, mappedHere);
  const seen = new Set<string>();
  // Seen but not the pair's business: no action was planned for them.
  const outOfScope = new Set<string>();
  const goneDeleted = new Set<string>();
  let mappedInWindow = 0;
  const unlistedLive = () => {
    const ids: string[] = [];
    for (const [destinationId, sourceId] of liveByDestination) if (!seen.has(sourceId) && input.destinations.has(destinationId)) ids.push(sourceId);
    return ids;
  };
  return {
    plan(source) {
      if (seen.has(source.id)) return undefined;
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
      if (action.kind === "skip" && action.outOfScope && action.reason !== "running") {
        outOfScope.add(source.id);
        return undefined;
      }
      return action;
    },
    unlisted: unlistedLive,
    // Copies in the window whose source entry was not listed: gone from the source (read confirmed it).
    gone(goneSources) {
      const actions: EntryAction[] = [];
      for (const sourceId of unlistedLive()) {
        mappedInWindow++;
        if (!goneSources.has(sourceId)) continue;
        goneDeleted.add(sourceId);
        actions.push(planSourceDeletion(sourceId, input.mappings.get(sourceId)));
      }
      return actions;
    },
    planned: (id) => goneDeleted.has(id) || (seen.has(id) && !outOfScope.has(id)),
    mappedInWindow: () => mappedInWindow,
  };
}

/**
 * Unmapped destination entries an unmapped source entry may adopt instead of copying again: an exact
 * match of what the original tool copied, else the orphan of an interrupted create (its intent hash).
 * Each is taken once. The entries are indexed by a number (a hash of their adoption key, checked again
 * on a match) rather than by the key itself, and by content hash only once an intent asks: a 100,000-
 * entry listing would otherwise hold two long strings per entry.
 */
function adoptionPool(input: WindowContext, mappedHere: ReadonlySet<string>) {
  const candidates: string[] = [];
  // Most keys have one entry: it stands alone, not in an array of one.
  const byKey = new Map<number, string | string[]>();
  for (const [id, content] of input.destinations) {
    if (!content || mappedHere.has(id) || input.mappedElsewhere.has(id)) continue;
    candidates.push(id);
    const key = keyNumber(adoptionKey(content));
    const known = byKey.get(key);
    byKey.set(key, known === undefined ? id : typeof known === "string" ? [known, id] : [...known, id]);
  }
  let byHash: Map<string, string[]> | undefined;
  const hashIndex = () => {
    if (byHash) return byHash;
    byHash = new Map();
    for (const id of candidates) {
      const content = input.destinations.get(id);
      if (content) push(byHash, ownedHash(content.userId, contentHash(content)), id);
    }
    return byHash;
  };
  const taken = new Set<string>();
  const take = (ids: string[] | undefined, fits: (id: string) => boolean = () => true) => {
    const id = ids?.find((candidate) => !taken.has(candidate) && fits(candidate));
    if (id) taken.add(id);
    return id;
  };
  const byAdoptionKey = (entry: DestinationEntry) => {
    const key = adoptionKey(entry);
    const bucket = byKey.get(keyNumber(key));
    return take(typeof bucket === "string" ? [bucket] : bucket, (id) => {
      const content = input.destinations.get(id);
      return content !== null && content !== undefined && adoptionKey(content) === key;
    });
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
      byAdoptionKey(entry) ?? (bare ? byAdoptionKey(bare) : undefined) ?? (intentHash ? take(hashIndex().get(ownedHash(entry.userId, intentHash))) : undefined);
    return match ? { destinationId: match, content: input.destinations.get(match) ?? null } : undefined;
  };
}

/** FNV-1a over the key's UTF-16 code units (a 32-bit integer): a bucket number, equal keys equal numbers. */
function keyNumber(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  // Signed: a small integer, not a boxed number, as a map key.
  return hash | 0;
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

function push<K>(map: Map<K, string[]>, key: K, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
