import type { Logger } from "./logger.js";

export interface SummaryLogOptions {
  logger: Logger;
  /** The message of the line logged for the first occurrence of a quiet spell. */
  message: string;
  /** The summary line's message, from the count and the number of distinct sources. */
  summary: (count: number, sources: string, window: string) => string;
  intervalMs?: number;
}

/** Distinct sources remembered per interval; a spoofed flood of addresses must not grow memory. */
const MAX_SOURCES = 10_000;

/**
 * Log lines for things a stranger can cause at will (a rejected webhook, a wrong token): the first one of
 * a quiet spell is logged at once, with its details, so a single misconfiguration is visible right away;
 * the rest are counted and logged as one summary line per interval, with counts by kind and the number
 * of distinct sources. A flood grows the counts, not the log. The timer only runs while there is
 * something to count, and never keeps the process alive.
 */
export class SummaryLog {
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private count = 0;
  private readonly kinds = new Map<string, number>();
  private readonly sources = new Set<string>();

  constructor(private readonly options: SummaryLogOptions) {
    this.intervalMs = options.intervalMs ?? 60_000;
  }

  /** One occurrence; `kind` must come from a fixed set (it becomes a key of the summary line). */
  note(kind: string, source: string | undefined, details: Record<string, unknown> = {}): void {
    if (this.timer === undefined) {
      this.options.logger.warn({ kind, ...details }, this.options.message);
      this.timer = setInterval(() => this.flush(), this.intervalMs);
      this.timer.unref();
      return;
    }
    this.count += 1;
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    if (source !== undefined && this.sources.size < MAX_SOURCES) this.sources.add(source);
  }

  /** Logs what was counted since the last line; after an empty interval the next occurrence is "first" again. */
  flush(): void {
    if (this.count === 0) {
      this.stop();
      return;
    }
    const sources = this.sources.size >= MAX_SOURCES ? `${MAX_SOURCES}+` : String(this.sources.size);
    this.options.logger.warn(
      { count: this.count, kinds: Object.fromEntries(this.kinds), sources, intervalSeconds: this.intervalMs / 1000 },
      this.options.summary(this.count, sources, this.window()),
    );
    this.count = 0;
    this.kinds.clear();
    this.sources.clear();
  }

  /** Logs what is still counted and stops the timer (shutdown). */
  close(): void {
    if (this.count > 0) this.flush();
    this.stop();
  }

  private stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private window(): string {
    return this.intervalMs === 60_000 ? "the last minute" : `the last ${this.intervalMs / 1000} s`;
  }
}
