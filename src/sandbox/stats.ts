/** Accounting of API requests (not /_sim), for tests and benchmarks. */

export interface RequestRecord {
  method: string;
  /** Spec path template, e.g. "/v1/workspaces/{workspaceId}/projects"; "(unmatched)" otherwise. */
  route: string;
  status: number;
  userId?: string;
  /** The workspace the path names, if any: what a per-workspace limit counts. */
  workspaceId?: string;
  /** Arrival time, performance.now() milliseconds. */
  at: number;
  durationMs: number;
  query?: Record<string, string | string[]>;
  /** Only when the simulator runs with recordBodies. */
  requestBody?: unknown;
  responseBody?: unknown;
}

export interface RequestFilter {
  method?: string;
  route?: string;
  status?: number;
}

export class Stats {
  readonly requests: RequestRecord[] = [];

  record(record: RequestRecord): void {
    this.requests.push(record);
  }

  count(filter: RequestFilter = {}): number {
    let n = 0;
    for (const r of this.requests) {
      if (
        (filter.method === undefined || r.method === filter.method) &&
        (filter.route === undefined || r.route === filter.route) &&
        (filter.status === undefined || r.status === filter.status)
      ) {
        n++;
      }
    }
    return n;
  }

  /** Keys look like "GET /v1/workspaces/{workspaceId}/projects 200". */
  byRoute(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.requests) {
      const key = `${r.method} ${r.route} ${r.status}`;
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }

  /** Most requests (of that user, or all) in any window (t - windowMs, t]. */
  peakRate(userId?: string, windowMs = 1000): number {
    const times = this.requests
      .filter((r) => userId === undefined || r.userId === userId)
      .map((r) => r.at)
      .sort((a, b) => a - b);
    let peak = 0;
    let from = 0;
    for (let to = 0; to < times.length; to++) {
      const t = times[to] ?? 0;
      while ((times[from] ?? 0) <= t - windowMs) from++;
      peak = Math.max(peak, to - from + 1);
    }
    return peak;
  }

  reset(): void {
    this.requests.length = 0;
  }
}
