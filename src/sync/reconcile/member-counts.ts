import type { MemberCounts } from "../../db/runs.js";
import type { EntryAction } from "../entries/plan-entry.js";
import type { Member } from "../members.js";
import type { SourceEntry } from "../model.js";

export type { MemberCounts };

/**
 * The run's plan split by member, so status can say "Bob: 12 entries, 2 created". Pure. A delete whose
 * source entry is gone from the listing cannot be told apart by member and is counted in the run only.
 */
export function countByMember(members: readonly Member[], sources: readonly SourceEntry[], actions: readonly EntryAction[]): MemberCounts[] {
  const userOf = new Map(sources.map((s) => [s.id, s.userId]));
  const tally = memberTally(members);
  for (const action of actions) {
    const userId = userOf.get(action.sourceId);
    if (userId !== undefined) tally.add(userId, action);
  }
  return tally.rows();
}

/** The same counts kept as the plan goes, one action at a time, with the source user it is for. */
export function memberTally(members: readonly Member[]) {
  const counts = new Map(
    members.map((m) => [m.sourceUserId, { field: m.field, sourceUserId: m.sourceUserId, destinationUserId: m.destinationUserId, entries: 0, created: 0, adopted: 0, updated: 0, deleted: 0, unchanged: 0 }]),
  );
  return {
    add(sourceUserId: string, action: EntryAction): void {
      const row = counts.get(sourceUserId);
      if (!row) return;
      if (action.kind !== "delete" && action.kind !== "skip") row.entries++;
      if (action.kind === "create") row.created++;
      else if (action.kind === "adopt") row.adopted++;
      else if (action.kind === "update") row.updated++;
      else if (action.kind === "delete") row.deleted++;
      else if (action.kind === "unchanged") row.unchanged++;
    },
    rows: (): MemberCounts[] => [...counts.values()],
  };
}

/** "users[1] 12 entries: 2 created, 1 updated" — one line per member, for the summary and status. */
export function formatMemberCounts(row: MemberCounts): string {
  const changes = [`${row.created} created`, ...(row.adopted > 0 ? [`${row.adopted} adopted`] : []), `${row.updated} updated`, `${row.deleted} deleted`, `${row.unchanged} unchanged`];
  return `${row.field} (${row.sourceUserId} → ${row.destinationUserId}): ${row.entries} entries; ${changes.join(", ")}`;
}
