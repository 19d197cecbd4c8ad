import type { PairConfig } from "../config/schema.js";
import type { ClockifyError } from "./errors.js";

export type Side = "source" | "destination";

/** A pair's configured ids, never its keys: enough to name the config field a failing call used. */
export interface PairIds {
  source: { workspaceId: string; clientId: string };
  destination: { workspaceId: string };
  /** Each side's user ids as written in the file, with the field that names them ("users[1].source"). */
  users: Record<Side, Record<string, string>>;
  /** destination.apiKey is left out (or equal to source.apiKey): the destination calls use source.apiKey. */
  sharedKey: boolean;
}

/** Where a call was made: which pair, which side. Carries no secret, so it may be logged. */
export interface FailureSite {
  pairId: string;
  side: Side;
  pair: PairIds;
}

/** The parts of a ClockifyError an explanation is made of. */
export type FailureFacts = Pick<ClockifyError, "kind" | "method" | "route" | "status" | "code" | "detail" | "ids">;

export interface Explanation {
  /** What failed: the pair, the side, the config field with its id, and Clockify's answer. */
  summary: string;
  /** What a person does about it. */
  fix: string;
  /** The config field at fault (`source.workspaceId`); undefined when none is (an outage, a rate limit). */
  field: string | undefined;
  /** The service retries this by itself: a person acts only if it persists. */
  transient: boolean;
}

export function pairIdsOf(pair: Pick<PairConfig, "source" | "destination" | "members">): PairIds {
  const { source, destination } = pair;
  const users: Record<Side, Record<string, string>> = { source: {}, destination: {} };
  for (const m of pair.members) {
    const oneUser = m.field === "source.userId";
    users.source[m.source] = oneUser ? "source.userId" : `${m.field}.source`;
    users.destination[m.destination] = oneUser ? "destination.userId" : `${m.field}.destination`;
  }
  return {
    source: { workspaceId: source.workspaceId, clientId: source.clientId },
    destination: { workspaceId: destination.workspaceId },
    users,
    sharedKey: destination.apiKey === source.apiKey,
  };
}

export function siteOf(pair: Pick<PairConfig, "id" | "source" | "destination" | "members">, side: Side): FailureSite {
  return { pairId: pair.id, side, pair: pairIdsOf(pair) };
}

const RETRY_DEAD_LETTERS = "then npm run deadletter -- retry";

/** The problem and its fix, before the pair, side and Clockify's answer are put around them. */
interface Finding {
  problem: string;
  fix: string;
  field?: string;
}

/**
 * Turns a Clockify refusal into what a person can act on. Pure: the same facts give the same text, so
 * the reconcile summary, the dead letters, the logs and doctor all say the same thing.
 */
export function explainFailure(error: FailureFacts, site: FailureSite): Explanation {
  const names = new Names(error, site);
  const finding = findTransient(error) ?? findRefusal(error, names);
  const summary = `pair "${site.pairId}" ${site.side}: ${finding.problem} — ${answerOf(error)}.`;
  const transient = error.kind === "network" || error.kind === "rate_limited" || error.kind === "server";
  return { summary, fix: finding.fix, field: finding.field, transient };
}

/** explainFailure as one line: what the message of a pair's ClockifyError says. */
export function describeFailure(error: FailureFacts, site: FailureSite): string {
  const { summary, fix } = explainFailure(error, site);
  return `${summary} Fix: ${fix}`;
}

function answerOf(error: FailureFacts): string {
  const call = `${error.method} ${error.route}`;
  if (error.status === 0) return `no answer from Clockify to ${call} (${error.detail})`;
  const code = error.code === undefined ? "" : ` code ${error.code}`;
  return `Clockify answered HTTP ${error.status}${code} "${error.detail}" to ${call}`;
}

/** Field names and labels of the ids a call used, as the pair's config calls them. */
class Names {
  readonly side: Side;
  constructor(
    private readonly error: FailureFacts,
    private readonly site: FailureSite,
  ) {
    this.side = site.side;
  }

  /** Where a key for this side belongs, when a different one (an admin's) is the fix. */
  get sideKeyField(): string {
    return `${this.side}.apiKey`;
  }

  /** The field of the call's user (`users[1].destination`), or the one-user form's. */
  get userField(): string {
    return this.field("userId") ?? `${this.side}.userId (or that user's entry in users)`;
  }

  /** The key the side's calls send, by the field it comes from. */
  get keyField(): string {
    return this.side === "destination" && this.site.pair.sharedKey ? "source.apiKey" : `${this.side}.apiKey`;
  }

  get keyPhrase(): string {
    const shared = this.side === "destination" && this.site.pair.sharedKey;
    return shared ? "the key in source.apiKey (destination.apiKey is not set, so the destination uses it)" : `the key in ${this.keyField}`;
  }

  /** `source.workspaceId "abc"` when the call's id is the configured one, `workspace "abc"` otherwise. */
  label(name: "workspaceId" | "userId" | "clientId", noun: string): string {
    const value = this.error.ids[name];
    if (value === undefined) return `the ${this.side} ${noun}`;
    const field = this.field(name);
    return field ? `${field} "${value}"` : `${noun} "${value}"`;
  }

  field(name: "workspaceId" | "userId" | "clientId"): string | undefined {
    const value = this.error.ids[name];
    if (value === undefined) return undefined;
    if (name === "userId") return this.site.pair.users[this.side][value];
    const configured: Record<string, string> = this.site.pair[this.side];
    return configured[name] === value ? `${this.side}.${name}` : undefined;
  }
}

function findTransient(error: FailureFacts): Finding | undefined {
  switch (error.kind) {
    case "network":
      return {
        problem: "Clockify could not be reached",
        fix:
          "nothing while it is rare: the service retries by itself. If it persists, check CLOCKIFY_API_URL (a regional " +
          "workspace needs its region's address, e.g. https://euc1.clockify.me/api/v1) and that this machine reaches it.",
      };
    case "rate_limited":
      return {
        problem: "Clockify limited the request rate",
        fix:
          "nothing while it is rare: the service waits and retries. If it persists, lower clockify.requestsPerSecond or " +
          "stop other tools using the same key (a new Free-plan workspace allows only 30 requests an hour).",
      };
    case "server":
      return {
        problem: "Clockify failed on its side",
        fix: "nothing while it is rare: the service retries by itself. If it persists for hours, check Clockify's status page.",
      };
    case "bad_response":
      return {
        problem: "Clockify's answer was not what its API documents",
        fix: "check that CLOCKIFY_API_URL points at the Clockify API (it ends in /api/v1); if it does, report this line.",
      };
    default:
      return undefined;
  }
}

function findRefusal(error: FailureFacts, names: Names): Finding {
  if (error.kind === "unauthorized") return keyRejected(names);
  if (error.kind === "forbidden") return forbidden(error, names);
  // A required field first: "Custom field "Project code" is required" is no missing project.
  return requiredField(error, names) ?? notFound(error, names) ?? invalid(error, names);
}

function keyRejected(names: Names): Finding {
  return {
    problem: `Clockify rejected ${names.keyPhrase}`,
    fix:
      `create a key in Clockify (Profile settings → API → Generate; for a workspace on its own subdomain, inside that ` +
      `subdomain) and put it in ${names.keyField} (or the environment variable it names).`,
    field: names.keyField,
  };
}

function forbidden(error: FailureFacts, names: Names): Finding {
  const workspace = names.label("workspaceId", "workspace");
  if (error.code === 1003) {
    return {
      problem: `${workspace} has locked this period`,
      fix:
        `ask a workspace admin to move the lock date (Workspace settings → Lock timesheets), or use an owner's or admin's ` +
        `key in ${names.sideKeyField} (they may write into locked periods); ${RETRY_DEAD_LETTERS}.`,
    };
  }
  if (error.code === 4005) {
    return {
      problem: "the entry is approved, and approved entries cannot be changed",
      fix: `withdraw the approval in Clockify if the change should go through; ${RETRY_DEAD_LETTERS}.`,
    };
  }
  if (error.method === "POST" && error.route.includes("/user/{userId}/time-entries")) {
    return {
      problem: `adding time for ${names.label("userId", "user")} in ${workspace} was refused to ${names.keyPhrase}`,
      fix:
        `entries for another member need an owner's or admin's key in ${names.sideKeyField} and the workspace's "add time ` +
        `for others" permission (Workspace settings → Permissions); or set ${names.userField} to the key's own user.`,
      field: names.sideKeyField,
    };
  }
  if (error.method === "GET" && error.route.includes("/user/{userId}/time-entries")) {
    return {
      problem: `reading the entries of ${names.label("userId", "user")} in ${workspace} was refused to ${names.keyPhrase}`,
      fix: `another member's entries need an owner's or admin's key in ${names.sideKeyField}; or set ${names.userField} to the key's own user.`,
      field: names.sideKeyField,
    };
  }
  if (!error.route.startsWith("/workspaces/{workspaceId}")) return keyRejected(names);
  if (error.method === "GET" || error.detail.trim() === "Access Denied") return unreachable(names);
  return {
    problem: `${names.keyPhrase} may not ${error.method === "DELETE" ? "delete" : "write"} this in ${workspace}`,
    fix: `use an owner's or admin's key in ${names.sideKeyField}, or give the key's user that permission in Workspace settings.`,
    field: names.sideKeyField,
  };
}

function unreachable(names: Names): Finding {
  const { side } = names;
  return {
    problem: `${names.label("workspaceId", "workspace")} is not reachable with ${names.keyPhrase}`,
    fix:
      `check ${side}.workspaceId (npm run setup shows the workspaces a key can see) and that the key's user is a member of ` +
      `that workspace.`,
    field: `${side}.workspaceId`,
  };
}

/** Clockify's "no such thing here": 404, or 400 code 501 for a missing or foreign id (API-NOTES §8, §10). */
function notFound(error: FailureFacts, names: Names): Finding | undefined {
  if (error.status !== 404 && !(error.status === 400 && error.code === 501)) return undefined;
  const { side } = names;
  const workspace = names.label("workspaceId", "workspace");
  const says = (word: string) => new RegExp(`\\b${word}\\b`, "i").test(error.detail);
  if (error.ids.clientId !== undefined && says("client")) {
    return {
      problem: `${names.label("clientId", "client")} is not a client of ${workspace}`,
      fix:
        `set ${side}.clientId to a client of that workspace (npm run setup lists them; in Clockify: Projects → Clients), ` +
        `or ${side}.workspaceId to the workspace that holds the client.`,
      field: `${side}.clientId`,
    };
  }
  if (error.ids.userId !== undefined && says("user")) {
    return {
      problem: `${names.label("userId", "user")} is not a member of ${workspace}`,
      fix: `set ${names.userField} to a member's id or email (npm run setup lists them), or invite that user to the workspace.`,
      field: names.userField,
    };
  }
  if (error.ids.projectId !== undefined && says("project")) {
    return {
      problem: `project "${error.ids.projectId}" is no longer in ${workspace} (deleted, or moved to another client)`,
      fix: `nothing in the config: the next reconciliation (npm run reconcile) maps the project again; ${RETRY_DEAD_LETTERS}.`,
    };
  }
  if (says("time entry")) {
    return { problem: `the time entry is gone from ${workspace}`, fix: "nothing: the next reconciliation settles it." };
  }
  // A list of the workspace itself refused as "not found" means the workspace, not an item in it.
  if (error.method === "GET" && !/\{(?!workspaceId\})\w+\}/.test(error.route)) return unreachable(names);
  return undefined;
}

const REQUIRED = /\b(project|task|tag|description|custom field)\b.*\brequired\b/i;

function requiredField(error: FailureFacts, names: Names): Finding | undefined {
  const required = error.status === 400 ? REQUIRED.exec(error.detail)?.[1]?.toLowerCase() : undefined;
  if (required === undefined) return undefined;
  const problem = `${names.label("workspaceId", "workspace")} requires a ${required} on every entry and the copy has none`;
  const setting = names.side === "destination" ? DEFAULT_SETTING[required] : undefined;
  if (setting !== undefined) {
    // The pair can comply by itself: a default every copy gets (config destinationDefaults).
    return {
      problem,
      fix:
        `set ${setting} in the pair's config so every copy has one (or give the source entry a ${required}, or turn the ` +
        `requirement off in the destination workspace's settings); ${RETRY_DEAD_LETTERS}.`,
      field: setting,
    };
  }
  return {
    problem,
    fix:
      `give the source entry a ${required} that exists in the destination too, or turn the requirement off in the ` +
      `${names.side} workspace's settings; ${RETRY_DEAD_LETTERS}.`,
  };
}

/** The pair setting that satisfies each required field of the destination (sync/entries/destination-defaults.ts). */
const DEFAULT_SETTING: Record<string, string | undefined> = {
  tag: "destinationDefaults.tag",
  task: "destinationDefaults.task",
  description: "destinationDefaults.descriptionPrefix",
};

function invalid(error: FailureFacts, names: Names): Finding {
  const workspace = names.label("workspaceId", "workspace");
  return {
    problem: `Clockify refused this in ${workspace}`,
    fix: `Clockify's message says what it refused: change that in the ${names.side} workspace or in the source entry; ${RETRY_DEAD_LETTERS}.`,
  };
}
