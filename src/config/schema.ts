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

/** One source → destination mirror, with every default filled in. */
export interface PairConfig {
  id: string;
  source: { apiKey: string; workspaceId: string; userId: string; clientId: string };
  /** `clientId`: the destination client the service puts the projects it creates under (and matches them by). */
  destination: { apiKey: string; workspaceId: string; userId: string; clientId?: string };
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

export interface Config {
  pairs: PairConfig[];
  reconcile: { cron: string; timezone: string; windowDays: number };
  alerts: { webhookUrl?: string; silenceHours: number };
  clockify: { requestsPerSecond: number; timeoutMs: number; maxRetries: number };
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

const sourceSchema = strictObject({ apiKey: text(), workspaceId: text(), userId: text(), clientId: text() });
const destinationSchema = strictObject({
  apiKey: text().optional(),
  workspaceId: text(),
  userId: text().optional(),
  clientId: text().optional(),
});

const pairObjectSchema = strictObject({
  id: z
    .string({ error: "expected a pair id of 1-64 characters from A-Z a-z 0-9 _ . -" })
    .regex(PAIR_ID_PATTERN, { error: "expected a pair id of 1-64 characters from A-Z a-z 0-9 _ . -" }),
  source: sourceSchema,
  destination: destinationSchema,
  projectOptions: projectOptionsSchema.default(() => ({})),
  destinationProjectOptions: projectOptionsSchema.default(() => ({})),
  createMissingDestinationProjects: bool().default(true),
  createMissingDestinationTags: bool().default(true),
  createMissingDestinationTasks: bool().default(true),
  webhookSecrets: z.array(text(), { error: "expected an array of strings" }).default(() => []),
});

const pairSchema = pairObjectSchema.transform(
  (pair): PairConfig => ({
    ...pair,
    // One Clockify account often owns both workspaces, so the source's key and user are the default.
    destination: {
      apiKey: pair.destination.apiKey ?? pair.source.apiKey,
      workspaceId: pair.destination.workspaceId,
      userId: pair.destination.userId ?? pair.source.userId,
      ...(pair.destination.clientId === undefined ? {} : { clientId: pair.destination.clientId }),
    },
  }),
);

const reconcileSchema = strictObject({
  cron: cronExpression().default("0 3 * * *"),
  timezone: ianaTimezone().default("UTC"),
  windowDays: integerBetween(1, 366).default(30),
});
const alertsSchema = strictObject({
  webhookUrl: httpUrl().optional(),
  silenceHours: positiveNumber().default(24),
});
const clockifySchema = strictObject({
  requestsPerSecond: positiveNumber(50).default(10),
  timeoutMs: integerBetween(1, MAX_TIMER_MS).default(30_000),
  maxRetries: integerBetween(0, 10).default(5),
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
  "pairs.*.projectOptions": Object.keys(projectOptionsSchema.shape),
  "pairs.*.destinationProjectOptions": Object.keys(projectOptionsSchema.shape),
  reconcile: Object.keys(reconcileSchema.shape),
  alerts: Object.keys(alertsSchema.shape),
  clockify: Object.keys(clockifySchema.shape),
};
