/**
 * What applying one decision did: the one vocabulary from the writers to the inbox row, the worker's
 * log and metrics, and the reconciliation's counts. `counterpartId` is the other side's id (the
 * destination entry of a source entry; for a project event, the counterpart project).
 */
export type Outcome =
  | { kind: "created" | "updated" | "adopted" | "unchanged" | "deleted" | "renamed" | "mapped"; counterpartId: string }
  /** Nothing of this entity belongs in the other workspace (another user's, running, another client's). */
  | { kind: "absent"; reason: string }
  | { kind: "skipped"; reason: string }
  /** In scope, but its project has no counterpart yet and the pair may not create one. */
  | { kind: "parked"; waitingFor: string }
  /** A project whose name could not be mirrored: kept as it is, reported (see SourceProjectDecision). */
  | { kind: "conflict"; reason: string; counterpartId: string };

/** The inbox's `outcome` column: the kind, and why when nothing was written. */
export function outcomeText(outcome: Outcome): string {
  switch (outcome.kind) {
    case "absent":
    case "skipped":
    case "conflict":
      return `${outcome.kind}: ${outcome.reason}`;
    case "parked":
      return `parked: waiting for project "${outcome.waitingFor}"`;
    default:
      return outcome.kind;
  }
}

export function counterpartOf(outcome: Outcome): string | null {
  return "counterpartId" in outcome ? outcome.counterpartId : null;
}
