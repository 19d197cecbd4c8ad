import type { CheckResult, CheckTransitions } from "./model.js";

/**
 * A run that could not ask Clockify something (a network failure, a 5xx) says nothing new about what
 * it could not check: each check it did not produce, or produced only as "could not check", keeps its
 * previous result when that was a problem. So a Clockify outage neither clears a real error nor sends
 * a "fine again" that the next run takes back.
 */
export function keepWhatWasNotChecked(previous: readonly CheckResult[], fresh: readonly CheckResult[]): CheckResult[] {
  if (!fresh.some((r) => r.inconclusive)) return [...fresh];
  const before = new Map(previous.map((r) => [r.check, r]));
  const merged = fresh.map((r) => {
    const was = before.get(r.check);
    return r.inconclusive && was && was.level !== "ok" ? was : r;
  });
  const produced = new Set(fresh.map((r) => r.check));
  return [...merged, ...previous.filter((r) => !produced.has(r.check) && r.level !== "ok")];
}

/** What an alert announces between two runs of one pair's checks: problems that appeared (or changed level) and cleared. */
export function checkTransitions(previous: readonly CheckResult[], next: readonly CheckResult[]): CheckTransitions {
  const before = new Map(previous.map((r) => [r.check, r]));
  const after = new Map(next.map((r) => [r.check, r]));
  const appeared = next.filter((r) => r.level !== "ok" && before.get(r.check)?.level !== r.level);
  const cleared = [
    ...next.filter((r) => r.level === "ok" && (before.get(r.check)?.level ?? "ok") !== "ok"),
    ...previous
      .filter((r) => r.level !== "ok" && !after.has(r.check))
      .map((r): CheckResult => ({ pairId: r.pairId, check: r.check, level: "ok", message: `${r.message} (no longer checked)` })),
  ];
  return { appeared, cleared };
}
