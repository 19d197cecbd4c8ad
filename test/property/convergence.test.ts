import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TimeEntryDto } from "../../src/sandbox/index.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";
import { settle } from "../e2e/support/e2e.js";

/**
 * Convergence: whatever happens in the source and however Clockify delivers it (duplicated, reordered,
 * delayed, dropped), however the destination answers (503s, 429s, timeouts that did or did not execute
 * the write) and however often the service restarts meanwhile, once everything has drained the
 * destination holds exactly the copies `desired()` asks for, and nothing made by hand is touched.
 * Without drops that must hold from webhooks alone; with drops, after one reconciliation.
 *
 * `npm run test:soak` runs thousands of cases instead of the CI budget. A failure prints its seed and path:
 * replay it with `FC_SEED=<seed> FC_PATH=<path> npx vitest run test/property`.
 */

const SOAK = Boolean(process.env.SOAK);
const RUNS_WITHOUT_DROPS = SOAK ? 3000 : 100;
const RUNS_WITH_DROPS = SOAK ? 3000 : 45;
const SETTLE_TIMEOUT_MS = 20_000;
/** FC_SEED (and FC_PATH) replay a failure fast-check reported. */
const REPLAY = process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}) } : {};
const TEST_TIMEOUT_MS = SOAK ? 24 * 3_600_000 : 240_000;

/** The service's Clockify timeout here, and how long a "timeout" fault holds a request: past it. */
const CLIENT_TIMEOUT_MS = 200;
const SLOW_MS = CLIENT_TIMEOUT_MS + 100;
/**
 * Clockify retries a failed delivery every 20 ms here; this many attempts (5 s) outlast any restart, so
 * deliveries that hit a stopped service are late, never lost (losing them is what `dropRate` is for).
 */
const WEBHOOK_ATTEMPTS = 250;

const MINUTE = 60_000;
const SLOT = 15 * MINUTE;

/** Source projects: A and B belong to the pair's client (B has no destination counterpart), C to another client. */
type ProjectKey = "A" | "B" | "C" | "none";
const PROJECT_KEYS: readonly ProjectKey[] = ["A", "B", "C", "none"];
const NAMES = { A: "Alpha", B: "Beta", C: "Gamma" } as const;

// ---- operations: plain data with a readable toString, so shrunk counterexamples can be read ----

type Op =
  | { kind: "create"; slot: number; slots: number; description: string; billable: boolean; project: ProjectKey; otherUser: boolean }
  | { kind: "timer"; slot: number; slots: number; description: string; project: ProjectKey }
  | { kind: "edit-description"; ref: number; description: string }
  | { kind: "edit-start"; ref: number; minutesBeforeEnd: number }
  | { kind: "edit-end"; ref: number; minutesAfterStart: number }
  | { kind: "edit-billable"; ref: number }
  | { kind: "edit-project"; ref: number; project: ProjectKey }
  | { kind: "delete"; ref: number }
  | { kind: "destination-project"; name: string };

function describeOp(op: Op): string {
  switch (op.kind) {
    case "create":
      return `create${op.otherUser ? "(other user)" : ""}(slot ${op.slot}, ${op.slots}x15m, "${op.description}", billable=${op.billable}, ${op.project})`;
    case "timer":
      return `timer(slot ${op.slot}, ${op.slots}x15m, "${op.description}", ${op.project})`;
    case "edit-description":
      return `edit #${op.ref} description="${op.description}"`;
    case "edit-start":
      return `edit #${op.ref} start=end-${op.minutesBeforeEnd}m`;
    case "edit-end":
      return `edit #${op.ref} end=start+${op.minutesAfterStart}m`;
    case "edit-billable":
      return `edit #${op.ref} toggle billable`;
    case "edit-project":
      return `edit #${op.ref} project=${op.project}`;
    case "delete":
      return `delete #${op.ref}`;
    case "destination-project":
      return `destination NEW_PROJECT "${op.name}"`;
  }
}

function withToString(op: Op): Op {
  return Object.defineProperty(op, "toString", { value: () => describeOp(op), enumerable: false });
}

const description = fc.constantFrom("", "design", "review", "call");
const project = fc.constantFrom<ProjectKey>(...PROJECT_KEYS);
const ref = fc.nat({ max: 7 });

const opArb: fc.Arbitrary<Op> = fc
  .oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("create" as const), slot: fc.nat({ max: 20 }), slots: fc.integer({ min: 1, max: 6 }), description, billable: fc.boolean(), project, otherUser: fc.constant(false) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("create" as const), slot: fc.nat({ max: 20 }), slots: fc.integer({ min: 1, max: 6 }), description, billable: fc.boolean(), project, otherUser: fc.constant(true) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("timer" as const), slot: fc.nat({ max: 20 }), slots: fc.integer({ min: 1, max: 6 }), description, project }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("edit-description" as const), ref, description }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("edit-start" as const), ref, minutesBeforeEnd: fc.integer({ min: 1, max: 120 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("edit-end" as const), ref, minutesAfterStart: fc.integer({ min: 1, max: 120 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("edit-billable" as const), ref }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("edit-project" as const), ref, project }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), ref }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("destination-project" as const), name: fc.constantFrom(NAMES.B, "Extra") }) },
  )
  .map(withToString);

const historyArb = fc.array(opArb, { minLength: 3, maxLength: 12 });

// ---- fault schedules ----

type ApiFaults =
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
interface Restart {
  afterOps: number;
  /** Time the deliveries and the worker get before the stop, so it lands in the middle of their work. */
  pauseMs: number;
  /** Time the service stays down: deliveries meanwhile fail and are retried. */
  downMs: number;
}

interface Schedule {
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

function scheduleArb(drops: boolean): fc.Arbitrary<Schedule> {
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
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- one case ----

interface World {
  m: MirrorEnv;
  src: string;
  dst: string;
  otherUserId: string;
  projects: Record<Exclude<ProjectKey, "none">, string>;
  base: number;
  /** Source entries created by the history, in creation order; deleted ones stay (refs skip them). */
  created: string[];
  handMade: TimeEntryDto[];
  /** What the faults did, in order: printed with a failed check. */
  notes: string[];
  /** When the last answer a timeout fault holds goes out (and the simulator counts its request). */
  heldUntil: number;
}

async function startWorld(schedule: Schedule): Promise<World> {
  const m = await startMirror({
    simulator: { seed: schedule.seed, webhookMaxAttempts: WEBHOOK_ATTEMPTS },
    clockify: { timeoutMs: CLIENT_TIMEOUT_MS },
  });
  const { world } = m.sim;
  const src = m.source.workspaceId;
  const dst = m.destination.workspaceId;
  const other = world.addUser({ name: "Grace Hopper" });
  world.addMember(src, other.id);
  const projects = {
    A: world.addProject(src, { name: NAMES.A, clientId: m.source.clientId }).id,
    B: world.addProject(src, { name: NAMES.B, clientId: m.source.clientId }).id,
    C: world.addProject(src, { name: NAMES.C, clientId: m.source.otherClientId }).id,
  };
  const dstA = world.addProject(dst, { name: NAMES.A });
  world.addProject(dst, { name: NAMES.C });
  // Inside the reconciliation window (30 days back from now), on whole hours.
  const base = Math.floor((Date.now() - 3 * 24 * 3_600_000) / 3_600_000) * 3_600_000;
  const handMade = [
    world.createTimeEntry(dst, m.user.id, { start: base, end: base + 2 * SLOT, description: "design", projectId: dstA.id }),
    world.createTimeEntry(dst, m.user.id, { start: base + 4 * SLOT, end: base + 5 * SLOT, description: "mine" }),
  ];
  return { m, src, dst, otherUserId: other.id, projects, base, created: [], handMade, notes: [], heldUntil: 0 };
}

function applyFaults(w: World, schedule: Schedule): void {
  const { faults } = w.m.sim;
  faults.webhook.duplicateRate = schedule.duplicateRate;
  faults.webhook.reorderWindowMs = schedule.reorderWindowMs;
  faults.webhook.delayMs = schedule.delayMs;
  faults.webhook.dropRate = schedule.dropRate;
  if (schedule.api.kind === "errors") {
    const rate = schedule.api.rate;
    const random = prng(schedule.seed);
    faults.failWhen = (req) => (req.workspaceId === w.dst && random() < rate ? 503 : undefined);
  } else if (schedule.api.kind === "rate-limit") {
    faults.rateLimitPerSecond = schedule.api.perSecond;
  } else if (schedule.api.kind === "timeouts") {
    const { requests, lost } = schedule.api;
    const delay = lost === "answer" ? { afterMs: SLOW_MS } : { beforeMs: SLOW_MS };
    let n = 0;
    faults.delayWhen = (req) => {
      if (req.workspaceId !== w.dst) return undefined;
      const number = n++;
      if (!requests.includes(number)) return undefined;
      w.notes.push(`destination request #${number} ${req.method} ${req.route} timed out (${lost} lost)`);
      if (lost === "answer") w.heldUntil = Date.now() + SLOW_MS + 20;
      return delay;
    };
  }
}

function projectId(w: World, key: ProjectKey): string | null {
  return key === "none" ? null : w.projects[key];
}

/** The live source entry an edit or delete refers to, or undefined (the op is then a no-op). */
function target(w: World, refIndex: number): TimeEntryDto | undefined {
  const live = w.created.map((id) => w.m.sim.world.getTimeEntry(w.src, id)).filter((e): e is TimeEntryDto => e !== undefined);
  return live.length === 0 ? undefined : live[refIndex % live.length];
}

function apply(w: World, op: Op): void {
  const { world } = w.m.sim;
  const emit = { emit: true };
  const startOf = (slot: number) => w.base + slot * SLOT;
  const put = (e: TimeEntryDto, patch: { start?: number; end?: number; description?: string; billable?: boolean; projectId?: string | null }) => {
    world.updateTimeEntry(
      w.src,
      e.id,
      {
        start: patch.start ?? e.timeInterval.start,
        end: patch.end ?? e.timeInterval.end,
        description: patch.description ?? e.description,
        billable: patch.billable ?? e.billable,
        projectId: patch.projectId === undefined ? e.projectId : patch.projectId,
        tagIds: e.tagIds,
        taskId: e.taskId,
      },
      emit,
    );
  };
  switch (op.kind) {
    case "create": {
      const user = op.otherUser ? w.otherUserId : w.m.user.id;
      const e = world.createTimeEntry(
        w.src,
        user,
        { start: startOf(op.slot), end: startOf(op.slot + op.slots), description: op.description, billable: op.billable, projectId: projectId(w, op.project) },
        emit,
      );
      w.created.push(e.id);
      return;
    }
    case "timer": {
      const e = world.createTimeEntry(w.src, w.m.user.id, { start: startOf(op.slot), description: op.description, projectId: projectId(w, op.project) }, emit);
      world.stopTimer(w.src, w.m.user.id, startOf(op.slot + op.slots), emit);
      w.created.push(e.id);
      return;
    }
    case "destination-project":
      if (!world.listProjects(w.dst).some((p) => p.name === op.name)) world.addProject(w.dst, { name: op.name }, emit);
      return;
    default:
      break;
  }
  const e = target(w, op.ref);
  if (!e) return;
  const start = Date.parse(e.timeInterval.start);
  const end = Date.parse(e.timeInterval.end ?? e.timeInterval.start);
  switch (op.kind) {
    case "edit-description":
      return put(e, { description: op.description });
    case "edit-start":
      return put(e, { start: end - op.minutesBeforeEnd * MINUTE });
    case "edit-end":
      return put(e, { end: start + op.minutesAfterStart * MINUTE });
    case "edit-billable":
      return put(e, { billable: !e.billable });
    case "edit-project":
      return put(e, { projectId: projectId(w, op.project) });
    case "delete":
      world.deleteTimeEntry(w.src, e.id, emit);
      return;
  }
}

// ---- the invariant ----

/** What an entry looks like by content: the multiset key. */
function contentKey(e: TimeEntryDto, projectName: string | undefined): string {
  return JSON.stringify([Date.parse(e.timeInterval.start), Date.parse(e.timeInterval.end ?? ""), e.description, e.billable, projectName ?? null]);
}

/** From the SOURCE state, with desired()'s scope rules: the pair's user, finished, on a project of the pair's client. */
function expectedCopies(w: World): string[] {
  const { world } = w.m.sim;
  const projects = new Map(world.listProjects(w.src).map((p) => [p.id, p]));
  return world
    .listTimeEntries(w.src, w.m.user.id)
    .filter((e) => e.timeInterval.end !== null && e.projectId !== null)
    .filter((e) => projects.get(e.projectId ?? "")?.clientId === w.m.source.clientId)
    .map((e) => contentKey(e, projects.get(e.projectId ?? "")?.name))
    .sort();
}

function actualCopies(w: World): string[] {
  const { world } = w.m.sim;
  const names = new Map(world.listProjects(w.dst).map((p) => [p.id, p.name]));
  const handMade = new Set(w.handMade.map((e) => e.id));
  return world
    .listTimeEntries(w.dst)
    .filter((e) => !handMade.has(e.id))
    .map((e) => contentKey(e, e.projectId === null ? undefined : names.get(e.projectId)))
    .sort();
}

function checkConverged(w: World): void {
  const notes = w.notes.length ? `faults: ${w.notes.join("; ")}` : "no API timeouts or restarts";
  expect(actualCopies(w), `destination copies (${notes})`).toEqual(expectedCopies(w));
  for (const e of w.handMade) expect(w.m.sim.world.getTimeEntry(w.dst, e.id), `hand-made entry ${e.id} (${notes})`).toEqual(e);
}

const writes = (w: World) => ["POST", "PUT", "DELETE"].reduce((n, method) => n + w.m.sim.stats.count({ method }), 0);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Applies the history, restarting the service where the schedule says. */
async function play(w: World, history: Op[], schedule: Schedule): Promise<void> {
  const restarts = [...schedule.restarts];
  for (let done = 0; done <= history.length; done++) {
    while (restarts[0] && (restarts[0].afterOps === done || done === history.length)) {
      const { pauseMs, downMs } = restarts[0];
      restarts.shift();
      if (pauseMs > 0) await sleep(pauseMs);
      w.notes.push(`restart after ${done} ops`);
      await w.m.restart({ downMs });
    }
    const op = history[done];
    if (op) apply(w, op);
  }
}

async function runCase(history: Op[], schedule: Schedule, drops: boolean): Promise<void> {
  const w = await startWorld(schedule);
  try {
    applyFaults(w, schedule);
    await play(w, history, schedule);
    await settle(w.m, SETTLE_TIMEOUT_MS);
    if (drops) {
      // The reconciliation runs on a healthy API: this property is about healing drops, not about retries.
      w.m.sim.faults.reset();
      const [first] = await w.m.service.reconcileNow("cli");
      expect(first?.outcome).toBe("succeeded");
      await settle(w.m, SETTLE_TIMEOUT_MS);
      checkConverged(w);
      // A write executed before its answer was lost is counted when the held answer goes out.
      await sleep(w.heldUntil - Date.now());
      const before = writes(w);
      const [second] = await w.m.service.reconcileNow("cli");
      expect(second?.outcome).toBe("succeeded");
      expect(writes(w)).toBe(before);
    } else {
      checkConverged(w);
    }
  } finally {
    await w.m.close();
  }
}

describe("convergence of the mirror", () => {
  it(
    "webhooks alone converge under duplicates, reordering, delays, destination 503/429/timeouts and restarts",
    async () => {
      await fc.assert(
        fc.asyncProperty(historyArb, scheduleArb(false), (history, schedule) => runCase(history, schedule, false)),
        { numRuns: RUNS_WITHOUT_DROPS, verbose: 1, ...REPLAY },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "one reconciliation heals dropped deliveries, and a second one writes nothing",
    async () => {
      await fc.assert(
        fc.asyncProperty(historyArb, scheduleArb(true), (history, schedule) => runCase(history, schedule, true)),
        { numRuns: RUNS_WITH_DROPS, verbose: 1, ...REPLAY },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
