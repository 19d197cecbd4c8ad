import type { CheckLevel } from "../db/schema.js";

export type { CheckLevel };

/**
 * One check of one pair, as doctor prints it and /healthz, status and the status page show it. The
 * message names the pair's side, the config field and the fix; it never carries a secret.
 */
export interface CheckResult {
  pairId: string;
  /** Stable id, e.g. "source.key", "destination.settings", "webhooks", "reconcile". */
  check: string;
  level: CheckLevel;
  message: string;
  /** Set on "could not check" warnings: Clockify did not answer, so the check's last verdict still stands. */
  inconclusive?: true;
}

/** A check that is not ok, with when it started failing. */
export interface CheckProblem extends CheckResult {
  level: "warning" | "error";
  failingSince: number;
  checkedAt: number;
}

/** What changed when new results replaced the stored ones: what alerts announce. */
export interface CheckTransitions {
  appeared: CheckResult[];
  cleared: CheckResult[];
}
