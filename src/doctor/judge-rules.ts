import type { PairConfig } from "../config/schema.js";
import type { WorkspaceDetail } from "../clockify/workspace-rules.js";
import type { PairFacts, SideFacts } from "./facts.js";
import { answered, couldNotCheck, keyField, keyIsManager } from "./judge-keys.js";
import type { JudgeContext } from "./judge.js";
import type { CheckResult } from "./model.js";

const DAY_MS = 86_400_000;

/** The destination workspace's settings that would refuse copies: required fields, a lock, custom fields. */
export function judgeDestinationRules(
  pair: PairConfig,
  facts: SideFacts & { customFields: PairFacts["destination"]["customFields"] },
  workspace: WorkspaceDetail,
  context: JudgeContext,
): CheckResult[] {
  return [judgeRequiredFields(pair, workspace), judgeLock(pair, facts, workspace, context), judgeCustomFields(pair, facts.customFields)];
}

interface Requirement {
  what: string;
  /** The destinationDefaults setting that gives every copy one. */
  setting: "tag" | "task" | "descriptionPrefix";
  /** Said when the default is set: how the copies get it. */
  covered: (value: string) => string;
}

function requirements(pair: PairConfig, workspace: WorkspaceDetail): Requirement[] {
  const settings = workspace.workspaceSettings;
  const created = (kind: "tag" | "task") =>
    (kind === "tag" ? pair.createMissingDestinationTags : pair.createMissingDestinationTasks) ? "created there when missing" : "it must exist there";
  // A copy always has a project (the twin of the source's), so forceProjects refuses nothing.
  return [
    settings?.forceTasks
      ? { what: "a task", setting: "task" as const, covered: (v: string) => `copies without a task get destinationDefaults.task "${v}" (${created("task")})` }
      : null,
    settings?.forceTags
      ? { what: "a tag", setting: "tag" as const, covered: (v: string) => `copies without a tag get destinationDefaults.tag "${v}" (${created("tag")})` }
      : null,
    settings?.forceDescription
      ? { what: "a description", setting: "descriptionPrefix" as const, covered: (v: string) => `every description starts with destinationDefaults.descriptionPrefix "${v}"` }
      : null,
  ].filter((r): r is Requirement => r !== null);
}

/**
 * What the destination requires on every entry, against what the pair's destinationDefaults give every
 * copy: said before any write, since a refused copy is a dead letter.
 */
function judgeRequiredFields(pair: PairConfig, workspace: WorkspaceDetail): CheckResult {
  const check = "destination.required";
  const required = requirements(pair, workspace);
  if (required.length === 0) return { pairId: pair.id, check, level: "ok", message: `"${workspace.name}" requires no task, tag or description` };
  const defaults = pair.destinationDefaults;
  const covered = required.flatMap((r) => {
    const value = defaults[r.setting];
    return value === undefined ? [] : [r.covered(value)];
  });
  const missing = required.filter((r) => defaults[r.setting] === undefined);
  const requires = `the destination workspace "${workspace.name}" requires ${required.map((r) => r.what).join(", ")} on every entry`;
  if (missing.length === 0) return { pairId: pair.id, check, level: "ok", message: `${requires}; ${covered.join("; ")}` };
  const settings = missing.map((r) => `destinationDefaults.${r.setting}`).join(" and ");
  return {
    pairId: pair.id,
    check,
    level: "warning",
    message:
      `${requires}: copies of source entries without ${missing.map((r) => r.what).join(", ")} would be refused and become dead letters. ` +
      `Set ${settings} in the pair (given to every copy that lacks one), give every source entry of the client ${missing.map((r) => r.what).join(", ")}, ` +
      `or turn the requirement off in Clockify (Workspace settings → Permissions, "Required fields")` +
      (covered.length > 0 ? `; ${covered.join("; ")}` : ""),
  };
}

function judgeLock(pair: PairConfig, facts: SideFacts, workspace: WorkspaceDetail, context: JudgeContext): CheckResult {
  const check = "destination.lock";
  const raw = workspace.workspaceSettings?.lockTimeEntries;
  const lockedBefore = raw ? Date.parse(raw) : NaN;
  if (Number.isNaN(lockedBefore)) return { pairId: pair.id, check, level: "ok", message: `"${workspace.name}" locks no time entries` };
  const date = new Date(lockedBefore).toISOString().slice(0, 10);
  if (keyIsManager(facts.key, workspace.id) === true) {
    return { pairId: pair.id, check, level: "ok", message: `"${workspace.name}" locks entries before ${date}; ${keyField(pair, "destination")} is an owner's or admin's key, which Clockify lets through` };
  }
  const windowStart = context.now - context.windowDays * DAY_MS;
  const inWindow = lockedBefore > windowStart;
  return {
    pairId: pair.id,
    check,
    level: inWindow ? "warning" : "ok",
    message:
      `"${workspace.name}" locks time entries before ${date}: copies, edits and deletions of entries older than that are refused` +
      (inWindow
        ? ` (inside the ${context.windowDays}-day reconcile window). Ask an admin to move the lock date, or use an admin's key in destination.apiKey`
        : `; the reconcile window (${context.windowDays} days) starts after it`),
  };
}

function judgeCustomFields(pair: PairConfig, fields: PairFacts["destination"]["customFields"]): CheckResult {
  const check = "destination.custom-fields";
  if (fields === null) return couldNotCheck(pair.id, check, "custom fields", "the workspace was not read");
  // Custom fields are a paid feature; a workspace without it (or a key that may not list them) refuses nothing here.
  if (!fields.ok) return { pairId: pair.id, check, level: "ok", message: `custom fields not listed (${answered(fields.error)}); copies send none` };
  const blocking = fields.value.filter(
    (f) =>
      f.required === true &&
      f.status !== "INACTIVE" &&
      (f.entityType ?? "TIMEENTRY") === "TIMEENTRY" &&
      (f.workspaceDefaultValue === undefined || f.workspaceDefaultValue === null || f.workspaceDefaultValue === ""),
  );
  if (blocking.length === 0) return { pairId: pair.id, check, level: "ok", message: "no required custom field without a default" };
  const names = blocking.map((f) => `"${f.name ?? f.id}"`).join(", ");
  return {
    pairId: pair.id,
    check,
    level: "error",
    message:
      `the destination workspace requires the custom field(s) ${names} on every entry and gives no default; every copy is refused. ` +
      "Fix in Clockify: give the field a workspace default value, or make it optional",
  };
}
