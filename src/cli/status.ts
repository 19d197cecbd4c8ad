import { formatMemberCounts } from "../sync/reconcile/member-counts.js";
import { describeUsage } from "../status/quota.js";
import { describePolling } from "../status/polling.js";
import { Command } from "commander";
import { withCommandSession } from "../command-session.js";
import { allWarnings, collectStatus, problemText, type BlockedItem, type PairStatus, type StatusReport } from "../status/collect.js";
import { formatDuration, formatInstant, formatRelative } from "../status/format.js";
import { runCommand } from "./run.js";

/**
 * `clockify-sync status [--pair ID] [--json]`: the status page's facts, read from the database and config
 * (the server need not run). Exit code 0 when all is well, 1 when there is any warning (a silent
 * webhook, dead letters, a failed last reconciliation), so cron or a monitor can call it; 2 for bad
 * usage or config.
 */
export function statusCommand(): Command {
  return new Command("status")
    .description("show per pair: mappings, inbox, last reconciliation, last webhooks, warnings")
    .option("--pair <id>", "only this pair")
    .option("--json", "machine-readable output (times as ISO strings), with recent activity and dead letters")
    .action((options: { pair?: string; json?: boolean }) => runCommand(() => status(options)));
}

async function status(options: { pair?: string; json?: boolean }): Promise<void> {
  let report = await withCommandSession({ name: "status", pair: options.pair }, (session) =>
    collectStatus(session.database(), session.selected, Date.now()),
  );
  if (options.pair !== undefined) report = onlyPair(report, options.pair);
  const warnings = allWarnings(report);
  console.log(options.json ? JSON.stringify(report, isoTimes, 2) : formatReport(report, warnings));
  process.exitCode = warnings.length > 0 ? 1 : 0;
}

function onlyPair(report: StatusReport, pairId: string): StatusReport {
  const deadLetters = report.deadLetters.filter((d) => d.pairId === pairId);
  const blocked = report.blocked.filter((b) => b.pairId === pairId);
  return {
    ...report,
    blocked,
    blockedTotal: report.pairs.reduce((n, p) => n + p.blockedCopies, 0),
    recentActivity: report.recentActivity.filter((a) => a.pairId === pairId),
    deadLetters,
    deadLettersTotal: report.pairs.reduce((n, p) => n + p.inbox.deadLetters, 0),
  };
}

/** JSON.stringify replacer: every `…At` millisecond timestamp becomes an ISO string. */
function isoTimes(key: string, value: unknown): unknown {
  return key.endsWith("At") && typeof value === "number" ? new Date(value).toISOString() : value;
}

const LABEL = 21;
const line = (label: string, text: string) => `  ${label.padEnd(LABEL)}${text}`;
const more = (text: string) => `  ${" ".repeat(LABEL)}${text}`;

function at(ms: number | null, now: number, none = "never"): string {
  return ms === null ? none : `${formatInstant(ms)} (${formatRelative(ms, now)})`;
}

function formatPair(p: PairStatus, now: number): string[] {
  const out = [`pair ${p.id}`];
  out.push(line("mapped projects", String(p.mappedProjects)));
  const pending = p.mappedEntries.pending > 0 ? `, ${p.mappedEntries.pending} create(s) in flight` : "";
  out.push(line("mapped entries", `${p.mappedEntries.live} live, ${p.mappedEntries.tombstones} tombstone(s)${pending}`));
  const oldest = p.inbox.oldestPendingAgeSeconds === null ? "" : `, oldest ${formatDuration(p.inbox.oldestPendingAgeSeconds * 1000)}`;
  out.push(line("inbox", `${p.inbox.depth} waiting${oldest}; ${p.inbox.deadLetters} dead letter(s)`));
  if (p.blockedCopies > 0) out.push(line("blocked copies", `${p.blockedCopies} (locked period or approved entry; listed below)`));
  const run = p.lastReconcile;
  if (!run) {
    out.push(line("last reconciliation", "none yet"));
  } else {
    const took = run.finishedAt === null ? "" : ` in ${formatDuration(run.finishedAt - run.startedAt)}`;
    out.push(line("last reconciliation", `${at(run.startedAt, now)}, ${run.trigger}: ${run.outcome}${took}`));
    const c = run.counts;
    out.push(more(`window ${formatInstant(run.windowStartAt)} – ${formatInstant(run.windowEndAt)}`));
    out.push(
      more(
        `created ${c.created}, updated ${c.updated}, deleted ${c.deleted}, adopted ${c.adopted}, ` +
          `unchanged ${c.unchanged}, failed ${c.failed}; ${run.requests} API request(s)`,
      ),
    );
    // One member is the run itself; several get a line each, so a missing person shows at a glance.
    if (run.members.length > 1) for (const member of run.members) out.push(more(formatMemberCounts(member)));
    if (run.error) out.push(more(`error: ${run.error}`));
  }
  p.workspaces.forEach((ws, i) => {
    const text = `${ws.side} ${ws.workspaceId}: ${at(ws.lastWebhookAt, now)}, ${ws.registeredWebhooks} registered webhook(s)`;
    out.push(i === 0 ? line("last webhook", text) : more(text));
  });
  for (const w of p.warnings) out.push(`  ! ${w}`);
  return out;
}

export function formatReport(report: StatusReport, warnings: string[] = allWarnings(report)): string {
  const now = report.generatedAt;
  const blocks = [`clockify-sync status at ${formatInstant(now)}`];
  // The checks' problems come before the pairs: they are what a person must fix first.
  if (report.problems.length > 0) {
    const lines = report.problems.map((p) => `  ! ${problemText(p)} (since ${formatRelative(p.failingSince, now)})`);
    blocks.push([`problems found by the checks (details: clockify-sync doctor)`, ...lines].join("\n"));
  }
  blocks.push(...report.pairs.map((p) => formatPair(p, now).join("\n")));
  if (report.blocked.length > 0) blocks.push(formatBlocked(report, now));
  const polling = report.polling;
  if (polling) {
    const at = (ms: number | null) => (ms === null ? "never" : formatRelative(ms, now));
    blocks.push(["polling (no webhooks needed)", ...polling.workspaces.map((w) => `  ${w.workspaceId}: ${describePolling(polling, w, at)}`)].join("\n"));
  }
  if (report.quota.length > 0) {
    blocks.push(["API requests per workspace", ...report.quota.map((u) => `  ${u.workspaceId}: ${describeUsage(u, (ms) => `${formatInstant(ms)} (${formatRelative(ms, now)})`)}`)].join("\n"));
  }
  blocks.push(
    warnings.length === 0
      ? "no warnings"
      : `${warnings.length} warning(s); recent activity and dead letters: npm run status -- --json, or the status page`,
  );
  return blocks.join("\n\n");
}

const BLOCKED_LISTED = 20;

/** "pair acme · entry 65f… of 2026-11-02 · blocked by lock (update) · first tried …, last …" */
export function blockedText(b: BlockedItem, now: number): string {
  const date = b.entryStartAt === null ? "unknown date" : formatInstant(b.entryStartAt);
  const tries = b.attempts === 1 ? "tried once" : `tried ${b.attempts} times`;
  return (
    `pair ${b.pairId} · entry ${b.sourceEntryId} of ${date} · blocked by ${b.kind} (${b.action}) · ` +
    `${tries}, first ${formatRelative(b.firstTriedAt, now)}, last ${formatRelative(b.lastTriedAt, now)}`
  );
}

function formatBlocked(report: StatusReport, now: number): string {
  const shown = report.blocked.slice(0, BLOCKED_LISTED);
  const rest = report.blockedTotal - shown.length;
  return [
    `blocked copies: the destination refuses them for now; the next reconciliation over their date applies them once the lock moves or the approval is withdrawn`,
    ...shown.map((b) => `  - ${blockedText(b, now)}`),
    ...(rest > 0 ? [`  … and ${rest} more (npm run status -- --json)`] : []),
  ].join("\n");
}
