import { isEmail } from "../../sync/members.js";
import type { PairConfig } from "../../config/schema.js";
import { isEntryEvent, type HandledEvent } from "../events.js";

/**
 * Which webhooks each workspace of the config needs. One webhook per event per WORKSPACE serves every
 * pair on that workspace (API-NOTES §3): the URL is the same for all of them and the intake fans a
 * delivery out to the pairs it concerns.
 */

export type WorkspaceRole = "source" | "destination";

export interface WantedWebhook {
  role: WorkspaceRole;
  event: HandledEvent;
  /** What a delivery of this event does for the mirror. */
  gives: string;
}

/**
 * Every webhook the mirror wants, most valuable first. On a FREE workspace (3 webhooks, counting other
 * integrations') only the head of this list fits; whatever is left out is still mirrored by the nightly
 * reconciliation, only late. So the order ranks what the customer would otherwise see wrong for a day:
 *
 * 1-2. NEW_TIME_ENTRY, TIMER_STOPPED: how entries come into being (added by hand, or a timer stopping; the
 *      stop body carries every edit made while it ran). Without them nothing appears until the night.
 * 3.   TIME_ENTRY_UPDATED before TIME_ENTRY_DELETED: edits are far more frequent than deletions (fixing the
 *      end of a forgotten timer, the description, the project, rounding), and UPDATED also covers the
 *      "logical" create and delete of the mirror: an entry moved onto one of the client's projects appears,
 *      one moved to another client's project (the usual fix for time booked on the wrong customer, which
 *      must not stay visible to this customer) disappears. DELETED covers only a real deletion, which is
 *      rarer; until the nightly run the copy stays, which is the same kind of error as a stale edit.
 *      With 3 slots: NEW_TIME_ENTRY, TIMER_STOPPED, TIME_ENTRY_UPDATED.
 * 4.   TIME_ENTRY_DELETED.
 * 5-6. Destination NEW_PROJECT, PROJECT_UPDATED: a customer's new project gets its twin under the client in
 *      the source right away (people can book time on it; entries parked for it wake up), then renames.
 *      Ranked after the entry events because they matter only when a workspace is both a source and a
 *      destination (otherwise they compete with nothing).
 * 7-8. TIME_ENTRY_RESTORED, TIME_ENTRY_SPLIT: rare (undo of a delete, the split action).
 * 9.   Source NEW_PROJECT: a project under the client gets its destination twin before its first entry; the
 *      first entry does that anyway, so this only saves a moment.
 * NEW_TIMER_STARTED is not wanted at all: running timers are not mirrored, the stop event brings them.
 */
export const WANTED_WEBHOOKS: readonly WantedWebhook[] = [
  { role: "source", event: "NEW_TIME_ENTRY", gives: "entries added by hand appear" },
  { role: "source", event: "TIMER_STOPPED", gives: "timed entries appear when the timer stops" },
  { role: "source", event: "TIME_ENTRY_UPDATED", gives: "edits follow, incl. moves onto or off the client's projects" },
  { role: "source", event: "TIME_ENTRY_DELETED", gives: "deleted entries disappear" },
  { role: "destination", event: "NEW_PROJECT", gives: "new destination projects get their source twin" },
  { role: "destination", event: "PROJECT_UPDATED", gives: "renamed destination projects are renamed in the source" },
  { role: "source", event: "TIME_ENTRY_RESTORED", gives: "restored entries come back" },
  { role: "source", event: "TIME_ENTRY_SPLIT", gives: "split entries are mirrored as two" },
  { role: "source", event: "NEW_PROJECT", gives: "new client projects get their destination twin early" },
];

export interface WebhookSpec {
  event: HandledEvent;
  /** Entry webhooks only fire for the pairs' users; project webhooks for the whole workspace. */
  triggerSourceType: "USER_ID" | "WORKSPACE_ID";
  triggerSource: string[];
}

export interface WorkspaceNeed {
  workspaceId: string;
  /** Pairs (of the whole config) mirroring out of / into this workspace. */
  sourceOf: string[];
  destinationOf: string[];
  /** Most valuable first (WANTED_WEBHOOKS). */
  webhooks: WebhookSpec[];
}

/**
 * One entry per workspace of the selected pairs (all pairs, or `pairId`'s), each needed event once.
 * The events are those the selected pairs need there; the user scope of an entry webhook always covers
 * every pair of the config with that source workspace, since the one webhook serves them all.
 */
export function neededWebhooks(pairs: readonly PairConfig[], pairId?: string): WorkspaceNeed[] {
  const selected = pairId === undefined ? pairs : pairs.filter((p) => p.id === pairId);
  if (pairId !== undefined && selected.length === 0) throw new RangeError(`no pair "${pairId}" in the config`);
  const order: string[] = [];
  const roles = new Map<string, Set<WorkspaceRole>>();
  const addRole = (workspaceId: string, role: WorkspaceRole) => {
    let set = roles.get(workspaceId);
    if (!set) {
      set = new Set();
      roles.set(workspaceId, set);
      order.push(workspaceId);
    }
    set.add(role);
  };
  for (const pair of selected) {
    addRole(pair.source.workspaceId, "source");
    addRole(pair.destination.workspaceId, "destination");
  }
  return order.map((workspaceId) => {
    const here = roles.get(workspaceId) ?? new Set<WorkspaceRole>();
    const sourceOf = pairs.filter((p) => p.source.workspaceId === workspaceId);
    const sources = sourceOf.flatMap((p) => p.members.map((m) => m.source));
    // A member given by email has no id until it is resolved against the workspace: such a workspace's
    // entry webhooks cover the whole workspace, and the intake keeps only the pairs' members.
    const byUser = !sources.some(isEmail);
    const users = [...new Set(sources)].sort();
    const events: WebhookSpec[] = [];
    for (const value of WANTED_WEBHOOKS) {
      if (!here.has(value.role) || events.some((e) => e.event === value.event)) continue;
      events.push(
        isEntryEvent(value.event)
          ? byUser
            ? { event: value.event, triggerSourceType: "USER_ID", triggerSource: users }
            : { event: value.event, triggerSourceType: "WORKSPACE_ID", triggerSource: [workspaceId] }
          : { event: value.event, triggerSourceType: "WORKSPACE_ID", triggerSource: [workspaceId] },
      );
    }
    return {
      workspaceId,
      sourceOf: sourceOf.map((p) => p.id),
      destinationOf: pairs.filter((p) => p.destination.workspaceId === workspaceId).map((p) => p.id),
      webhooks: events,
    };
  });
}

/** Position of `event` in WANTED_WEBHOOKS (most valuable first); events we never want sort last. */
export function wantedRank(event: string): number {
  const i = WANTED_WEBHOOKS.findIndex((v) => v.event === event);
  return i === -1 ? WANTED_WEBHOOKS.length : i;
}
