import type { Config } from "../config/schema.js";
import { cursorUpdatedAt } from "../db/cursors.js";
import type { AppDatabase } from "../db/connection.js";
import { pollIntervalMinutes } from "../polling/interval.js";
import { feedCursorName } from "../polling/feed-poll.js";
import { healingDueSince, listingCursorName } from "../polling/listing-poll.js";

/** Polling as the database remembers it, so `status` in another process sees the service's polls. */
export interface PollingStatus {
  intervalMinutes: number;
  method: Config["polling"]["method"];
  workspaces: Array<{
    workspaceId: string;
    lastFeedPollAt: number | null;
    lastListingPollAt: number | null;
    /** Since when a listing is owed (the feed left a gap or overflowed, and no listing has succeeded since). */
    listingOwedSince: number | null;
  }>;
}

/** Undefined while polling is off. */
export async function collectPolling(database: AppDatabase, config: Config): Promise<PollingStatus | undefined> {
  if (!config.polling.enabled) return undefined;
  const ids = [...new Set(config.pairs.map((p) => p.source.workspaceId))];
  return {
    intervalMinutes: pollIntervalMinutes(config, config.polling.method === "listing" ? "listing" : "feed"),
    method: config.polling.method,
    workspaces: await Promise.all(
      ids.map(async (workspaceId) => ({
        workspaceId,
        lastFeedPollAt: (await cursorUpdatedAt(database, feedCursorName(workspaceId, "changes"))) ?? null,
        lastListingPollAt: (await cursorUpdatedAt(database, listingCursorName(workspaceId))) ?? null,
        listingOwedSince: (await healingDueSince(database, workspaceId)) ?? null,
      })),
    ),
  };
}

/** "feed every 12 min; last feed poll 3 min ago, last listing never" */
export function describePolling(polling: PollingStatus, workspace: PollingStatus["workspaces"][number], at: (ms: number | null) => string): string {
  const owed = workspace.listingOwedSince === null ? "" : `; a listing is owed since ${at(workspace.listingOwedSince)} (the feed missed changes) and every poll tries it until it succeeds`;
  return `${polling.method} every ${polling.intervalMinutes} min; last feed poll ${at(workspace.lastFeedPollAt)}, last listing poll ${at(workspace.lastListingPollAt)}${owed}`;
}
