import type { MappingState } from "../db/entry-map.js";
import { contentHash, normalizeInstant } from "./content.js";
import type { Desired } from "./desired.js";
import type { DestinationEntry, SourceEntry } from "./model.js";

export type PlannedAction =
  | { kind: "create"; sourceId: string; entry: DestinationEntry; liftTombstone: boolean }
  | { kind: "update"; sourceId: string; destinationId: string; entry: DestinationEntry }
  | { kind: "adopt"; sourceId: string; destinationId: string; entry: DestinationEntry; rewrite: boolean }
  | { kind: "delete"; sourceId: string; destinationId: string; reason: string; tombstone: boolean }
  | { kind: "unchanged"; sourceId: string; destinationId: string; hash: string; storedHash: string | null }
  | { kind: "skip"; sourceId: string; reason: string };

export interface ReconcileInput {
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
  /** `desired` bound to this pair's scope and destination names. */
  decide: (entry: SourceEntry) => Desired;
  /** Tombstones written after the listing began are newer news than the listing: respected. */
  listedAt: number;
}

export interface ReconcilePlan {
  actions: PlannedAction[];
  counts: Record<PlannedAction["kind"], number>;
  /** Live mappings that touch the window: the base of the mass-delete guard. */
  mappedInWindow: number;
}

/** Adoption compares what the original tool copied: project, start, end, description. */
const adoptionKey = (e: DestinationEntry) =>
  [e.projectId, normalizeInstant(e.start), normalizeInstant(e.end), e.description].join("\u0000");

/**
 * The reconciliation diff: what to create, update, delete and adopt so the destination holds exactly
 * what `desired` says for every source entry in the window. Pure. A destination entry the service did
 * not create or adopt is never updated or deleted: only mapped ids appear in update and delete actions.
 */
export function planReconcile(input: ReconcileInput): ReconcilePlan {
  const actions: PlannedAction[] = [];
  const liveByDestination = new Map<string, MappingState>();
  const mappedHere = new Set<string>();
  for (const m of input.mappings.values()) {
    if (m.destinationEntryId) mappedHere.add(m.destinationEntryId);
    if (m.state === "live" && m.destinationEntryId) liveByDestination.set(m.destinationEntryId, m);
  }
  // Unmapped destination entries that an unmapped source entry may adopt instead of copying again.
  const byKey = new Map<string, string[]>();
  const byHash = new Map<string, string[]>();
  for (const [id, content] of input.destinations) {
    if (!content || mappedHere.has(id) || input.mappedElsewhere.has(id)) continue;
    push(byKey, adoptionKey(content), id);
    push(byHash, contentHash(content), id);
  }
  const taken = new Set<string>();
  const take = (ids: string[] | undefined) => {
    const id = ids?.find((candidate) => !taken.has(candidate));
    if (id) taken.add(id);
    return id;
  };

  const seen = new Set<string>();
  let mappedInWindow = 0;
  for (const source of input.sources) {
    if (seen.has(source.id)) continue;
    seen.add(source.id);
    const mapping = input.mappings.get(source.id);
    const live = mapping?.state === "live" && mapping.destinationEntryId ? mapping : undefined;
    if (live) mappedInWindow++;
    if (mapping?.state === "tombstone" && mapping.updatedAt >= input.listedAt) {
      actions.push({ kind: "skip", sourceId: source.id, reason: "deleted in the source during this run" });
      continue;
    }
    const decision = input.decide(source);
    if (decision.kind === "needs-project") {
      actions.push({ kind: "skip", sourceId: source.id, reason: `waiting for project "${decision.projectName}"` });
      continue;
    }
    if (decision.kind === "absent") {
      if (live?.destinationEntryId) {
        actions.push({ kind: "delete", sourceId: source.id, destinationId: live.destinationEntryId, reason: decision.reason, tombstone: false });
      } else if (decision.reason === "running") {
        actions.push({ kind: "skip", sourceId: source.id, reason: "running" });
      }
      continue;
    }
    const entry = decision.entry;
    const hash = contentHash(entry);
    if (live?.destinationEntryId) {
      const current = input.destinations.get(live.destinationEntryId);
      if (current && contentHash(current) === hash) {
        actions.push({ kind: "unchanged", sourceId: source.id, destinationId: live.destinationEntryId, hash, storedHash: live.contentHash });
      } else {
        // Changed, or the copy is not in the listing (edited out of the window, or deleted by hand):
        // the update finds out which and re-creates a copy that is gone.
        actions.push({ kind: "update", sourceId: source.id, destinationId: live.destinationEntryId, entry });
      }
      continue;
    }
    // Unmapped (or an interrupted create): adopt an exact match, else an orphan of the intent, else create.
    const intent = mapping?.state === "pending" ? mapping.contentHash : null;
    const match = take(byKey.get(adoptionKey(entry))) ?? (intent ? take(byHash.get(intent)) : undefined);
    if (match) {
      const content = input.destinations.get(match);
      actions.push({ kind: "adopt", sourceId: source.id, destinationId: match, entry, rewrite: !content || contentHash(content) !== hash });
      continue;
    }
    actions.push({ kind: "create", sourceId: source.id, entry, liftTombstone: mapping?.state === "tombstone" });
  }

  // Copies in the window whose source entry was not listed: gone from the source (read confirmed it).
  for (const [destinationId, mapping] of liveByDestination) {
    if (seen.has(mapping.sourceEntryId) || !input.destinations.has(destinationId)) continue;
    mappedInWindow++;
    if (input.goneSources.has(mapping.sourceEntryId)) {
      actions.push({ kind: "delete", sourceId: mapping.sourceEntryId, destinationId, reason: "deleted in the source", tombstone: true });
    }
  }

  const counts = { create: 0, update: 0, adopt: 0, delete: 0, unchanged: 0, skip: 0 };
  for (const a of actions) counts[a.kind]++;
  return { actions, counts, mappedInWindow };
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

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
