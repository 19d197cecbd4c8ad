import type { AppDatabase } from "./connection.js";
import { pruneApiUsage } from "./api-usage.js";
import { pruneInbox } from "./inbox.js";
import { prunePollRuns } from "./runs.js";

/** How much history each growing table drops, in one place. */
export interface Pruned {
  inboxEvents: number;
  pollRuns: number;
  usageRows: number;
}

/**
 * Drops history older than `before` (applied events, polling's runs) and request counts older than
 * two hours (the hourly budget reads one).
 */
export async function pruneHistory(database: AppDatabase, before: number, now: number): Promise<Pruned> {
  return {
    inboxEvents: await pruneInbox(database, before),
    pollRuns: await prunePollRuns(database, before),
    usageRows: pruneApiUsage(database, Math.floor(now / 60_000) - 120),
  };
}
