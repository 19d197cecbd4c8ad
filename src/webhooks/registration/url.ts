import { WEBHOOK_PATH } from "../path.js";

/** Canonical form for comparing URLs (host case, default port); the input unchanged when it is not a URL. */
export function normalizeUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

export type WebhookUrlCheck = { url: string; warning: string | null } | { error: string };

/** An absolute http(s) URL whose path ends with WEBHOOK_PATH; a warning when Clockify would send secrets in clear. */
export function checkWebhookUrl(raw: string): WebhookUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: `not an absolute URL: ${JSON.stringify(raw)}` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { error: `expected http or https, got ${url.protocol}` };
  if (url.username || url.password) return { error: "the URL must not carry a user name or password" };
  if (url.hash) return { error: "the URL must not have a #fragment" };
  if (!url.pathname.endsWith(WEBHOOK_PATH)) {
    return { error: `the path must end with ${WEBHOOK_PATH} (the service's webhook route), got ${url.pathname}` };
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const local = host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\./.test(host);
  const warning =
    url.protocol === "http:" && !local
      ? `${url.origin} is not https: Clockify would send each webhook's signing secret in clear text`
      : null;
  return { url: url.href, warning };
}
