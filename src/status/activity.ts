import { entryEventBodySchema, isEntryEvent, isProjectEvent, projectEventBodySchema } from "../webhooks/events.js";

/**
 * Recent activity in words: what an applied inbox event was about, read back from the webhook body the
 * inbox keeps, and what applying it did. Pure: the status report calls it per row.
 */

/** How the page colours an outcome: something was written, nothing needed doing, or a person may look. */
export type OutcomeTone = "changed" | "quiet" | "attention";

export interface ActivityDetails {
  /** "New entry", "Project edited", or the raw type for one this project does not handle. */
  eventLabel: string;
  /** What the stored body turned out to be; "unreadable" when it does not parse (the page shows "—"). */
  subject: "entry" | "project" | "unreadable";
  /** The entry's description ("" when it has none); null unless subject is "entry". */
  description: string | null;
  /** The entry's project or the project itself; null when there is none or the body was unreadable. */
  projectName: string | null;
  startAt: number | null;
  /** null for a running timer (startAt set) and for anything that is not an entry. */
  endAt: number | null;
  durationMs: number | null;
  outcomeLabel: string;
  outcomeTone: OutcomeTone;
}

const EVENT_LABELS: Record<string, string> = {
  NEW_TIMER_STARTED: "Timer started",
  NEW_TIME_ENTRY: "New entry",
  TIMER_STOPPED: "Timer stopped",
  TIME_ENTRY_UPDATED: "Entry edited",
  TIME_ENTRY_DELETED: "Entry deleted",
  TIME_ENTRY_RESTORED: "Entry restored",
  TIME_ENTRY_SPLIT: "Entry split",
  NEW_PROJECT: "New project",
  PROJECT_UPDATED: "Project edited",
};

export function eventLabel(eventType: string): string {
  return EVENT_LABELS[eventType] ?? eventType;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

type Subject = Pick<ActivityDetails, "subject" | "description" | "projectName" | "startAt" | "endAt" | "durationMs">;

const UNREADABLE: Subject = { subject: "unreadable", description: null, projectName: null, startAt: null, endAt: null, durationMs: null };

/** The body through the same schemas intake used; a body they refuse (or an old stub) tells nothing. */
export function readSubject(eventType: string, body: string): Subject {
  const json = parseJson(body);
  if (isEntryEvent(eventType)) {
    const parsed = entryEventBodySchema.safeParse(json);
    if (!parsed.success) return UNREADABLE;
    const entry = parsed.data;
    const startAt = Date.parse(entry.timeInterval.start);
    const endAt = entry.timeInterval.end ? Date.parse(entry.timeInterval.end) : null;
    return {
      subject: "entry",
      description: entry.description ?? "",
      projectName: entry.project?.name ?? null,
      startAt,
      endAt,
      durationMs: endAt === null ? null : Math.max(0, endAt - startAt),
    };
  }
  if (isProjectEvent(eventType)) {
    const parsed = projectEventBodySchema.safeParse(json);
    if (!parsed.success) return UNREADABLE;
    return { ...UNREADABLE, subject: "project", projectName: parsed.data.name };
  }
  return UNREADABLE;
}

const ABSENT_REASONS: Record<string, string> = {
  "other-user": "another user's entry",
  running: "the timer is still running",
  "no-project": "the entry has no project",
  "other-client": "its project belongs to another client",
  "other client": "the project belongs to another client",
  "not-creatable": "time off or a holiday, which the API cannot create",
};

const ENTRY_DONE: Record<string, string> = {
  created: "Copied to the destination",
  updated: "Copy updated",
  adopted: "Matched to a copy already there",
  unchanged: "Copy already up to date",
  deleted: "Copy deleted",
};

const PROJECT_DONE: Record<string, string> = {
  created: "Counterpart project created",
  renamed: "Source project renamed to match",
  mapped: "Matched to the project of the same name",
  unchanged: "Already in step",
  deleted: "Counterpart removed",
};

/**
 * The inbox's outcome column (see outcomeText in src/sync/outcome.ts) as a sentence. Unknown values are
 * shown as they are rather than hidden: a new kind of outcome must still be visible.
 */
export function describeOutcome(
  eventType: string,
  outcome: string | null,
): Pick<ActivityDetails, "outcomeLabel" | "outcomeTone"> {
  if (outcome === null || outcome === "") return { outcomeLabel: "—", outcomeTone: "quiet" };
  if (outcome === "no such pair") {
    return { outcomeLabel: "Dropped: the pair is no longer configured", outcomeTone: "attention" };
  }
  const colon = outcome.indexOf(": ");
  const kind = colon === -1 ? outcome : outcome.slice(0, colon);
  const reason = colon === -1 ? "" : outcome.slice(colon + 2);
  const done = (isProjectEvent(eventType) ? PROJECT_DONE : ENTRY_DONE)[kind];
  if (done && colon === -1) return { outcomeLabel: done, outcomeTone: kind === "unchanged" ? "quiet" : "changed" };
  switch (kind) {
    case "absent":
      return { outcomeLabel: `Not mirrored: ${ABSENT_REASONS[reason] ?? reason}`, outcomeTone: "quiet" };
    case "skipped":
      return { outcomeLabel: `Skipped: ${reason}`, outcomeTone: "quiet" };
    case "conflict":
      return { outcomeLabel: `Name conflict: ${reason}`, outcomeTone: "attention" };
    case "parked":
      return { outcomeLabel: `Waiting: ${reason}`, outcomeTone: "attention" };
    case "blocked by lock":
    case "blocked by approval":
      return { outcomeLabel: `Blocked: ${reason}`, outcomeTone: "attention" };
    default:
      return { outcomeLabel: outcome, outcomeTone: "quiet" };
  }
}

export function activityDetails(row: { eventType: string; body: string; outcome: string | null }): ActivityDetails {
  return { eventLabel: eventLabel(row.eventType), ...readSubject(row.eventType, row.body), ...describeOutcome(row.eventType, row.outcome) };
}
