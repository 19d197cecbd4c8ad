import fc from "fast-check";

/**
 * The source histories the convergence property plays: plain data with a readable toString, so a shrunk
 * counterexample can be read as a story.
 */

/** Source projects: A and B belong to the pair's client (B has no destination counterpart), C to another client. */
export type ProjectKey = "A" | "B" | "C" | "none";
const PROJECT_KEYS: readonly ProjectKey[] = ["A", "B", "C", "none"];
export const PROJECT_NAMES = { A: "Alpha", B: "Beta", C: "Gamma" } as const;

/**
 * Who tracks the entry: Ada, the harness user, listed by id onto herself; Bob, listed by email onto
 * Robert (another account, by email, in the destination); Grace, a member of the source the pair does not list.
 */
export type MemberKey = "ada" | "bob" | "grace";

/**
 * Every source project has each of these tasks; the destination's Alpha starts with Build only, so
 * Design is created there on first need (and both under Beta once someone creates it by hand).
 */
export const TASK_NAMES = ["Build", "Design"] as const;
export type TaskName = (typeof TASK_NAMES)[number];
/** Source tags; the destination starts with "internal" only, the others are created on first need. */
export const TAG_NAMES = ["internal", "urgent", "later"] as const;
export type TagName = (typeof TAG_NAMES)[number];
export const DESTINATION_TAGS_AT_START: readonly TagName[] = ["internal"];
export const DESTINATION_ALPHA_TASKS_AT_START: readonly TaskName[] = ["Build"];

/** A task and tags as a source entry carries them, by name. */
export interface Labels {
  task: TaskName | null;
  tags: TagName[];
}

export type Op =
  | ({ kind: "create"; slot: number; slots: number; description: string; billable: boolean; project: ProjectKey; member: MemberKey } & Labels)
  | ({ kind: "timer"; slot: number; slots: number; description: string; project: ProjectKey; member: MemberKey } & Labels)
  | { kind: "edit-description"; ref: number; description: string }
  | { kind: "edit-start"; ref: number; minutesBeforeEnd: number }
  | { kind: "edit-end"; ref: number; minutesAfterStart: number }
  | { kind: "edit-billable"; ref: number }
  | { kind: "edit-project"; ref: number; project: ProjectKey }
  | { kind: "edit-task"; ref: number; task: TaskName | null }
  | { kind: "edit-tags"; ref: number; tags: TagName[] }
  | { kind: "delete"; ref: number }
  | { kind: "destination-project"; name: string };

const describeLabels = (l: Labels) => `${l.task === null ? "" : `, task ${l.task}`}${l.tags.length ? `, tags ${l.tags.join("+")}` : ""}`;

export function describeOp(op: Op): string {
  switch (op.kind) {
    case "create":
      return `create ${op.member}(slot ${op.slot}, ${op.slots}x15m, "${op.description}", billable=${op.billable}, ${op.project}${describeLabels(op)})`;
    case "timer":
      return `timer ${op.member}(slot ${op.slot}, ${op.slots}x15m, "${op.description}", ${op.project}${describeLabels(op)})`;
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
    case "edit-task":
      return `edit #${op.ref} task=${op.task ?? "none"}`;
    case "edit-tags":
      return `edit #${op.ref} tags=[${op.tags.join(",")}]`;
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
const slot = fc.nat({ max: 20 });
const slots = fc.integer({ min: 1, max: 6 });
/** Mostly the listed members; the unlisted one often enough to catch a copy of hers. */
const member = fc.oneof(
  { weight: 2, arbitrary: fc.constant<MemberKey>("ada") },
  { weight: 2, arbitrary: fc.constant<MemberKey>("bob") },
  { weight: 1, arbitrary: fc.constant<MemberKey>("grace") },
);
/** Half the entries carry a task. */
const task = fc.option(fc.constantFrom<TaskName>(...TASK_NAMES), { nil: null, freq: 2 });
const tags = fc.uniqueArray(fc.constantFrom<TagName>(...TAG_NAMES), { maxLength: 2 });

export const opArb: fc.Arbitrary<Op> = fc
  .oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant("create" as const), slot, slots, description, billable: fc.boolean(), project, member, task, tags }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("timer" as const), slot, slots, description, project, member, task, tags }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("edit-description" as const), ref, description }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("edit-start" as const), ref, minutesBeforeEnd: fc.integer({ min: 1, max: 120 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("edit-end" as const), ref, minutesAfterStart: fc.integer({ min: 1, max: 120 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("edit-billable" as const), ref }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("edit-project" as const), ref, project }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("edit-task" as const), ref, task }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("edit-tags" as const), ref, tags }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), ref }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("destination-project" as const), name: fc.constantFrom(PROJECT_NAMES.B, "Extra") }) },
  )
  .map(withToString);

export const historyArb = fc.array(opArb, { minLength: 3, maxLength: 12 });
