import type { BudgetWait } from "../clockify/rate-limiter.js";
import type { Logger } from "./logger.js";

/** What a wait for an hourly budget says, in a log line and in a command's output. */
export function describeWait(wait: BudgetWait): string {
  const until = wait.until.toISOString().replace(/\.\d{3}Z$/, "Z");
  return (
    `workspace ${wait.workspaceId} has used ${wait.used} of the ${wait.allowed} requests per hour its ${wait.purpose} work may use ` +
    `(clockify.workspaces[].requestsPerHour: ${wait.perHour}): waiting until ${until}`
  );
}

/** Logs a budget wait once per wait (the registry calls this once per new `until`). */
export function announceWait(logger: Logger, wait: BudgetWait): void {
  logger.warn({ workspaceId: wait.workspaceId, purpose: wait.purpose, until: wait.until.toISOString(), used: wait.used, allowed: wait.allowed }, describeWait(wait));
}
