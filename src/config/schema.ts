import { z } from "zod";
import { anyText, bool, httpUrl, integerBetween, positiveNumber, strictObject, text } from "./fields.js";
import { cronExpression, ianaTimezone } from "./schedule-fields.js";

/** Fields sent when the sync has to create a project in the destination workspace. */
export interface ProjectOptions {
  color?: string;
  billable?: boolean;
  isPublic?: boolean;
  note?: string;
}

/**
 * One mirrored person: whose source entries (`source`) become whose destination entries (`destination`).
 * Each is a user id or an email as written in the file; emails are resolved against the workspace's
 * members when the pair starts (sync/members.ts). `field` names where the file says it, for messages.
 */
export interface MemberConfig {
  source: string;
  destination: string;
  field: string;
}

/**
 * What the service puts on every copy so that a destination workspace requiring a tag, a task or a
 * description accepts it (API-NOTES: forceTags / forceTasks / forceDescription).
 */
export interface DestinationDefaults {
  /** Tag name given to a copy whose source entry has no tag. */
  tag?: string;
  /** Task name given to a copy whose source entry has no task (created under the project when allowed). */
  task?: string;
  /** Put before every copy's description ("[Agency] Stand-up"); an empty description becomes the prefix alone. */
  descriptionPrefix?: string;
}

/** One source → destination mirror, with every default filled in. */
export interface PairConfig {
  id: string;
  source: { apiKey: string; workspaceId: string; clientId: string };
  /** `clientId`: the destination client the service puts the projects it creates under (and matches them by). */
  destination: { apiKey: string; workspaceId: string; clientId?: string };
  /** At least one; from `users`, or the one-user form `source.userId` / `destination.userId`. */
  members: MemberConfig[];
  destinationDefaults: DestinationDefaults;
  /** Sent when the service creates a project in the source workspace. */
  projectOptions: ProjectOptions;
  /** Sent when the service creates a project in the destination workspace. */
  destinationProjectOptions: ProjectOptions;
  createMissingDestinationProjects: boolean;
  /** A tag of a source entry missing in the destination workspace is created there (off: left off the copy). */
  createMissingDestinationTags: boolean;
  /** A task of a source entry missing under the destination project is created under it (off: left off). */
  createMissingDestinationTasks: boolean;
  webhookSecrets: string[];
}

/** What Clockify allows one workspace, when it is less than the plan's default (a Free workspace). */
export interface WorkspaceQuota {
  workspaceId: string;
  /** Clockify's per-workspace rate for this workspace (the default: clockify.workspaceRequestsPerSecond). */
  requestsPerSecond?: number;
  /** An hourly budget shared by every request to the workspace (Free: 30). */
  requestsPerHour?: number;
}

export interface ClockifySettings {
  /** The most any one API key sends per second (a ceiling; 429s lower the rate below it). */
  requestsPerSecond: number;
  /** The most the service sends to one workspace per second, all keys together (Clockify's limit). */
  workspaceRequestsPerSecond: number;
  workspaces: WorkspaceQuota[];
  timeoutMs: number;
  maxRetries: number;
}

export interface WebhookSettings {
  /** Re-enable or re-create the service's own webhooks that Clockify disabled (an alert either way). */
  autoRepair: boolean;
  /** How often the service reads its webhooks' failed deliveries and pulls the entries they named. */
  deliveryCheckMinutes: number;
}

export interface PollingSettings {
  /** Fetch what changed every interval instead of (or besides) receiving webhooks. */
  enabled: boolean;
  /** Minutes between polls; undefined: chosen from the workspaces' budgets. */
  intervalMinutes?: number;
  /** `auto`: Clockify's change feed, falling back to a listing when the feed is refused or unusable. */
  method: "auto" | "feed" | "listing";
  /** How far back a listing poll looks (by entry start), which is how far back a backdated entry is seen. */
  listingWindowDays: number;
}

export interface Config {
  pairs: PairConfig[];
  reconcile: { cron: string; timezone: string; windowDays: number };
  alerts: { webhookUrl?: string; silenceHours: number };
  clockify: ClockifySettings;
  webhooks: WebhookSettings;
  polling: PollingSettings;
}

export const PAIR_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

// Node fires a timer with a larger delay after 1 ms, so a bigger timeout would mean "no time at all".
const MAX_TIMER_MS = 2_147_483_647;

const projectOptionsSchema = strictObject({
  color: z
    .string({ error: "expected #RRGGBB" })
    .regex(/^#[0-9A-Fa-f]{6}$/, { error: "expected #RRGGBB" })
    .optional(),
  billable: bool().optional(),
  isPublic: bool().optional(),
  note: anyText().optional(),
});

const sourceSchema = strictObject({ apiKey: text(), workspaceId: text(), userId: text().optional(), clientId: text() });
const destinationSchema = strictObject({
  apiKey: text().optional(),
  workspaceId: text(),
  userId: text().optional(),
  clientId: text().optional(),
});

const memberSchema = strictObject({
  source: text(),
  /** Omitted: the same user (id) or the same email in the destination workspace. */
  destination: text().optional(),
});

const destinationDefaultsSchema = strictObject({
  tag: text().optional(),
  task: text().optional(),
  descriptionPrefix: z.string({ error: "expected a string" }).min(1, { error: "expected a non-empty string" }).optional(),
});

const pairObjectSchema = strictObject({
  id: z
    .string({ error: "expected a pair id of 1-64 characters from A-Z a-z 0-9 _ . -" })
    .regex(PAIR_ID_PATTERN, { error: "expected a pair id of 1-64 characters from A-Z a-z 0-9 _ . -" }),
  source: sourceSchema,
  destination: destinationSchema,
  users: z
    .array(memberSchema, { error: "expected an array of { source, destination } users" })
    .min(1, { error: "expected at least one user" })
    .optional(),
  destinationDefaults: destinationDefaultsSchema.default(() => ({})),
  projectOptions: projectOptionsSchema.default(() => ({})),
  destinationProjectOptions: projectOptionsSchema.default(() => ({})),
  createMissingDestinationProjects: bool().default(true),
  createMissingDestinationTags: bool().default(true),
  createMissingDestinationTasks: bool().default(true),
  webhookSecrets: z.array(text(), { error: "expected an array of strings" }).default(() => []),
});

type PairObject = z.output<typeof pairObjectSchema>;

const COMPLETE = { complete: true };

/** Exactly one way to say who is mirrored: `users`, or `source.userId` (with an optional `destination.userId`). */
function checkMemberForm(pair: PairObject, ctx: z.RefinementCtx): void {
  const oneUser = pair.source.userId !== undefined || pair.destination.userId !== undefined;
  if (pair.users !== undefined && oneUser) {
    ctx.addIssue({
      code: "custom",
      params: COMPLETE,
      path: ["users"],
      message: "give either users or source.userId/destination.userId, not both: move that user into users and remove the userId fields",
    });
  } else if (pair.users === undefined && pair.source.userId === undefined) {
    ctx.addIssue({
      code: "custom",
      params: COMPLETE,
      path: ["source", "userId"],
      message: "required: the id or email of the user whose entries are mirrored (or users: [{ source, destination }] for several)",
    });
  }
  const seen = new Set<string>();
  for (const [index, user] of (pair.users ?? []).entries()) {
    const key = user.source.toLowerCase();
    if (seen.has(key)) ctx.addIssue({ code: "custom", params: COMPLETE, path: ["users", index, "source"], message: `${user.source} is listed twice in users` });
    seen.add(key);
  }
}

function membersOf(pair: PairObject): MemberConfig[] {
  if (pair.users) {
    return pair.users.map((user, index) => ({ source: user.source, destination: user.destination ?? user.source, field: `users[${index}]` }));
  }
  const source = pair.source.userId ?? "";
  // One Clockify account often owns both workspaces, so the source's user is the default.
  return [{ source, destination: pair.destination.userId ?? source, field: "source.userId" }];
}

const pairSchema = pairObjectSchema.superRefine(checkMemberForm).transform((pair): PairConfig => {
  const { users: _users, source, destination, ...rest } = pair;
  return {
    ...rest,
    source: { apiKey: source.apiKey, workspaceId: source.workspaceId, clientId: source.clientId },
    // One Clockify account often owns both workspaces, so the source's key is the default.
    destination: {
      apiKey: destination.apiKey ?? source.apiKey,
      workspaceId: destination.workspaceId,
      ...(destination.clientId === undefined ? {} : { clientId: destination.clientId }),
    },
    members: membersOf(pair),
  };
});

const reconcileSchema = strictObject({
  cron: cronExpression().default("0 3 * * *"),
  timezone: ianaTimezone().default("UTC"),
  windowDays: integerBetween(1, 366).default(30),
});
const alertsSchema = strictObject({
  webhookUrl: httpUrl().optional(),
  silenceHours: positiveNumber().default(24),
});
const workspaceQuotaSchema = strictObject({
  workspaceId: text(),
  requestsPerSecond: positiveNumber(50).optional(),
  requestsPerHour: integerBetween(1, 180_000).optional(),
});
const clockifySchema = strictObject({
  requestsPerSecond: positiveNumber(50).default(10),
  workspaceRequestsPerSecond: positiveNumber(50).default(50),
  workspaces: z.array(workspaceQuotaSchema, { error: "expected an array of { workspaceId, requestsPerHour } objects" }).default(() => []),
  timeoutMs: integerBetween(1, MAX_TIMER_MS).default(30_000),
  maxRetries: integerBetween(0, 10).default(5),
});
const webhookSettingsSchema = strictObject({
  autoRepair: bool().default(true),
  deliveryCheckMinutes: integerBetween(5, 1440).default(60),
});
const pollingSchema = strictObject({
  enabled: bool().default(false),
  intervalMinutes: integerBetween(1, 1440).optional(),
  method: z.enum(["auto", "feed", "listing"], { error: 'expected "auto", "feed" or "listing"' }).default("auto"),
  listingWindowDays: integerBetween(1, 366).default(7),
});

/**
 * The modern config file shape. Cross-pair rules (unique ids, distinct workspaces) and the legacy pair
 * shape are handled by parseConfig around this schema.
 */
export const configSchema = strictObject({
  pairs: z
    .array(pairSchema, { error: "expected an array of pairs" })
    .min(1, { error: "expected at least one pair" }),
  reconcile: reconcileSchema.prefault({}),
  alerts: alertsSchema.prefault({}),
  clockify: clockifySchema.prefault({}),
  webhooks: webhookSettingsSchema.prefault({}),
  polling: pollingSchema.prefault({}),
}) satisfies z.ZodType<Config, unknown>;

/**
 * The keys each object of the file may have, by path with `*` for an array index: what an unknown key
 * is compared with for a "did you mean". Taken from the schemas above so the two cannot drift apart.
 */
export const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  "": Object.keys(configSchema.shape),
  "pairs.*": Object.keys(pairObjectSchema.shape),
  "pairs.*.source": Object.keys(sourceSchema.shape),
  "pairs.*.destination": Object.keys(destinationSchema.shape),
  "pairs.*.users.*": Object.keys(memberSchema.shape),
  "pairs.*.destinationDefaults": Object.keys(destinationDefaultsSchema.shape),
  "pairs.*.projectOptions": Object.keys(projectOptionsSchema.shape),
  "pairs.*.destinationProjectOptions": Object.keys(projectOptionsSchema.shape),
  reconcile: Object.keys(reconcileSchema.shape),
  alerts: Object.keys(alertsSchema.shape),
  clockify: Object.keys(clockifySchema.shape),
  "clockify.workspaces.*": Object.keys(workspaceQuotaSchema.shape),
  webhooks: Object.keys(webhookSettingsSchema.shape),
  polling: Object.keys(pollingSchema.shape),
};
