/**
 * The process's clock: epoch milliseconds, like Date.now(), that never step backwards.
 *
 * Stored times (received, applied, due) are wall-clock so other processes and people can read them, but
 * the service waits on differences between them and "now". A wall clock stepped back by an hour (a bad
 * NTP start, a VM restored from a snapshot, an operator's `date -s`) would leave a retry due in 100 ms
 * pending for an hour and make ages negative. This clock follows the wall clock forwards and, when it
 * steps back, carries on from where it was at the monotonic clock's pace instead. After such a step it
 * runs ahead of the wall clock by the step for the rest of the process's life: times it stores are off
 * by that much, which is harmless; waits are right.
 *
 * Intervals that stay inside one process (reload every second, backoff) use `elapsedSince` on
 * performance.now() directly.
 */
let lastEpoch = Date.now();
let lastMonotonic = performance.now();

export function now(): number {
  const wall = Date.now();
  const monotonic = performance.now();
  const carried = lastEpoch + (monotonic - lastMonotonic);
  lastEpoch = Math.max(wall, carried);
  lastMonotonic = monotonic;
  return Math.floor(lastEpoch);
}

/** A monotonic instant in milliseconds, only for differences within this process. */
export function monotonic(): number {
  return performance.now();
}

/** Milliseconds since a `monotonic()` instant; never negative. */
export function elapsedSince(instant: number): number {
  return Math.max(0, performance.now() - instant);
}
