import type { TimeEntryDto } from "../../src/sandbox/index.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";
import type { TwoWorkspaces } from "../helpers/world.js";
import {
  DESTINATION_ALPHA_TASKS_AT_START,
  DESTINATION_TAGS_AT_START,
  PROJECT_NAMES,
  TAG_NAMES,
  TASK_NAMES,
  type Labels,
  type MemberKey,
  type Op,
  type ProjectKey,
  type TagName,
  type TaskName,
} from "./ops.js";
import { CLIENT_TIMEOUT_MS, SLOW_MS, prng, type Schedule } from "./schedule.js";

/**
 * Clockify retries a failed delivery every 20 ms here; this many attempts (5 s) outlast any restart, so
 * deliveries that hit a stopped service are late, never lost (losing them is what `dropRate` is for).
 */
const WEBHOOK_ATTEMPTS = 250;

const MINUTE = 60_000;
const SLOT = 15 * MINUTE;

type SourceProject = Exclude<ProjectKey, "none">;

/** The people of a case (user ids); Ada, the harness user, is `m.user`. */
export interface Team {
  bob: string;
  robert: string;
  grace: string;
}

export interface World {
  m: MirrorEnv;
  src: string;
  dst: string;
  team: Team;
  /** Destination user id → a readable name, for the oracle's keys. */
  ownerNames: Map<string, string>;
  projects: Record<SourceProject, string>;
  /** Source task ids by project and name, and source tag ids by name. */
  tasks: Record<SourceProject, Record<TaskName, string>>;
  tags: Record<TagName, string>;
  base: number;
  /** Source entries created by the history, in creation order; deleted ones stay (refs skip them). */
  created: string[];
  handMade: TimeEntryDto[];
  /** What the faults did, in order: printed with a failed check. */
  notes: string[];
  /** When the last answer a timeout fault holds goes out (and the simulator counts its request). */
  heldUntil: number;
}

/**
 * Bob and Grace in the agency, Robert (Bob's account at the customer) in the destination: added before
 * the service starts, as the pair resolves the emails when it first needs them.
 */
function addTeam(env: TwoWorkspaces): Team {
  const { world } = env.sim;
  const bob = world.addUser({ name: "Bob", email: "bob@agency.example" }).id;
  const robert = world.addUser({ name: "Robert", email: "robert@customer.example" }).id;
  const grace = world.addUser({ name: "Grace Hopper", email: "grace@agency.example" }).id;
  world.addMember(env.source.workspaceId, bob);
  world.addMember(env.source.workspaceId, grace);
  world.addMember(env.destination.workspaceId, robert);
  return { bob, robert, grace };
}

/** Ada by id onto herself, Bob by email onto Robert by email; Grace is not listed. */
const pairOf = (env: TwoWorkspaces) => ({
  source: { apiKey: env.user.apiKey, workspaceId: env.source.workspaceId, clientId: env.source.clientId },
  users: [{ source: env.user.id }, { source: "bob@agency.example", destination: "robert@customer.example" }],
});

export async function startWorld(schedule: Schedule): Promise<World> {
  let team: Team | undefined;
  const m = await startMirror({
    simulator: { seed: schedule.seed, webhookMaxAttempts: WEBHOOK_ATTEMPTS },
    clockify: { timeoutMs: CLIENT_TIMEOUT_MS },
    // Clockify's 429 carries no Retry-After (API-NOTES §7): production backs off from 500 ms to 30 s, far past
    // the 1-second window. The harness's 5-50 ms would give up inside one window, where a chain of reads and a
    // create (a new tag) cannot get through; scaled down, the backoff still outlasts the window.
    ...(schedule.api.kind === "rate-limit" ? { backoff: { baseDelayMs: 50, maxDelayMs: 1000 } } : {}),
    pair: (env) => {
      team = addTeam(env);
      return pairOf(env);
    },
  });
  if (!team) throw new Error("the pair function did not run");
  const { world } = m.sim;
  const src = m.source.workspaceId;
  const dst = m.destination.workspaceId;
  const projects = {
    A: world.addProject(src, { name: PROJECT_NAMES.A, clientId: m.source.clientId }).id,
    B: world.addProject(src, { name: PROJECT_NAMES.B, clientId: m.source.clientId }).id,
    C: world.addProject(src, { name: PROJECT_NAMES.C, clientId: m.source.otherClientId }).id,
  };
  const tasksOf = (projectId: string) =>
    Object.fromEntries(TASK_NAMES.map((name) => [name, world.addTask(src, projectId, { name }).id])) as Record<TaskName, string>;
  const tasks = { A: tasksOf(projects.A), B: tasksOf(projects.B), C: tasksOf(projects.C) };
  const tags = Object.fromEntries(TAG_NAMES.map((name) => [name, world.addTag(src, { name }).id])) as Record<TagName, string>;

  const dstA = world.addProject(dst, { name: PROJECT_NAMES.A });
  world.addProject(dst, { name: PROJECT_NAMES.C });
  const dstTasks = DESTINATION_ALPHA_TASKS_AT_START.map((name) => world.addTask(dst, dstA.id, { name }));
  const dstTags = DESTINATION_TAGS_AT_START.map((name) => world.addTag(dst, { name }));
  // Inside the reconciliation window (30 days back from now), on whole hours.
  const base = Math.floor((Date.now() - 3 * 24 * 3_600_000) / 3_600_000) * 3_600_000;
  const handMade = [
    world.createTimeEntry(dst, m.user.id, { start: base, end: base + 2 * SLOT, description: "design", projectId: dstA.id }),
    world.createTimeEntry(dst, m.user.id, { start: base + 4 * SLOT, end: base + 5 * SLOT, description: "mine" }),
    // Robert's own, with the destination's task and tag: his listing must leave it alone too.
    world.createTimeEntry(dst, team.robert, {
      start: base + 6 * SLOT,
      end: base + 7 * SLOT,
      description: "robert's own",
      projectId: dstA.id,
      taskId: dstTasks[0]?.id ?? null,
      tagIds: dstTags.map((t) => t.id),
    }),
  ];
  const ownerNames = new Map([
    [m.user.id, "ada"],
    [team.robert, "robert"],
    [team.bob, "bob"],
    [team.grace, "grace"],
  ]);
  return { m, src, dst, team, ownerNames, projects, tasks, tags, base, created: [], handMade, notes: [], heldUntil: 0 };
}

export function applyFaults(w: World, schedule: Schedule): void {
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

const userOf = (w: World, member: MemberKey): string => (member === "ada" ? w.m.user.id : w.team[member]);

function projectId(w: World, key: ProjectKey): string | null {
  return key === "none" ? null : w.projects[key];
}

function projectKeyOf(w: World, id: string | null): ProjectKey {
  return (Object.keys(w.projects) as SourceProject[]).find((k) => w.projects[k] === id) ?? "none";
}

/** The source task of that name under that project; none without a project (Clockify refuses it). */
function taskId(w: World, project: ProjectKey, task: TaskName | null): string | null {
  return project === "none" || task === null ? null : w.tasks[project][task];
}

function taskNameOf(w: World, id: string | null): TaskName | null {
  return TASK_NAMES.find((name) => Object.values(w.tasks).some((byName) => byName[name] === id)) ?? null;
}

const labelIds = (w: World, project: ProjectKey, labels: Labels) => ({
  taskId: taskId(w, project, labels.task),
  tagIds: labels.tags.map((name) => w.tags[name]),
});

/** The live source entry an edit or delete refers to, or undefined (the op is then a no-op). */
function target(w: World, refIndex: number): TimeEntryDto | undefined {
  const live = w.created.map((id) => w.m.sim.world.getTimeEntry(w.src, id)).filter((e): e is TimeEntryDto => e !== undefined);
  return live.length === 0 ? undefined : live[refIndex % live.length];
}

interface Patch {
  start?: number;
  end?: number;
  description?: string;
  billable?: boolean;
  projectId?: string | null;
  taskId?: string | null;
  tagIds?: string[];
}

/** A PUT from the source's side: the entry as it is, with the patch over it. */
function put(w: World, e: TimeEntryDto, patch: Patch): void {
  w.m.sim.world.updateTimeEntry(
    w.src,
    e.id,
    {
      start: patch.start ?? e.timeInterval.start,
      end: patch.end ?? e.timeInterval.end,
      description: patch.description ?? e.description,
      billable: patch.billable ?? e.billable,
      projectId: patch.projectId === undefined ? e.projectId : patch.projectId,
      tagIds: patch.tagIds ?? e.tagIds,
      taskId: patch.taskId === undefined ? e.taskId : patch.taskId,
    },
    { emit: true },
  );
}

/** Plays one operation in the source (or, for destination-project, by hand in the destination). */
export function apply(w: World, op: Op): void {
  const { world } = w.m.sim;
  const emit = { emit: true };
  const startOf = (slot: number) => w.base + slot * SLOT;
  switch (op.kind) {
    case "create": {
      const fields = { start: startOf(op.slot), end: startOf(op.slot + op.slots), description: op.description, billable: op.billable };
      const e = world.createTimeEntry(w.src, userOf(w, op.member), { ...fields, projectId: projectId(w, op.project), ...labelIds(w, op.project, op) }, emit);
      w.created.push(e.id);
      return;
    }
    case "timer": {
      const user = userOf(w, op.member);
      const fields = { start: startOf(op.slot), description: op.description, projectId: projectId(w, op.project), ...labelIds(w, op.project, op) };
      const e = world.createTimeEntry(w.src, user, fields, emit);
      world.stopTimer(w.src, user, startOf(op.slot + op.slots), emit);
      w.created.push(e.id);
      return;
    }
    case "destination-project":
      if (!world.listProjects(w.dst).some((p) => p.name === op.name)) world.addProject(w.dst, { name: op.name }, emit);
      return;
    default:
      return edit(w, op);
  }
}

function edit(w: World, op: Exclude<Op, { kind: "create" | "timer" | "destination-project" }>): void {
  const e = target(w, op.ref);
  if (!e) return;
  const start = Date.parse(e.timeInterval.start);
  const end = Date.parse(e.timeInterval.end ?? e.timeInterval.start);
  switch (op.kind) {
    case "edit-description":
      return put(w, e, { description: op.description });
    case "edit-start":
      return put(w, e, { start: end - op.minutesBeforeEnd * MINUTE });
    case "edit-end":
      return put(w, e, { end: start + op.minutesAfterStart * MINUTE });
    case "edit-billable":
      return put(w, e, { billable: !e.billable });
    case "edit-project":
      // The task follows by name: every source project has the same task names.
      return put(w, e, { projectId: projectId(w, op.project), taskId: taskId(w, op.project, taskNameOf(w, e.taskId)) });
    case "edit-task":
      return put(w, e, { taskId: taskId(w, projectKeyOf(w, e.projectId), op.task) });
    case "edit-tags":
      return put(w, e, { tagIds: op.tags.map((name) => w.tags[name]) });
    case "delete":
      w.m.sim.world.deleteTimeEntry(w.src, e.id, { emit: true });
      return;
  }
}
