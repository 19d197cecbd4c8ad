import type { Config } from "../config/schema.js";

/** How polls are paced when the config names no interval. Pure. */

export type PollMethod = "feed" | "listing";

/** An idle feed poll: one page each of /created, /updated and /deleted for the source workspace. */
export const FEED_REQUESTS_PER_POLL = 3;
/**
 * An idle listing poll (a short reconciliation): both project lists and one entry listing per member and
 * side; 4 measured on the simulator with one member (test/bench/polling.bench-run.ts). The poller uses
 * what it measured once it has polled.
 */
export const LISTING_REQUESTS_PER_POLL = 4;
/** Without an hourly budget: "a few minutes". */
export const UNBUDGETED_INTERVAL_MINUTES = 2;
/** Polling may use this share of a budgeted workspace's hourly requests; the rest is the mirror's writes. */
export const POLLING_SHARE = 0.5;

/** Minutes between polls so that one workspace's polls stay within its share of `requestsPerHour`. */
export function intervalForBudget(requestsPerHour: number | undefined, requestsPerPoll: number): number {
  if (requestsPerHour === undefined) return UNBUDGETED_INTERVAL_MINUTES;
  const pollsPerHour = (requestsPerHour * POLLING_SHARE) / Math.max(1, requestsPerPoll);
  return Math.max(UNBUDGETED_INTERVAL_MINUTES, Math.ceil(60 / pollsPerHour));
}

/** The workspaces a poll sends to: the feed reads the source only, a listing both sides. */
function polledWorkspaces(config: Config, method: PollMethod): string[] {
  return config.pairs.flatMap((pair) =>
    method === "feed" ? [pair.source.workspaceId] : [pair.source.workspaceId, pair.destination.workspaceId],
  );
}

/**
 * The interval in effect: the config's, or the slowest any polled workspace's budget allows. A workspace
 * that several pairs poll pays for each of them (listing) or once (feed), which `requestsPerPoll` says.
 */
export function pollIntervalMinutes(config: Config, method: PollMethod, requestsPerPoll?: number): number {
  if (config.polling.intervalMinutes !== undefined) return config.polling.intervalMinutes;
  const cost = requestsPerPoll ?? (method === "feed" ? FEED_REQUESTS_PER_POLL : LISTING_REQUESTS_PER_POLL);
  const budgets = new Map(config.clockify.workspaces.map((w) => [w.workspaceId, w.requestsPerHour]));
  const minutes = polledWorkspaces(config, method).map((id) => intervalForBudget(budgets.get(id), cost));
  return Math.max(UNBUDGETED_INTERVAL_MINUTES, ...minutes);
}
