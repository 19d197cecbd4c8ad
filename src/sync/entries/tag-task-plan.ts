import type { Tag, Task } from "../../clockify/schemas.js";
import { pickByName } from "../projects/plan.js";

/** What the destination should use for a tag or task name a source entry carries. Pure. */
export type NameDecision =
  | { kind: "match"; id: string }
  /** Missing, and the pair allows creating it (a dry run only says it would). */
  | { kind: "create" }
  /** Missing, and creation is switched off: the copy goes without it. */
  | { kind: "left-off" };

export interface NameFacts {
  /** The destination's tags or tasks of the name, archived / DONE ones included, as the catalog lists them. */
  sameNamed: readonly { id: string; archived?: boolean | null | undefined }[];
  mayCreate: boolean;
}

/**
 * Names are compared the way projects are (the catalog's equality, then pickByName's preference), so a
 * tag and a project of one spelling resolve alike. An archived tag or a DONE task is matched: creating
 * a second of the name would be refused by Clockify, or worse, split the destination's reports.
 */
export function planDestinationName(facts: NameFacts): NameDecision {
  const match = pickByName(facts.sameNamed);
  if (match) return { kind: "match", id: match.id };
  return facts.mayCreate ? { kind: "create" } : { kind: "left-off" };
}

/** A tag as pickByName sees it. */
export const tagCandidate = (tag: Tag) => ({ id: tag.id, archived: tag.archived ?? false });

/** A task as pickByName sees it: DONE is a task's "archived". */
export const taskCandidate = (task: Task) => ({ id: task.id, archived: task.status === "DONE" });
