import { sha256 } from "../hash.js";
import type { PairConfig } from "../config/schema.js";
import type { NewInboxEvent } from "../db/inbox.js";
import { mayMirrorSourceUser } from "../sync/members.js";
import { PULL_EVENT } from "./events.js";

/** What a pull names: a source entry, and why the service thinks it may have changed. */
export interface PullRequest {
  workspaceId: string;
  entryId: string;
  /** The entry's user when known: only pairs that may mirror that user get the pull. */
  userId?: string | null;
  /**
   * Why (a failed delivery's log id, a feed line's time, a poll): a pull with a new cause is news and is
   * stored even when an earlier pull of the entry was applied; the same cause again is a duplicate.
   */
  cause: string;
}

/**
 * Inbox events that make the worker read a source entry and mirror what it finds, one per pair mirroring
 * out of that workspace: the same queue, planner and writer as a webhook. Pure.
 */
export function pullEvents(pairs: readonly PairConfig[], pull: PullRequest): NewInboxEvent[] {
  const { workspaceId, entryId, userId, cause } = pull;
  const body = JSON.stringify({ id: entryId, workspaceId, cause });
  return pairs
    .filter((p) => p.source.workspaceId === workspaceId && (userId == null || mayMirrorSourceUser(p, userId)))
    .map((pair) => ({
      pairId: pair.id,
      workspaceId,
      side: "source" as const,
      eventType: PULL_EVENT,
      entityId: entryId,
      body,
      dedupeKey: sha256([pair.id, "source", PULL_EVENT, entryId, cause].join("\u0000")),
    }));
}
