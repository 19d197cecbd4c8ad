import { getEntryMapping } from "../../db/entry-map.js";
import type { Progress } from "../../observability/progress.js";
import { applyEntryAction } from "../entries/apply.js";
import { recheck, type EntryAction } from "../entries/plan-entry.js";
import type { Outcome } from "../outcome.js";
import { entryLockKey, type PairRuntime } from "../pair-runtime.js";
import type { RunCountsSummary } from "./summary.js";

/**
 * Carries out a run's entry actions, `concurrency` at a time (the rate limiter bounds the request rate
 * anyway), each under the entry's lock and checked again against the map: the webhook worker may have
 * got there since the listing. Answers the first failure's message (for the run's error line), if any.
 */
export async function applyActions(
  runtime: PairRuntime,
  actions: readonly EntryAction[],
  listedAt: number,
  concurrency: number,
  counts: RunCountsSummary,
  progress: Progress,
): Promise<string | undefined> {
  let next = 0;
  let firstFailure: string | undefined;
  const lane = async () => {
    while (next < actions.length) {
      const action = actions[next++];
      if (!action) break;
      try {
        counts[countedAs(await applyChecked(runtime, action, listedAt))]++;
      } catch (error) {
        counts.failed++;
        const message = error instanceof Error ? error.message : String(error);
        firstFailure ??= message;
        runtime.logger.error({ sourceEntryId: action.sourceId, action: action.kind, err: message }, "reconcile change failed");
      }
      progress.advance();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  return firstFailure;
}

function applyChecked(runtime: PairRuntime, action: EntryAction, listedAt: number): Promise<Outcome> {
  return runtime.locks.run(entryLockKey(runtime.pair.id, action.sourceId), () =>
    applyEntryAction(runtime, recheck(action, getEntryMapping(runtime.database, runtime.pair.id, action.sourceId), listedAt)),
  );
}

function countedAs(outcome: Outcome): keyof RunCountsSummary {
  switch (outcome.kind) {
    case "created":
    case "updated":
    case "adopted":
    case "deleted":
    case "unchanged":
      return outcome.kind;
    default:
      return "skipped";
  }
}
