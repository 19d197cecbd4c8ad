import { and, eq, ne, notInArray } from "drizzle-orm";
import { now as clockNow } from "../clock.js";
import type { CheckProblem, CheckResult } from "../doctor/model.js";
import type { AppDatabase } from "./connection.js";
import { checkResults } from "./schema.js";

/**
 * Replaces a pair's stored check results with `results`, in one transaction, keeping since when each
 * failing check fails. Checks of the pair not in `results` are dropped (the caller keeps what a run could
 * not check: doctor/transitions.ts).
 */
export async function recordCheckResults({ db }: AppDatabase, pairId: string, results: readonly CheckResult[], now: number = clockNow()): Promise<void> {
  db.transaction((tx) => {
    const before = new Map(tx.select().from(checkResults).where(eq(checkResults.pairId, pairId)).all().map((row) => [row.check, row]));
    for (const result of results) {
      const previous = before.get(result.check);
      const failing = result.level !== "ok";
      const failingSince = failing ? (previous && previous.level !== "ok" ? (previous.failingSince ?? now) : now) : null;
      tx.insert(checkResults)
        .values({ pairId, check: result.check, level: result.level, message: result.message, checkedAt: now, failingSince })
        .onConflictDoUpdate({
          target: [checkResults.pairId, checkResults.check],
          set: { level: result.level, message: result.message, checkedAt: now, failingSince },
        })
        .run();
    }
    const produced = results.map((r) => r.check);
    const stale = produced.length === 0 ? eq(checkResults.pairId, pairId) : and(eq(checkResults.pairId, pairId), notInArray(checkResults.check, produced));
    tx.delete(checkResults).where(stale).run();
  });
}

/** A pair's stored results, as the last run left them. */
export async function listCheckResults({ db }: AppDatabase, pairId: string): Promise<CheckResult[]> {
  return db
    .select()
    .from(checkResults)
    .where(eq(checkResults.pairId, pairId))
    .all()
    .map((row) => ({ pairId: row.pairId, check: row.check, level: row.level, message: row.message }));
}

/** Every stored check that is not ok, errors first, then by pair. */
export async function listCheckProblems({ db }: AppDatabase, pairIds?: readonly string[]): Promise<CheckProblem[]> {
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
export async function forgetChecksOfOtherPairs({ db }: AppDatabase, pairIds: readonly string[]): Promise<void> {
  db.delete(checkResults).where(pairIds.length === 0 ? undefined : notInArray(checkResults.pairId, [...pairIds])).run();
}
