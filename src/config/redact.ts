import type { Config } from "./schema.js";

export const REDACTED = "[redacted]";

/** A deep copy of the config that is safe to print or log. */
export function redactConfig(config: Config): Config {
  const copy = structuredClone(config);
  for (const pair of copy.pairs) {
    pair.source.apiKey = REDACTED;
    pair.destination.apiKey = REDACTED;
    pair.webhookSecrets = pair.webhookSecrets.map(() => REDACTED);
  }
  if (copy.alerts.webhookUrl !== undefined) copy.alerts.webhookUrl = redactUrl(copy.alerts.webhookUrl);
  return copy;
}

// Chat webhook URLs carry their credential in the path or query; the origin still tells where alerts go.
function redactUrl(url: string): string {
  try {
    return `${new URL(url).origin}/${REDACTED}`;
  } catch {
    return REDACTED;
  }
}
