import { and, eq, ne, notInArray } from "drizzle-orm";
import { now as clockNow } from "../clock.js";
import type { CheckProblem, CheckResult, CheckTransitions } from "../doctor/model.js";
import type { AppDatabase } from "./connection.js";
import { checkResults } from "./schema.js";

/**
 * Replaces a pair's stored check results with a fresh run's, in one transaction, and says which problems
 * appeared (not failing before, or failing at another level) and which cleared. Checks of the pair that
 * the run did not produce are dropped: a check that could not run because an earlier one failed is not
 * a stale "ok".
 */
export function recordCheckResults(
  { db }: AppDatabase,
  pairId: string,
  results: readonly CheckResult[],
  now: number = clockNow(),
): CheckTransitions {
  return db.transaction((tx) => {
    const before = new Map(
      tx.select().from(checkResults).where(eq(checkResults.pairId, pairId)).all().map((row) => [row.check, row]),
    );
    const transitions: CheckTransitions = { appeared: [], cleared: [] };
    for (const result of results) {
      const previous = before.get(result.check);
      const failing = result.level !== "ok";
      const wasFailing = previous !== undefined && previous.level !== "ok";
      if (failing && (!wasFailing || previous.level !== result.level)) transitions.appeared.push(result);
      if (!failing && wasFailing) transitions.cleared.push(result);
      const failingSince = failing ? (wasFailing ? (previous.failingSince ?? now) : now) : null;
      tx.insert(checkResults)
        .values({ pairId, check: result.check, level: result.level, message: result.message, checkedAt: now, failingSince })
        .onConflictDoUpdate({
          target: [checkResults.pairId, checkResults.check],
          set: { level: result.level, message: result.message, checkedAt: now, failingSince },
        })
        .run();
    }
    const produced = results.map((r) => r.check);
    for (const [check, row] of before) {
      if (!produced.includes(check) && row.level !== "ok") {
        transitions.cleared.push({ pairId, check, level: "ok", message: `${row.message} (no longer checked)` });
      }
    }
    const stale = produced.length === 0
      ? eq(checkResults.pairId, pairId)
      : and(eq(checkResults.pairId, pairId), notInArray(checkResults.check, produced));
    tx.delete(checkResults).where(stale).run();
    return transitions;
  });
}

/** Every stored check that is not ok, errors first, then by pair. */
export function listCheckProblems({ db }: AppDatabase, pairIds?: readonly string[]): CheckProblem[] {
  const rows = db.select().from(checkResults).where(ne(checkResults.level, "ok")).all();
  return rows
    .filter((row) => pairIds === undefined || pairIds.includes(row.pairId))
    .map((row) => ({
      pairId: row.pairId,
      check: row.check,
      level: row.level === "error" ? ("error" as const) : ("warning" as const),
      message: row.message,
      checkedAt: row.checkedAt,
      failingSince: row.failingSince ?? row.checkedAt,
    }))
    .sort((a, b) => (a.level === b.level ? a.pairId.localeCompare(b.pairId) || a.check.localeCompare(b.check) : a.level === "error" ? -1 : 1));
}

/** Drops the results of pairs no longer in the config (a reload removed them). */
export function forgetChecksOfOtherPairs({ db }: AppDatabase, pairIds: readonly string[]): void {
  db.delete(checkResults).where(pairIds.length === 0 ? undefined : notInArray(checkResults.pairId, [...pairIds])).run();
}
