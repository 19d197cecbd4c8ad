import type { Path } from "./problem.js";

// Alert webhook URLs (Slack, Teams, ...) carry their credential in the URL itself, so they count too.
const SECRET_KEYS: ReadonlySet<string> = new Set([
  "apiKey",
  "token",
  "dest_token",
  "webhookSecrets",
  "webhookUrl",
  "ADMIN_TOKEN",
  "STATUS_VIEW_TOKEN",
]);

/** Whether the value at this path is a secret that must never be echoed back. */
export function isSecretPath(path: Path): boolean {
  return path.some((segment) => typeof segment === "string" && SECRET_KEYS.has(segment));
}
