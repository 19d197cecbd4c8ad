import type { CommandSession } from "../../command-session.js";
import type { Config } from "../../config/schema.js";
import { registerWebhooks, type RegisterOptions } from "../../webhooks/registration/register.js";
import type { RegistrationReport } from "../../webhooks/registration/report.js";
import type { SetupOutput, SetupResult, SetupRun } from "../contract.js";
import { webhookUrlAnswer } from "./webhook-url.js";

/** src/webhooks/registration's registerWebhooks, or a stand-in. */
export type RegisterWebhooks = (options: RegisterOptions) => Promise<RegistrationReport>;

export interface WebhooksOutcome {
  status: SetupResult["webhooks"];
  /** Where they were to be registered; undefined when the user skipped webhooks. */
  url: string | undefined;
}

export interface WebhooksTarget {
  pairId: string;
  /** The whole config file (one webhook per event and workspace serves every pair there); undefined when it could not be read here. */
  config: Config | undefined;
}

/** Asks for the URL (unless --webhook-url or --no-webhooks settled it) and registers the pair's webhooks there. */
export async function webhooksStep(
  run: SetupRun,
  session: CommandSession,
  target: WebhooksTarget,
  presetUrl: string | undefined,
): Promise<WebhooksOutcome> {
  const url = await webhookUrlAnswer(run, presetUrl);
  if (url === undefined) {
    run.out.line(`webhooks not registered; later: npm run webhooks -- register --url <public URL> --pair ${target.pairId}`);
    return { status: "skipped", url };
  }
  return { status: await register(run, session, target, url), url };
}

/** Registers the pair's webhooks and prints what happened; a failure leaves the written config in place. */
async function register(run: SetupRun, session: CommandSession, target: WebhooksTarget, url: string): Promise<WebhooksOutcome["status"]> {
  const { out } = run;
  const command = `npm run webhooks -- register --url ${url} --pair ${target.pairId}`;
  if (target.config === undefined) {
    // The webhooks' user scope covers every pair of the workspace; registering from part of the file would narrow it.
    out.warn(`webhooks not registered: the config file needs variables that are not set here. Where they are, run: ${command}`);
    return "skipped";
  }
  let report: RegistrationReport;
  try {
    report = await (run.deps.registerWebhooks ?? registerWebhooks)({
      config: target.config,
      database: session.database(),
      apiUrl: session.runtime.apiUrl,
      url,
      pairId: target.pairId,
      logger: session.logger,
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

function printReport(report: RegistrationReport, out: SetupOutput): void {
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
