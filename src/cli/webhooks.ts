import { Command } from "commander";
import { z } from "zod";
import { withCommandSession } from "../command-session.js";
import { UsageError } from "../config/errors.js";
import type { RegistrationOptions } from "../webhooks/registration/access.js";
import { listRegistrations, type RegistrationListing } from "../webhooks/registration/list.js";
import { registerWebhooks } from "../webhooks/registration/register.js";
import { removeWebhooks, type RemovalReport } from "../webhooks/registration/remove.js";
import type { RegistrationReport } from "../webhooks/registration/report.js";
import { checkWebhookUrl } from "../webhooks/registration/url.js";
import { repairAlert, repairWebhooks, type RepairReport } from "../webhooks/health/repair.js";
import { Alerter } from "../observability/alerts.js";
import { runCommand } from "./run.js";

const URL_REQUIRED = "--url is required: the service's public URL ending in /webhooks/clockify";
const urlFlag = z
  .string({ error: (issue) => (issue.input === undefined ? URL_REQUIRED : "--url: expected a URL") })
  .superRefine((value, ctx) => {
    const checked = checkWebhookUrl(value);
    if ("error" in checked) ctx.addIssue({ code: "custom", message: `--url: ${checked.error}` });
  });

const registerFlags = z.object({ url: urlFlag, pair: z.string().optional(), json: z.boolean().optional() });
const listFlags = z.object({ pair: z.string().optional(), json: z.boolean().optional() });
const repairFlags = z.object({ pair: z.string().optional(), json: z.boolean().optional() });
const removeFlags = z.object({ url: urlFlag.optional(), pair: z.string().optional(), json: z.boolean().optional() });

function parseFlags<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
  return parsed.data;
}

/** Registering, listing and removing all take the whole config: one webhook can serve several pairs. */
function withRegistrations<T>(pair: string | undefined, body: (options: RegistrationOptions) => Promise<T>): Promise<T> {
  return withCommandSession({ name: "webhooks", pair }, (session) =>
    body({
      config: session.config,
      database: session.database(),
      apiUrl: session.runtime.apiUrl,
      logger: session.logger,
      ...(session.pairId === undefined ? {} : { pairId: session.pairId }),
    }),
  );
}

/**
 * `clockify-sync webhooks register --url https://host/webhooks/clockify [--pair ID] | list [--pair ID] |
 * remove [--pair ID] [--url URL] | repair [--pair ID]`. Prints per workspace what was registered, found, left out and why;
 * never a token (only their hashes are stored, and the report carries none).
 */
export function webhooksCommand(): Command {
  const program = new Command("webhooks").description("register this service's webhooks in Clockify, list or remove them");
  program
    .command("register")
    .description("create the webhooks every workspace of the config needs (idempotent)")
    .option("--url <url>", "the service's public URL, ending in /webhooks/clockify")
    .option("--pair <id>", "only this pair's workspaces")
    .option("--json", "machine-readable output")
    .action((raw: unknown) => runCommand(() => register(raw)));
  program
    .command("list")
    .description("this service's webhooks per workspace, checked against Clockify")
    .option("--pair <id>", "only this pair's workspaces")
    .option("--json", "machine-readable output")
    .action((raw: unknown) => runCommand(() => list(raw)));
  program
    .command("repair")
    .description(
      "bring back this service's webhooks that Clockify disabled (enabled or deliveryEnabled false): " +
        "re-enable them, or delete and re-create them (new token stored); alerts say what was done",
    )
    .option("--pair <id>", "only this pair's workspaces")
    .option("--json", "machine-readable output")
    .action((raw: unknown) => runCommand(() => repair(raw)));
  program
    .command("remove")
    .description("delete the webhooks this service registered (in Clockify and in its table)")
    .option("--pair <id>", "only this pair's workspaces, and only webhooks no other pair needs")
    .option("--url <url>", "only webhooks registered for this URL (e.g. the old one after a move)")
    .option("--json", "machine-readable output")
    .action((raw: unknown) => runCommand(() => remove(raw)));
  return program;
}

async function register(raw: unknown): Promise<void> {
  const flags = parseFlags(registerFlags, raw);
  const url = flags.url;
  const checked = checkWebhookUrl(url);
  if (!("error" in checked) && checked.warning !== null) console.error(`warning: ${checked.warning}`);
  const report = await withRegistrations(flags.pair, (s) => registerWebhooks({ ...s, url }));
  if (flags.json) console.log(JSON.stringify(report, null, 2));
  else printRegistration(report);
  process.exitCode = report.ok ? 0 : 1;
}

async function list(raw: unknown): Promise<void> {
  const flags = parseFlags(listFlags, raw);
  const listing = await withRegistrations(flags.pair, (s) => listRegistrations(s));
  if (flags.json) console.log(JSON.stringify(listing, null, 2));
  else printListing(listing);
  process.exitCode = listing.workspaces.every((w) => w.error === null) ? 0 : 1;
}

async function repair(raw: unknown): Promise<void> {
  const flags = parseFlags(repairFlags, raw);
  const report = await withRegistrations(flags.pair, async (s) => {
    const found = await repairWebhooks(s);
    // An alert either way, as the service sends one when it repairs by itself.
    const alerter = new Alerter(s.config.alerts.webhookUrl, s.logger);
    const alerts = found.workspaces.flatMap((w) => w.results).map((r) => repairAlert(r));
    await Promise.all(alerts.map((a) => alerter.alert(a.problem, a.text, undefined, a.level)));
    return found;
  });
  if (flags.json) console.log(JSON.stringify(report, null, 2));
  else printRepair(report);
  process.exitCode = report.ok ? 0 : 1;
}

function printRepair(report: RepairReport): void {
  const results = report.workspaces.flatMap((w) => w.results);
  for (const w of report.workspaces) {
    console.log(`workspace ${w.workspaceId}`);
    if (w.error !== null) console.log(`  error: ${w.error}`);
    for (const r of w.results) {
      const detail = r.outcome === "re-created" ? `now ${r.newWebhookId ?? "?"} (new token stored)` : (r.detail ?? "");
      console.log(`  ${pad(r.outcome, 11)} ${pad(r.event, 20)} id ${r.webhookId}  ${r.reason}${detail ? `; ${detail}` : ""}`);
    }
    if (w.error === null && w.results.length === 0) console.log("  every webhook of this service delivers");
  }
  if (report.workspaces.length === 0) console.log("nothing to repair: this service has no registrations in the config's workspaces");
  const count = (o: string) => results.filter((r) => r.outcome === o).length;
  console.log(`${count("re-enabled")} re-enabled, ${count("re-created")} re-created, ${count("left")} left, ${count("failed")} failed`);
}

async function remove(raw: unknown): Promise<void> {
  const flags = parseFlags(removeFlags, raw);
  const report = await withRegistrations(flags.pair, (s) => removeWebhooks({ ...s, ...(flags.url === undefined ? {} : { url: flags.url }) }));
  if (flags.json) console.log(JSON.stringify(report, null, 2));
  else printRemoval(report);
  process.exitCode = report.ok ? 0 : 1;
}

const pad = (s: string, n: number) => s.padEnd(n);

function describeWorkspace(w: { workspaceId: string; sourceOf: string[]; destinationOf: string[] }): string {
  const roles = [
    w.sourceOf.length > 0 ? `source of ${w.sourceOf.join(", ")}` : "",
    w.destinationOf.length > 0 ? `destination of ${w.destinationOf.join(", ")}` : "",
  ].filter(Boolean);
  return `workspace ${w.workspaceId}${roles.length > 0 ? ` (${roles.join("; ")})` : " (in no pair of the config)"}`;
}

function describePlan(plan: string | null, limit: number | null, inUse: number | null, when = ""): string {
  const parts = [
    plan === null ? "plan unknown" : `plan ${plan}`,
    limit === null ? "" : `${limit} webhooks max`,
    inUse === null ? "" : `${inUse} in use${when}`,
  ].filter(Boolean);
  return parts.join(", ");
}

function printRegistration(report: RegistrationReport): void {
  console.log(`webhooks → ${report.url}`);
  for (const w of report.workspaces) {
    console.log(`${describeWorkspace(w)} · ${describePlan(w.plan, w.limit, w.inUse, " before")}`);
    if (w.error !== null) console.log(`  error: ${w.error}`);
    for (const r of w.registered) {
      const scope = r.triggerSourceType === "USER_ID" ? `users ${r.triggerSource.join(", ")}` : "whole workspace";
      const replaced = r.replaced === null ? "" : `, replaces ${r.replaced} (scope did not cover every pair user)`;
      console.log(`  registered     ${pad(r.event, 20)} id ${r.webhookId} (${scope}${replaced})`);
    }
    for (const e of w.existing) {
      const extra = [
        e.tokenRegenerated ? "token regenerated: it was not in this service's table; a copy of its old secret in webhookSecrets no longer works" : "",
        e.disabled ?? "",
      ].filter(Boolean);
      console.log(`  already there  ${pad(e.event, 20)} id ${e.webhookId}${extra.length > 0 ? ` (${extra.join("; ")})` : ""}`);
    }
    // Left-out events mostly share one reason (the limit): each reason is printed once, under its events.
    const reasons = new Map<string, string[]>();
    for (const l of w.leftOut) reasons.set(l.reason, [...(reasons.get(l.reason) ?? []), l.event]);
    for (const [reason, events] of reasons) console.log(`  left out       ${events.join(", ")}\n${" ".repeat(17)}${reason}`);
    if (w.error === null) for (const f of w.failed) console.log(`  failed         ${pad(f.event, 20)} ${f.error}`);
    for (const note of w.notes) console.log(`  note: ${note}`);
  }
  if (report.leftOutSummary !== null) console.log(report.leftOutSummary);
  const count = (pick: (w: RegistrationReport["workspaces"][number]) => unknown[]) =>
    report.workspaces.reduce((n, w) => n + pick(w).length, 0);
  console.log(
    `${count((w) => w.registered)} registered, ${count((w) => w.existing)} already there, ` +
      `${count((w) => w.leftOut)} left out, ${count((w) => w.failed)} failed`,
  );
}

function printListing(listing: RegistrationListing): void {
  if (listing.workspaces.length === 0) {
    console.log("no workspaces and no registrations");
    return;
  }
  for (const w of listing.workspaces) {
    console.log(`${describeWorkspace(w)} · ${describePlan(w.plan, w.limit, w.inUse)}`);
    if (w.error !== null) console.log(`  error: ${w.error}`);
    for (const r of w.registrations) {
      const extra = [r.detail ?? "", r.needed ? "" : "needed by no pair"].filter(Boolean);
      console.log(
        `  ${pad(r.status, 10)} ${pad(r.event, 20)} id ${r.webhookId}  ${r.url}  since ${r.registeredAt}` +
          (extra.length > 0 ? `  (${extra.join("; ")})` : ""),
      );
    }
    for (const event of w.missing) console.log(`  ${pad("missing", 10)} ${pad(event, 20)} not registered by this service`);
    if (w.others !== null && w.others > 0) console.log(`  ${w.others} other webhook(s) in this workspace are not this service's`);
  }
  if (listing.workspaces.some((w) => w.missing.length > 0 || w.registrations.some((r) => r.status === "gone"))) {
    console.log("register creates what is missing: npm run webhooks -- register --url https://<host>/webhooks/clockify");
  }
}

function printRemoval(report: RemovalReport): void {
  if (report.workspaces.length === 0) {
    console.log("nothing to remove: this service has no registrations there");
    return;
  }
  for (const w of report.workspaces) {
    console.log(`workspace ${w.workspaceId}`);
    for (const r of w.removed) {
      console.log(`  removed   ${pad(r.event, 20)} id ${r.webhookId}  ${r.url}${r.alreadyGone ? "  (was already gone in Clockify)" : ""}`);
    }
    for (const k of w.kept) console.log(`  kept      ${pad(k.event, 20)} id ${k.webhookId}  ${k.reason}`);
    for (const f of w.failed) console.log(`  failed    ${pad(f.event, 20)} id ${f.webhookId}  ${f.error}`);
  }
  const removed = report.workspaces.reduce((n, w) => n + w.removed.length, 0);
  const kept = report.workspaces.reduce((n, w) => n + w.kept.length, 0);
  const failed = report.workspaces.reduce((n, w) => n + w.failed.length, 0);
  console.log(`${removed} removed, ${kept} kept, ${failed} failed`);
}
