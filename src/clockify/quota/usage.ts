import { HOUR_MINUTES, minuteOf } from "./hourly-budget.js";

/** One workspace's requests in one minute. */
export interface UsageRow {
  workspaceId: string;
  /** Minutes since the epoch. */
  minute: number;
  requests: number;
}

/**
 * Where request counts are shared between the processes of one database (the service, a CLI run), so
 * one hourly budget holds for all of them. src/db/api-usage.ts is the real one.
 */
export interface UsageStore {
  add(rows: readonly UsageRow[]): void;
  /** Requests per minute of the workspace from `sinceMinute` on, every process's. */
  minutes(workspaceId: string, sinceMinute: number): Map<number, number>;
}

/**
 * Counts this process's requests per workspace and minute and hands them to the store: at once for a
 * workspace under an hourly budget (another process must see them before its next request), in batches
 * otherwise. A store that fails (a locked or full disk) keeps the counts here for the next flush: a
 * request is never refused because its count could not be written.
 */
export class UsageRecorder {
  private pending = new Map<string, Map<number, number>>();

  constructor(private readonly store: UsageStore | undefined) {}

  record(workspaceId: string, now: number, writeThrough: boolean): void {
    const minute = minuteOf(now);
    let byMinute = this.pending.get(workspaceId);
    if (!byMinute) this.pending.set(workspaceId, (byMinute = new Map()));
    byMinute.set(minute, (byMinute.get(minute) ?? 0) + 1);
    if (!this.store) {
      // Nothing to hand them to: only the last hour is kept.
      for (const old of byMinute.keys()) if (old <= minute - HOUR_MINUTES) byMinute.delete(old);
    } else if (writeThrough) this.flush();
  }

  /** The workspace's requests per minute in the last hour: the store's plus what is not written yet. */
  minutes(workspaceId: string, now: number): Map<number, number> {
    const since = minuteOf(now) - HOUR_MINUTES + 1;
    let stored = new Map<number, number>();
    try {
      stored = this.store?.minutes(workspaceId, since) ?? stored;
    } catch {
      // The store cannot be read now: this process's own counts are still a lower bound.
    }
    for (const [minute, count] of this.pending.get(workspaceId) ?? []) {
      if (minute >= since) stored.set(minute, (stored.get(minute) ?? 0) + count);
    }
    return stored;
  }

  flush(): void {
    if (!this.store || this.pending.size === 0) return;
    const rows: UsageRow[] = [];
    for (const [workspaceId, byMinute] of this.pending) {
      for (const [minute, requests] of byMinute) rows.push({ workspaceId, minute, requests });
    }
    try {
      this.store.add(rows);
      this.pending = new Map();
    } catch {
      // Kept for the next flush.
    }
  }
}
