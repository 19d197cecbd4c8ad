import { z } from "zod";
import { ConfigError } from "./errors.js";
import { httpUrl } from "./fields.js";
import { formatProblem } from "./problem.js";
import { problemsFromIssues } from "./zod-issues.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Settings of this process (where things are, how it listens), as opposed to what it syncs. */
export interface RuntimeEnv {
  configPath: string;
  databasePath: string;
  /** Clockify API base including `/api/v1`, without a trailing slash. */
  apiUrl: string;
  port: number;
  host: string;
  logLevel: LogLevel;
  adminToken?: string | undefined;
  /** Opens the status page and /metrics (read-only) to whoever presents it. */
  statusViewToken?: string | undefined;
  /** The status page and /metrics need no token, from anywhere. */
  statusPublic: boolean;
}

/** Tokens guarded by a throttle of a few tries a minute; 32 random characters put guessing out of reach. */
export const MIN_TOKEN_LENGTH = 32;
const TOKEN_ERROR = `expected at least ${MIN_TOKEN_LENGTH} characters (make one with: openssl rand -hex 32)`;

const PORT_ERROR = "expected an integer between 1 and 65535";

function isPort(value: string): boolean {
  // Digits only: Number() would also take " 80", "0x50" and "1e3".
  if (!/^[0-9]{1,5}$/.test(value)) return false;
  const port = Number(value);
  return port >= 1 && port <= 65535;
}

const runtimeEnvSchema = z.object({
  CLOCKIFY_SYNC_CONFIG: z.string().default("./clockify-sync.config.json"),
  DATABASE_PATH: z.string().default("./data/clockify-sync.db"),
  CLOCKIFY_API_URL: httpUrl()
    .default("https://api.clockify.me/api/v1")
    .transform((url) => url.replace(/\/+$/, "")),
  PORT: z.string().refine(isPort, { error: PORT_ERROR }).default("8080").transform(Number),
  HOST: z.string().default("0.0.0.0"),
  LOG_LEVEL: z
    .preprocess(
      (level) => (typeof level === "string" ? level.toLowerCase() : level),
      z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(", ")}` }),
    )
    .default("info"),
  ADMIN_TOKEN: z.string().min(MIN_TOKEN_LENGTH, { error: TOKEN_ERROR }).optional(),
  STATUS_VIEW_TOKEN: z.string().min(MIN_TOKEN_LENGTH, { error: TOKEN_ERROR }).optional(),
  STATUS_PUBLIC: z
    .preprocess(
      (value) => (typeof value === "string" ? value.toLowerCase() : value),
      z.enum(["true", "false"], { error: "expected true or false" }),
    )
    .default("false")
    .transform((value) => value === "true"),
});

/** Reads and checks the process settings; throws ConfigError naming every bad variable. */
export function readRuntimeEnv(env: NodeJS.ProcessEnv = process.env): RuntimeEnv {
  const names = Object.keys(runtimeEnvSchema.shape);
  // Compose files and CI often pass `NAME=` for "not set"; treat it as such instead of as a bad value.
  const present = Object.fromEntries(names.map((name) => [name, env[name] === "" ? undefined : env[name]]));
  const result = runtimeEnvSchema.safeParse(present, { reportInput: true });
  if (!result.success) throw new ConfigError(problemsFromIssues(result.error.issues).map(formatProblem));
  const vars = result.data;
  return {
    configPath: vars.CLOCKIFY_SYNC_CONFIG,
    databasePath: vars.DATABASE_PATH,
    apiUrl: vars.CLOCKIFY_API_URL,
    port: vars.PORT,
    host: vars.HOST,
    logLevel: vars.LOG_LEVEL,
    adminToken: vars.ADMIN_TOKEN,
    statusViewToken: vars.STATUS_VIEW_TOKEN,
    statusPublic: vars.STATUS_PUBLIC,
  };
}
