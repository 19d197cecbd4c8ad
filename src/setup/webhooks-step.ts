import type { Config } from "../config/schema.js";
import type { AppDatabase } from "../db/connection.js";
import type { Logger } from "../observability/logger.js";
import { checkWebhookUrl, WEBHOOK_URL_PATH, type RegisterOptions, type RegistrationReport } from "../webhooks/registration.js";

/** src/webhooks/registration.ts's registerWebhooks, or a stand-in. */
export type RegisterWebhooks = (options: RegisterOptions) => Promise<RegistrationReport>;

/**
 * The URL Clockify should POST to. People think of "the service's address", so a URL without the
 * webhook route gets it appended: `https://sync.example.com` → `https://sync.example.com/webhooks/clockify`.
 */
export function completeWebhookUrl(raw: string): { url: string; warning: string | null } | { error: string } {
  const text = raw.trim();
  let candidate = text;
  try {
    const url = new URL(text);
    if (!url.pathname.endsWith(WEBHOOK_URL_PATH) && url.search === "" && url.hash === "") {
      url.pathname = `${url.pathname.replace(/\/+$/, "")}${WEBHOOK_URL_PATH}`;
      candidate = url.href;
    }
  } catch {
    // checkWebhookUrl says what is wrong.
  }
  return checkWebhookUrl(candidate);
}

export interface WebhooksStepOptions {
  register: RegisterWebhooks;
  /** The whole config file (one webhook per event and workspace serves every pair there); undefined when it could not be read here. */
  config: Config | undefined;
  apiUrl: string;
  url: string;
  pairId: string;
  logger: Logger;
  output: { line(text?: string): void; warn(text: string): void };
  openDatabase: () => AppDatabase;
}

/** Registers the pair's webhooks and prints what happened; a failure leaves the written config in place. */
export async function registerWebhooksStep(options: WebhooksStepOptions): Promise<"registered" | "skipped" | "failed"> {
  const { output: out } = options;
  const command = `npm run webhooks -- register --url ${options.url} --pair ${options.pairId}`;
  if (options.config === undefined) {
    // The webhooks' user scope covers every pair of the workspace; registering from part of the file would narrow it.
    out.warn(`webhooks not registered: the config file needs variables that are not set here. Where they are, run: ${command}`);
    return "skipped";
  }
  let report: RegistrationReport;
  try {
    report = await options.register({
      config: options.config,
      database: options.openDatabase(),
      apiUrl: options.apiUrl,
      url: options.url,
      pairId: options.pairId,
      logger: options.logger,
    });
  } catch (error) {
    out.warn(`registering webhooks failed: ${error instanceof Error ? error.message : String(error)}; retry with: ${command}`);
    return "failed";
  }
  printReport(report, out);
  if (!report.ok) {
    out.warn(`some webhooks could not be registered; retry with: ${command}`);
    return "failed";
  }
  return "registered";
}

function printReport(report: RegistrationReport, out: WebhooksStepOptions["output"]): void {
  out.line(`webhooks → ${report.url}`);
  for (const w of report.workspaces) {
    const role = [w.sourceOf.length > 0 ? "source" : "", w.destinationOf.length > 0 ? "destination" : ""].filter(Boolean).join(" and ");
    const counts = [
      w.registered.length > 0 ? `registered ${w.registered.map((r) => r.event).join(", ")}` : "",
      w.existing.length > 0 ? `already there ${w.existing.map((e) => e.event).join(", ")}` : "",
    ].filter(Boolean);
    out.line(`  ${role} workspace ${w.workspaceId}: ${counts.join("; ") || "nothing to do"}`);
    if (w.error !== null) out.warn(`workspace ${w.workspaceId}: ${w.error}`);
    for (const e of w.existing) if (e.disabled !== null) out.warn(`${e.event} webhook ${e.webhookId}: ${e.disabled}`);
    for (const l of w.leftOut) out.line(`    left out ${l.event}: ${l.reason}`);
    if (w.error === null) for (const f of w.failed) out.warn(`${f.event} in workspace ${w.workspaceId} failed: ${f.error}`);
    for (const note of w.notes) out.line(`    note: ${note}`);
  }
  if (report.leftOutSummary !== null) out.line(report.leftOutSummary);
}
