import type { MappingState } from "../../db/entry-map.js";
import type { DestinationEntry } from "../model.js";
import type { Desired } from "./desired.js";
import { contentHash } from "./mirrored-content.js";

/** The skip reason of an entry whose type the API cannot create; reconcile counts these apart. */
export const NOT_CREATABLE = "not creatable through the Clockify API (time off or holiday)";

/** What to do to the destination for one source entry. Only mapped ids appear in update and delete. */
export type EntryAction =
  | {
      kind: "create";
      sourceId: string;
      entry: DestinationEntry;
      /** An interrupted create (a pending intent) may have made the copy: look for it before creating. */
      recover?: { intentHash: string | null };
      liftTombstone: boolean;
    }
  /** A dry run's create onto a project it would create first: there is no project id to show yet. */
  | { kind: "create"; sourceId: string; entry: null; projectToCreate: string }
  | { kind: "update"; sourceId: string; destinationId: string; entry: DestinationEntry }
  | { kind: "adopt"; sourceId: string; destinationId: string; entry: DestinationEntry; rewrite: boolean }
  | {
      kind: "delete";
      sourceId: string;
      /** null: no known copy; `orphan` says where an interrupted create's copy may be. */
      destinationId: string | null;
      orphan?: { near: string; hash: string; owner?: string };
      reason: string;
      /** Deleted in the source: keep a tombstone so no late event brings it back. Else forget the row. */
      tombstone: boolean;
    }
  | { kind: "unchanged"; sourceId: string; destinationId: string; hash: string; storedHash: string | null }
  | {
      kind: "skip";
      sourceId: string;
      reason: string;
      /** The entry is none of the pair's business (another user's, another client's, project-less, running). */
      outOfScope?: true;
      /** Waiting for this destination project to exist. */
      waitingFor?: string;
    };

/** What is known of the destination copy beyond the map. */
export interface CopyState {
  /** The source entry was just read (or listed): only then may a tombstone be lifted. */
  confirmed: boolean;
  /** A tombstone written after the facts were gathered is newer news than they are: respected. */
  tombstoneIsNews?: boolean;
  /**
   * A listing's view of the mapped copy: its content (null: running or project-less), or "not listed".
   * Absent on the webhook path: there the map's stored hash stands for the copy.
   */
  listed?: { content: DestinationEntry | null } | "not listed";
  /** An unmapped destination entry the copy may adopt instead of creating one (a listing's matches). */
  adoptable?: (entry: DestinationEntry, intentHash: string | null) => { destinationId: string; content: DestinationEntry | null } | undefined;
  /** Where the entry starts, to find an interrupted create's copy when the entry leaves the scope. */
  start?: string;
  /** Whose copy an interrupted create made (the member's destination user), when the entry says. */
  owner?: string;
}

/**
 * The decision for one source entry, from what it should be (`desired`), what the map says and what is
 * known of its copy. Pure. The webhook path and the reconciliation both go desired → planEntry → apply.
 */
export function planEntry(sourceId: string, wanted: Desired, mapping: MappingState | undefined, copy: CopyState): EntryAction {
  if (mapping?.state === "tombstone" && (!copy.confirmed || copy.tombstoneIsNews)) {
    const reason = copy.tombstoneIsNews ? "deleted in the source during this run" : "deleted in the source";
    return copy.tombstoneIsNews ? { kind: "skip", sourceId, reason } : { kind: "skip", sourceId, reason, outOfScope: true };
  }
  const live = mapping?.state === "live" && mapping.destinationEntryId ? mapping.destinationEntryId : undefined;
  const pending = mapping?.state === "pending" ? mapping : undefined;

  if (wanted.kind === "absent") {
    if (live) return { kind: "delete", sourceId, destinationId: live, reason: wanted.reason, tombstone: false };
    if (pending) {
      // An interrupted create for an entry that has since left the scope: its copy must not linger.
      const orphan = pending.contentHash && copy.start ? { orphan: { near: copy.start, hash: pending.contentHash, ...ownerOf(copy.owner) } } : {};
      return { kind: "delete", sourceId, destinationId: null, ...orphan, reason: wanted.reason, tombstone: false };
    }
    // Time off is the pair's own entry that cannot be copied: reported and counted, unlike another's entry.
    if (wanted.reason === "not-creatable") return { kind: "skip", sourceId, reason: NOT_CREATABLE };
    return { kind: "skip", sourceId, reason: wanted.reason, outOfScope: true };
  }
  if (wanted.kind === "needs-project") {
    if (wanted.willBeCreated) return { kind: "create", sourceId, entry: null, projectToCreate: wanted.projectName };
    return { kind: "skip", sourceId, reason: `waiting for project "${wanted.projectName}"`, waitingFor: wanted.projectName };
  }

  const entry = wanted.entry;
  const hash = contentHash(entry);
  if (live) {
    const listed = copy.listed;
    const current = listed === undefined ? undefined : listed === "not listed" ? null : listed.content;
    const same = listed === undefined ? mapping?.contentHash === hash : current !== null && current !== undefined && contentHash(current) === hash;
    if (same) return { kind: "unchanged", sourceId, destinationId: live, hash, storedHash: mapping?.contentHash ?? null };
    // Changed, or the copy is not in the listing (edited out of the window, or deleted by hand): the
    // update finds out which and re-creates a copy that is gone.
    return { kind: "update", sourceId, destinationId: live, entry };
  }
  const intentHash = pending ? pending.contentHash : null;
  const match = copy.adoptable?.(entry, intentHash);
  if (match) {
    const rewrite = !match.content || contentHash(match.content) !== hash;
    return { kind: "adopt", sourceId, destinationId: match.destinationId, entry, rewrite };
  }
  return { kind: "create", sourceId, entry, ...(pending ? { recover: { intentHash } } : {}), liftTombstone: mapping?.state === "tombstone" };
}

/**
 * A run's action, checked again under the entry's lock against the map as it is now: the plan was made
 * from listings that may be seconds old, and if the webhook worker got there first the action steps
 * aside instead of writing twice. Pure.
 */
export function recheck(action: EntryAction, mapping: MappingState | undefined, listedAt: number): EntryAction {
  const newerThanListing = mapping !== undefined && mapping.updatedAt >= listedAt;
  const stepAside: EntryAction = { kind: "skip", sourceId: action.sourceId, reason: "changed since the listing" };
  const mappedTo = (id: string | null) => mapping?.state === "live" && mapping.destinationEntryId === id;
  switch (action.kind) {
    case "create":
      if (action.entry === null) return action;
      if (mapping?.state === "live" || (mapping?.state === "tombstone" && newerThanListing)) return stepAside;
      return {
        kind: "create",
        sourceId: action.sourceId,
        entry: action.entry,
        ...(mapping?.state === "pending" ? { recover: { intentHash: mapping.contentHash } } : {}),
        liftTombstone: mapping?.state === "tombstone",
      };
    case "adopt":
      if (mapping?.state === "live" || (mapping?.state === "tombstone" && newerThanListing)) return stepAside;
      return action;
    case "delete":
      // No known copy: the orphan of an interrupted create, to look for while its intent is still there.
      if (action.destinationId === null) return mapping?.state === "pending" ? action : stepAside;
      return mappedTo(action.destinationId) ? action : stepAside;
    case "update":
      return mappedTo(action.destinationId) ? action : stepAside;
    case "unchanged":
      return mappedTo(action.destinationId) ? { ...action, storedHash: mapping?.contentHash ?? null } : { ...action, storedHash: action.hash };
    case "skip":
      return action;
  }
}

/** The source says the entry is gone (a delete event, a read that found nothing, a run's confirmed read). Pure. */
export function planSourceDeletion(sourceId: string, mapping: MappingState | undefined, start?: string, owner?: string): EntryAction {
  const reason = "deleted in the source";
  if (mapping?.state === "live" && mapping.destinationEntryId) {
    return { kind: "delete", sourceId, destinationId: mapping.destinationEntryId, reason, tombstone: true };
  }
  // An interrupted create may have made a copy: find it by its content and delete it too.
  const orphan = mapping?.state === "pending" && mapping.contentHash && start ? { orphan: { near: start, hash: mapping.contentHash, ...ownerOf(owner) } } : {};
  return { kind: "delete", sourceId, destinationId: null, ...orphan, reason, tombstone: true };
}

const ownerOf = (owner: string | undefined) => (owner === undefined ? {} : { owner });
