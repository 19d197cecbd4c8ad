import type { CheckProblem } from "../doctor/model.js";
import type { ActivityItem, StatusReport } from "../status/collect.js";
import { describeUsage } from "../status/quota.js";
import { describePolling } from "../status/polling.js";
import { formatEntryDuration, formatInstant, formatInZone, formatRelative } from "../status/format.js";
import { adminForm, cell, duration, esc, headRow, muted, shorten, when } from "./status-page-html.js";

/** The page's lists: the checks' problems, recent activity, blocked copies, dead letters. */

const DESCRIPTION_SHOWN = 80;
const NOTHING = muted("—");

export function renderProblems(problems: readonly CheckProblem[], now: number): string {
  if (problems.length === 0) return `<p class="muted">No problems found by the checks.</p>`;
  const items = problems.map(
    (p) =>
      `<li class="problem problem-${esc(p.level)}" data-pair="${esc(p.pairId)}" data-check="${esc(p.check)}">` +
      `<strong class="level">${p.level === "error" ? "Error" : "Warning"}</strong> · pair <code>${esc(p.pairId)}</code>` +
      ` · <code>${esc(p.check)}</code><p>${esc(p.message)}</p>` +
      `<span class="muted">failing since ${esc(formatInstant(p.failingSince))} (${esc(formatRelative(p.failingSince, now))})` +
      ` · last checked ${esc(formatRelative(p.checkedAt, now))}</span></li>`,
  );
  return `<ul>${items.join("")}</ul>`;
}

function descriptionCell(a: ActivityItem): string {
  const className = "text wide";
  if (a.subject !== "entry" || a.description === null) return cell("Description", NOTHING, { className });
  if (a.description.trim() === "") return cell("Description", muted("(no description)"), { className });
  const short = shorten(a.description, DESCRIPTION_SHOWN);
  return cell("Description", esc(short.text), { className, ...(short.cut ? { title: a.description } : {}) });
}

function projectCell(a: ActivityItem): string {
  if (a.projectName !== null) return cell("Project", esc(a.projectName), { className: "text" });
  return cell("Project", a.subject === "entry" ? muted("(no project)") : NOTHING, { className: "text" });
}

function entryTimeCells(a: ActivityItem, timeZone: string): string {
  if (a.startAt === null) return cell(`Start (${timeZone})`, NOTHING) + cell("Duration", NOTHING);
  const start = cell(`Start (${timeZone})`, esc(formatInZone(a.startAt, timeZone)), { className: "nowrap", title: formatInstant(a.startAt) });
  const length = a.durationMs === null ? muted("running") : esc(formatEntryDuration(a.durationMs));
  return start + cell("Duration", length, { className: "nowrap" });
}

function appliedCell(a: ActivityItem, now: number): string {
  if (a.appliedAt === null) return cell("Applied", NOTHING);
  const after = a.latencyMs === null ? "" : `<br>${muted(`after ${duration(a.latencyMs)}`)}`;
  return cell("Applied", esc(formatRelative(a.appliedAt, now)) + after, {
    className: "nowrap",
    title: `applied ${formatInstant(a.appliedAt)}, received ${formatInstant(a.receivedAt)}`,
  });
}

function activityRow(a: ActivityItem, report: StatusReport): string {
  const ids = `<code>${esc(a.entityId)}</code>` + (a.destinationId ? `<code>→ ${esc(a.destinationId)}</code>` : "");
  return (
    `<tr data-event="${esc(a.id)}">` +
    appliedCell(a, report.generatedAt) +
    cell("Pair", esc(a.pairId), { className: "short" }) +
    cell("Event", esc(a.eventLabel), { className: "nowrap", title: a.eventType }) +
    descriptionCell(a) +
    projectCell(a) +
    entryTimeCells(a, report.timeZone) +
    cell("Outcome", esc(a.outcomeLabel), { className: `text outcome-${a.outcomeTone}`, title: a.outcome ?? "" }) +
    cell("Ids", ids, { className: "ids", title: `inbox event #${a.id}` }) +
    `</tr>`
  );
}

export function renderActivity(report: StatusReport): string {
  if (report.recentActivity.length === 0) return `<p class="muted">No event applied lately.</p>`;
  const head = headRow(["Applied", "Pair", "Event", "Description", "Project", `Start (${report.timeZone})`, "Duration", "Outcome", "Ids"]);
  const rows = report.recentActivity.map((a) => activityRow(a, report));
  return `<div class="box"><table class="list" id="activity">${head}<tbody>${rows.join("")}</tbody></table></div>`;
}

export function renderDeadLetters(report: StatusReport, adminEnabled: boolean): string {
  if (report.deadLettersTotal === 0) return `<p class="muted">No dead letters.</p>`;
  const rows = report.deadLetters.map(
    (d) =>
      `<tr data-dead-letter="${esc(d.id)}">` +
      cell("#", esc(d.id)) +
      cell("Pair", esc(d.pairId), { className: "short" }) +
      cell("Event", esc(d.eventType)) +
      cell("Entity", `<code>${esc(d.entityId)}</code>`) +
      cell("Attempts", esc(d.attempts)) +
      cell("Received", when(d.receivedAt, report.generatedAt)) +
      cell("Last error", esc(d.lastError ?? ""), { className: "text" }) +
      (adminEnabled ? cell("", adminForm(`/admin/deadletters/${d.id}/retry`, "Retry", "inline")) : "") +
      `</tr>`,
  );
  const more =
    report.deadLettersTotal > report.deadLetters.length
      ? `<p class="muted">Showing the oldest ${report.deadLetters.length} of ${report.deadLettersTotal}; npm run deadletter -- list shows all.</p>`
      : "";
  const retryAll = adminEnabled
    ? `<div class="actions">${adminForm("/admin/deadletters/retry-all", `Retry all ${report.deadLettersTotal}`)}</div>`
    : "";
  const head = headRow(["#", "Pair", "Event", "Entity", "Attempts", "Received", "Last error", ...(adminEnabled ? [""] : [])]);
  return (
    `<div class="box"><table class="list" id="dead-letters">${head}<tbody>${rows.join("")}</tbody></table></div>` +
    `${more}${retryAll}`
  );
}

/** Requests per workspace against its limits: where an hourly budget is spent, what waits and until when. */
export function renderQuota(report: StatusReport): string {
  if (report.quota.length === 0) return `<p class="muted">No workspace configured.</p>`;
  const items = report.quota.map(
    (u) => `<li data-workspace="${esc(u.workspaceId)}"><code>${esc(u.workspaceId)}</code>: ${esc(describeUsage(u, (ms) => `${formatInstant(ms)} (${formatRelative(ms, report.generatedAt)})`))}</li>`,
  );
  const polling = report.polling;
  const polls = polling
    ? polling.workspaces.map((w) => `<li>Polling <code>${esc(w.workspaceId)}</code>: ${esc(describePolling(polling, w, (ms) => (ms === null ? "never" : formatRelative(ms, report.generatedAt))))}</li>`)
    : [];
  return `<ul id="quota">${[...items, ...polls].join("")}</ul>`;
}

/** Copies a locked period or an approved entry refuses: nothing to do here, they follow when the block lifts. */
export function renderBlocked(report: StatusReport): string {
  if (report.blockedTotal === 0) return `<p class="muted">No copy is blocked by a lock or an approval.</p>`;
  const rows = report.blocked.map(
    (b) =>
      `<tr data-blocked="${esc(b.sourceEntryId)}">` +
      cell("Pair", esc(b.pairId), { className: "short" }) +
      cell("Entry", `<code>${esc(b.sourceEntryId)}</code>`) +
      cell("Entry date", b.entryStartAt === null ? NOTHING : esc(formatInZone(b.entryStartAt, report.timeZone)), { className: "nowrap" }) +
      cell("Blocked by", esc(b.kind === "lock" ? "locked period" : "approval"), { title: b.message }) +
      cell("Change", esc(b.action)) +
      cell("First tried", when(b.firstTriedAt, report.generatedAt)) +
      cell("Last tried", when(b.lastTriedAt, report.generatedAt)) +
      `</tr>`,
  );
  const more =
    report.blockedTotal > report.blocked.length
      ? `<p class="muted">Showing ${report.blocked.length} of ${report.blockedTotal}; npm run status -- --json lists them.</p>`
      : "";
  const head = headRow(["Pair", "Entry", "Entry date", "Blocked by", "Change", "First tried", "Last tried"]);
  return (
    `<p class="muted">The destination refuses these copies for now. The next reconciliation over their date applies them once the lock date moves or the approval is withdrawn.</p>` +
    `<div class="box"><table class="list" id="blocked">${head}<tbody>${rows.join("")}</tbody></table></div>${more}`
  );
}
