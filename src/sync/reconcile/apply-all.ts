import { ClockifyError } from "../../clockify/errors.js";
import { clearBlocked, listBlocked, recordBlocked } from "../../db/blocked.js";
import { getEntryMapping } from "../../db/entry-map.js";
import type { Progress } from "../../observability/progress.js";
import { classifyBlock, settlesBlock, startMs } from "../blocked.js";
import { applyEntryAction } from "../entries/apply.js";
import { mirrorSourceDeletion, mirrorSourceEntry } from "../entries/mirror.js";
import { recheck, type EntryAction } from "../entries/plan-entry.js";
import type { Outcome } from "../outcome.js";
import { entryLockKey, type PairRuntime } from "../pair-runtime.js";
import { sourceEntryFromApi } from "../source-entry.js";
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
        const outcome = await applyChecked(runtime, action, listedAt);
        counts[countedAs(outcome)]++;
        if (settlesBlock(outcome)) await clearBlocked(runtime.database, runtime.pair.id, action.sourceId);
      } catch (error) {
        if (await recordIfBlocked(runtime, action, error)) {
          counts.blocked = (counts.blocked ?? 0) + 1;
          progress.advance();
          continue;
        }
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

/**
 * Blocked copies the run did not plan (their date is outside the window, or unknown): each is read
 * from the source again and mirrored like a confirmed event, so a lock lifted on an old month is
 * applied by the next run too. Call after the window's writes; counts like applyActions.
 */
export async function retryBlockedNotPlanned(
  runtime: PairRuntime,
  /** The run's planned actions, or whether it planned one for a source entry (a run that kept none). */
  planned: readonly EntryAction[] | ((sourceEntryId: string) => boolean),
  counts: RunCountsSummary,
): Promise<string | undefined> {
  const ids = typeof planned === "function" ? undefined : new Set(planned.map((a) => a.sourceId));
  const wasPlanned = typeof planned === "function" ? planned : (id: string) => ids?.has(id) === true;
  let firstFailure: string | undefined;
  for (const blocked of await listBlocked(runtime.database, [runtime.pair.id])) {
    if (wasPlanned(blocked.sourceEntryId)) continue;
    const again: EntryAction = { kind: "skip", sourceId: blocked.sourceEntryId, reason: "blocked before" };
    try {
      const outcome = await mirrorAgain(runtime, blocked.sourceEntryId, blocked.entryStartAt);
      counts[countedAs(outcome)]++;
      if (settlesBlock(outcome)) await clearBlocked(runtime.database, runtime.pair.id, blocked.sourceEntryId);
    } catch (error) {
      if (await recordIfBlocked(runtime, again, error)) {
        counts.blocked = (counts.blocked ?? 0) + 1;
        continue;
      }
      counts.failed++;
      firstFailure ??= error instanceof Error ? error.message : String(error);
      runtime.logger.error({ sourceEntryId: blocked.sourceEntryId, err: firstFailure }, "retrying a blocked copy failed");
    }
  }
  return firstFailure;
}

async function mirrorAgain(runtime: PairRuntime, sourceEntryId: string, startAt: number | null): Promise<Outcome> {
  const current = await runtime.source.getHydratedTimeEntry(runtime.pair.source.workspaceId, sourceEntryId);
  if (!current) return mirrorSourceDeletion(runtime, sourceEntryId, { start: startAt === null ? undefined : new Date(startAt).toISOString() });
  return mirrorSourceEntry(runtime, sourceEntryFromApi(current), { confirmed: true });
}

function applyChecked(runtime: PairRuntime, action: EntryAction, listedAt: number): Promise<Outcome> {
  return runtime.locks.run(entryLockKey(runtime.pair.id, action.sourceId), async () =>
    applyEntryAction(runtime, recheck(action, await getEntryMapping(runtime.database, runtime.pair.id, action.sourceId), listedAt)),
  );
}

/**
 * A locked period or an approved entry refuses the copy: recorded, not failed. The run that next lists
 * the entry's date tries again, and its success clears the record (above).
 */
async function recordIfBlocked(runtime: PairRuntime, action: EntryAction, error: unknown): Promise<boolean> {
  const block = classifyBlock(error);
  if (!block) return false;
  const message = error instanceof Error ? error.message : String(error);
  const entry = "entry" in action ? action.entry : null;
  await recordBlocked(runtime.database, {
        pairId: runtime.pair.id,
        sourceEntryId: action.sourceId,
        kind: block.kind,
        action: action.kind === "delete" || (error instanceof ClockifyError && error.method === "DELETE") ? "delete" : "write",
        entryStartAt: startMs(entry?.start),
        message,
      });
  runtime.logger.warn({ sourceEntryId: action.sourceId, action: action.kind, blockedBy: block.kind, err: message }, "reconcile change blocked");
  return true;
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
