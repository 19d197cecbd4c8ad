import fc from "fast-check";

/**
 * How Clockify and the service misbehave during one convergence case: webhook duplicates, reordering,
 * delays and drops, destination 503s, 429s and timeouts, and restarts of the service.
 */

/** The service's Clockify timeout here, and how long a "timeout" fault holds a request: past it. */
export const CLIENT_TIMEOUT_MS = 200;
export const SLOW_MS = CLIENT_TIMEOUT_MS + 100;

export type ApiFaults =
  | { kind: "none" }
  | { kind: "errors"; rate: number }
  | { kind: "rate-limit"; perSecond: number }
  /**
   * The destination requests with these numbers (0 = the first one the destination sees) are held past
   * the client's timeout: executed with the answer lost, or never executed. Numbers, not a rate, so a
   * shrunk counterexample says which requests it takes.
   */
  | { kind: "timeouts"; requests: number[]; lost: "answer" | "request" };

/** Stop the service after `afterOps` operations (all of them when the history is shorter) and start a new one. */
export interface Restart {
  afterOps: number;
  /** Time the deliveries and the worker get before the stop, so it lands in the middle of their work. */
  pauseMs: number;
  /** Time the service stays down: deliveries meanwhile fail and are retried. */
  downMs: number;
}

export interface Schedule {
  seed: number;
  duplicateRate: number;
  reorderWindowMs: number;
  delayMs: [number, number];
  dropRate: number;
  api: ApiFaults;
  restarts: Restart[];
  toString(): string;
}

function describeApi(api: ApiFaults): string {
  switch (api.kind) {
    case "none":
      return "ok";
    case "errors":
      return `503@${api.rate}`;
    case "rate-limit":
      return `429>${api.perSecond}/s`;
    case "timeouts":
      return `timeouts on destination requests #${api.requests.join(",#")} (${api.lost === "answer" ? "executed, answer lost" : "never executed"})`;
  }
}

const describeRestart = (r: Restart) => `restart after ${r.afterOps} ops (+${r.pauseMs}ms, down ${r.downMs}ms)`;

const restartArb: fc.Arbitrary<Restart> = fc.record({
  afterOps: fc.integer({ min: 1, max: 12 }),
  pauseMs: fc.constantFrom(0, 5, 25),
  downMs: fc.constantFrom(0, 30),
});

export function scheduleArb(drops: boolean): fc.Arbitrary<Schedule> {
  return fc
    .record({
      seed: fc.integer({ min: 1, max: 0x7fffffff }),
      duplicateRate: fc.constantFrom(0, 0.3, 1),
      reorderWindowMs: fc.constantFrom(0, 10, 30),
      delayMs: fc.constantFrom<[number, number]>([0, 0], [0, 15]),
      dropRate: drops ? fc.constantFrom(0.2, 0.5, 1) : fc.constant(0),
      api: fc.oneof(
        { weight: 3, arbitrary: fc.constant({ kind: "none" as const }) },
        { weight: 3, arbitrary: fc.record({ kind: fc.constant("errors" as const), rate: fc.constantFrom(0.1, 0.25) }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant("rate-limit" as const), perSecond: fc.constantFrom(4, 8) }) },
        // Each timeout costs CLIENT_TIMEOUT_MS of wall time: a modest weight, one or two requests a case.
        {
          weight: 1,
          arbitrary: fc.record({
            kind: fc.constant("timeouts" as const),
            requests: fc.uniqueArray(fc.nat({ max: 7 }), { minLength: 1, maxLength: 2 }).map((ns) => [...ns].sort((a, b) => a - b)),
            lost: fc.constantFrom("answer" as const, "request" as const),
          }),
        },
      ),
      restarts: fc.oneof(
        { weight: 3, arbitrary: fc.constant<Restart[]>([]) },
        { weight: 1, arbitrary: fc.array(restartArb, { minLength: 1, maxLength: 2 }).map((rs) => [...rs].sort((a, b) => a.afterOps - b.afterOps)) },
      ),
    })
    .map((s) => ({
      ...s,
      toString: () =>
        `{seed ${s.seed}, dup ${s.duplicateRate}, reorder ${s.reorderWindowMs}ms, delay ${s.delayMs.join("-")}ms, drop ${s.dropRate}, api ${describeApi(s.api)}${
          s.restarts.length ? `, ${s.restarts.map(describeRestart).join(", ")}` : ""
        }}`,
    }));
}

/** mulberry32: the destination-only 503s come from the case's seed, like the simulator's own dice. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
