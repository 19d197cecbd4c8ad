import type { ClockifyClient } from "../clockify/client.js";
import type { RuntimeEnv } from "../config/env.js";
import type { CheckResult } from "../doctor/model.js";
import type { Logger } from "../observability/logger.js";
import type { Progress } from "../observability/progress.js";
import type { RunSummary } from "../sync/reconcile/summary.js";
import type { Asker } from "./asker.js";
import type { Named } from "./choices.js";
import type { SetupFlags } from "./flags.js";
import type { Prompts } from "./prompts.js";
import type { Key } from "./steps/keys.js";
import type { RegisterWebhooks } from "./steps/webhooks.js";

/** The part of the Clockify client setup uses. */
export type SetupClient = Pick<ClockifyClient, "getCurrentUser" | "listWorkspaces" | "listClients" | "listUsers">;

/** Where setup talks to the user; questions go through `prompts`. */
export interface SetupOutput {
  line(text?: string): void;
  warn(text: string): void;
}

export interface SetupDeps {
  /** Environment: the API keys, and CLOCKIFY_API_URL / DATABASE_PATH / LOG_LEVEL for the later steps. */
  env: NodeJS.ProcessEnv;
  flags: SetupFlags;
  prompts: Prompts;
  clientFactory: (apiKey: string) => SetupClient;
  output: SetupOutput;
  configPath: string;
  /** Whether questions may be asked at all (stdin is a terminal); default true. */
  interactive?: boolean;
  /** Progress of the first reconciliation; default a bar on stderr. */
  progress?: Progress;
  logger?: Logger;
  /** The webhook registration step; default src/webhooks/registration/register.ts. */
  registerWebhooks?: RegisterWebhooks;
}

export interface SetupResult {
  pairId: string;
  configPath: string;
  replaced: boolean;
  /** Whether an API key was written into the file as a literal value. */
  secretInFile: boolean;
  webhooks: "registered" | "skipped" | "failed";
  reconcile: RunSummary | "skipped" | "failed";
  /**
   * Whether a service already running on this file must reload to see the change: "new file" when
   * there was no file (so no service could be running with it).
   */
  reload: "needed" | "not needed" | "new file";
  /** Doctor's checks of the new pair, run at the end; "failed" when they could not run. */
  checks: CheckResult[] | "failed";
  /** 0, or 1 when a step after writing the config failed. */
  exitCode: number;
  /** Set by `--add-member`: the entry added to the pair's users and the ids it stands for. */
  member?: { field: string; sourceUserId: string; destinationUserId: string };
}

/** Setup could not go on (a rejected key, an unreachable API, an empty workspace); nothing was written. */
export class SetupError extends Error {
  override readonly name = "SetupError";
}

/** The user answered "no" to writing the config. */
export class SetupCancelled extends Error {
  override readonly name = "SetupCancelled";
}

/** What every step of one setup run works with. */
export interface SetupRun {
  deps: SetupDeps;
  flags: SetupFlags;
  out: SetupOutput;
  ask: Asker;
  runtime: RuntimeEnv;
  interactive: boolean;
}

/** What the questions settled: everything the pair entry is made of. */
export interface PairChoices {
  sourceKey: Key;
  /** The very same object as sourceKey when one key serves both sides. */
  destinationKey: Key;
  sourceWorkspace: Named;
  client: Named;
  destinationWorkspace: Named;
  sourceUser: Named;
  destinationUser: Named;
  pairId: string;
  /** The config file has a pair of that id and the user chose to replace it. */
  replacing: boolean;
}
