import type { DestinationDefaults } from "../config/schema.js";
import type { Member } from "./members.js";

/**
 * A source time entry as the sync sees it: the entry's own fields plus the names its project, task and
 * tags carry, because the destination is matched by name. Both a webhook body and a hydrated API answer
 * become one of these, so every path feeds the same decision.
 */
export interface SourceEntry {
  id: string;
  workspaceId: string;
  userId: string;
  start: string;
  /** null while the timer runs */
  end: string | null;
  description: string;
  billable: boolean;
  project: { id: string; name: string; clientId: string | null } | null;
  taskName: string | null;
  tagNames: string[];
  /**
   * Clockify's entry type when it is not REGULAR: BREAK, or HOLIDAY / TIME_OFF (approved time off), or
   * any type Clockify adds later. Absent for a regular entry.
   */
  type?: string;
}

/** Everything the service writes into a destination entry; PUT replaces the whole entry with it. */
export interface DestinationEntry {
  /**
   * The destination user who owns the copy. Not part of the content hash: a PUT cannot move an entry to
   * another user, and the hashes stored before pairs had several members stay valid.
   */
  userId: string;
  start: string;
  end: string;
  description: string;
  billable: boolean;
  projectId: string;
  taskId: string | null;
  /** sorted, so equal content hashes equal */
  tagIds: string[];
  /** Absent for a regular entry, so the content hashes stored before types were mirrored still match. */
  type?: "BREAK";
}

export interface PairScope {
  /** The mirrored people, both sides resolved to ids. */
  members: readonly Member[];
  sourceClientId: string;
  /** What every copy gets so that the destination's required fields are filled. */
  defaults: DestinationDefaults;
}

/**
 * Where a source project's entries go in the destination: an existing project, or one a dry run would
 * create first (it has no id yet).
 */
export type DestinationProjectRef = { id: string } | { toCreate: string };

/** What the destination knows by name: built by the shell (sync/entries/lookup.ts), read by the pure decision. */
export interface DestinationLookup {
  /** The destination project for a source project, if it has one (mapped, matched or to be created). */
  projectFor(sourceProjectId: string): DestinationProjectRef | undefined;
  taskFor(destinationProjectId: string, taskName: string): string | undefined;
  tagFor(tagName: string): string | undefined;
}
