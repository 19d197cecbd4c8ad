import { ClockifyError } from "../clockify/errors.js";
import type { BlockKind } from "../db/schema.js";
import type { Outcome } from "./outcome.js";

export interface Block {
  kind: BlockKind;
  /** One line for the status list: what refuses the copy and what lifts it. */
  reason: string;
}

/**
 * Whether a failed write is the destination refusing a locked period (403 code 1003) or an approved
 * entry (403 code 4005, API-NOTES §8, §11). Neither is a fault of the sync and retrying soon changes
 * nothing, but both lift by themselves (the lock date moves, the approval is withdrawn), so the copy is
 * kept as blocked, not dead-lettered or counted as failed. Source-side answers are never a block: the
 * source is only read.
 */
export function classifyBlock(error: unknown): Block | undefined {
  if (!(error instanceof ClockifyError) || error.status !== 403 || error.site?.side === "source") return undefined;
  if (error.code === 1003) {
    return { kind: "lock", reason: "the destination has locked this period; applied once the lock date moves or an admin's key is used" };
  }
  if (error.code === 4005) {
    return { kind: "approval", reason: "the destination entry is approved; applied once the approval is withdrawn" };
  }
  return undefined;
}

/** ISO instant → ms, or null when absent or unreadable (the record then shows no date). */
export function startMs(start: string | undefined | null): number | null {
  if (!start) return null;
  const ms = Date.parse(start);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Whether an outcome ends a block: the copy was written, deleted or found as wanted, or nothing is wanted
 * any more. A skip or a park says nothing about the destination, so the record stays.
 */
export function settlesBlock(outcome: Outcome): boolean {
  return "counterpartId" in outcome || outcome.kind === "absent";
}
