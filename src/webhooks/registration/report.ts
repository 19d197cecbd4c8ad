import type { Config } from "../../config/schema.js";

/** What `npm run webhooks -- register` did, per workspace and event (printed by src/cli/webhooks.ts). */

export interface RegisteredWebhook {
  event: string;
  webhookId: string;
  triggerSourceType: string;
  triggerSource: string[];
  /** The webhook it replaced (scope did not cover the pairs' users), or null. */
  replaced: string | null;
}

export interface ExistingWebhook {
  event: string;
  webhookId: string;
  /** It was in Clockify but not in our table: its token was regenerated and the new one's hash stored. */
  tokenRegenerated: boolean;
  /** Why it does not deliver now, or null. */
  disabled: string | null;
}

export interface LeftOutWebhook {
  event: string;
  reason: string;
}

export interface FailedWebhook {
  event: string;
  error: string;
}

/** What every webhook report says of a workspace: which pairs use it and what its plan allows. */
export interface WorkspaceFacts {
  workspaceId: string;
  sourceOf: string[];
  destinationOf: string[];
  /** `featureSubscriptionType`, null when Clockify did not say. */
  plan: string | null;
  /** Webhooks allowed in the workspace, null when unknown. */
  limit: number | null;
  /** Webhooks in the workspace (anyone's) before this run; null when it could not be listed. */
  inUse: number | null;
}

export interface WorkspaceRegistration extends WorkspaceFacts {
  registered: RegisteredWebhook[];
  existing: ExistingWebhook[];
  leftOut: LeftOutWebhook[];
  failed: FailedWebhook[];
  notes: string[];
  /** Set when the workspace could not be worked on at all. */
  error: string | null;
}

export interface RegistrationReport {
  url: string;
  workspaces: WorkspaceRegistration[];
  /** What was left out and that the nightly reconciliation covers it; null when nothing was. */
  leftOutSummary: string | null;
  /** No event failed (left out is not a failure). */
  ok: boolean;
}

/** The whole run's report: left-out events are not failures, since the nightly reconciliation covers them. */
export function registrationReport(
  url: string,
  workspaces: WorkspaceRegistration[],
  { cron, timezone, windowDays }: Config["reconcile"],
): RegistrationReport {
  const leftOut = workspaces.filter((w) => w.leftOut.length > 0);
  const count = leftOut.reduce((n, w) => n + w.leftOut.length, 0);
  return {
    url,
    workspaces,
    leftOutSummary:
      count === 0
        ? null
        : `${count} event(s) left out in ${leftOut.length} workspace(s). The nightly reconciliation ` +
          `(cron "${cron}" ${timezone}, last ${windowDays} days) covers the rest: what those events would have ` +
          "mirrored within seconds arrives at its next run instead.",
    ok: workspaces.every((w) => w.failed.length === 0 && w.error === null),
  };
}
