import { sha256 } from "../hash.js";
import type { StatusView } from "../status/actions.js";
import { allWarnings, type PairStatus, type ReconcileStatus, type StatusReport } from "../status/collect.js";
import { formatDuration, formatInstant, formatRelative } from "../status/format.js";

/**
 * The status page: one server-rendered HTML document, no script. Every value from the database or the
 * config goes through `esc`, so an entity id or error message can never become markup.
 */

export interface StatusPageInput {
  view: StatusView;
  /** Without an admin token the page is read-only: no forms at all. */
  adminEnabled: boolean;
  /** A message chosen by the server (see flashMessage), shown once after an action. */
  flash?: string | undefined;
}

const STYLE = `
:root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; --warn: #b45309; --bad: #b91c1c; --ok: #15803d; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; padding: 12px; max-width: 1100px; }
h1 { font-size: 1.35rem; margin: 0 0 4px; }
h2 { font-size: 1.1rem; margin: 24px 0 8px; }
.muted { color: var(--muted); }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
.flash { padding: 8px 12px; border: 1px solid var(--ok); border-radius: 6px; }
.warnings li { color: var(--warn); margin-bottom: 6px; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
tr:last-child > th, tr:last-child > td { border-bottom: 0; }
table.list th, table.list td { white-space: nowrap; }
table.list td.wrap { white-space: normal; min-width: 16em; overflow-wrap: anywhere; }
table.facts th { font-weight: 500; width: 40%; }
.outcome-succeeded { color: var(--ok); }
.outcome-failed, .outcome-aborted { color: var(--bad); }
form.action { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 8px 0; }
form.inline { display: flex; gap: 4px; margin: 0; }
input[type=password] { font: inherit; padding: 6px 8px; min-width: 0; width: 12em; }
button { font: inherit; padding: 6px 12px; cursor: pointer; }
`;

/** Content-Security-Policy for the page: no script at all, only this exact stylesheet, forms to here. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${sha256(STYLE, "base64")}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function esc(value: string | number | null | undefined): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export type FlashCode = "reconcile-started" | "reconcile-running" | "retried";

/** The only texts a flash can show: the query names one of them, it never carries the text itself. */
export function flashMessage(code: unknown, count: unknown): string | undefined {
  const n = typeof count === "string" && /^\d{1,9}$/.test(count) ? Number(count) : undefined;
  switch (code) {
    case "reconcile-started":
      return "Reconciliation started. It runs in the background and shows under \u201clast reconciliation\u201d when it is done; reload to see it.";
    case "reconcile-running":
      return "A reconciliation started from this page is still running; nothing new was started.";
    case "retried":
      if (n === undefined) return undefined;
      return n === 0
        ? "Nothing was retried: no such dead letter (perhaps it was retried already)."
        : `${n} dead letter(s) queued again; the worker picks them up at once.`;
    default:
      return undefined;
  }
}

function when(ms: number | null | undefined, now: number, never = "never"): string {
  if (ms === null || ms === undefined) return `<span class="muted">${esc(never)}</span>`;
  return `${esc(formatInstant(ms))} <span class="muted">(${esc(formatRelative(ms, now))})</span>`;
}

function duration(ms: number | null): string {
  return ms === null ? "" : formatDuration(ms);
}

function age(seconds: number | null): string {
  return seconds === null ? `<span class="muted">nothing waiting</span>` : esc(duration(seconds * 1000));
}

function tokenField(): string {
  return (
    `<input type="password" name="token" required autocomplete="current-password" ` +
    `placeholder="admin token" aria-label="Admin token">`
  );
}

function fact(name: string, label: string, valueHtml: string): string {
  return `<tr><th scope="row">${esc(label)}</th><td data-fact="${esc(name)}">${valueHtml}</td></tr>`;
}

function renderRun(run: ReconcileStatus | null, now: number): string {
  if (!run) return fact("last-reconcile", "Last reconciliation", `<span class="muted">none yet</span>`);
  const c = run.counts;
  const counts = `created ${c.created}, updated ${c.updated}, deleted ${c.deleted}, adopted ${c.adopted}, unchanged ${c.unchanged}, failed ${c.failed}`;
  return [
    fact("last-reconcile", "Last reconciliation", `${when(run.startedAt, now)} · ${esc(run.trigger)}`),
    fact("last-reconcile-outcome", "Outcome", `<span class="outcome-${esc(run.outcome)}">${esc(run.outcome)}</span>` +
      (run.finishedAt === null ? "" : ` <span class="muted">in ${esc(duration(run.finishedAt - run.startedAt))}</span>`)),
    fact("last-reconcile-window", "Window", `${esc(formatInstant(run.windowStartAt))} – ${esc(formatInstant(run.windowEndAt))}`),
    fact("last-reconcile-counts", "Counts", esc(counts)),
    fact("last-reconcile-requests", "API requests", esc(run.requests)),
    ...(run.error ? [fact("last-reconcile-error", "Error", `<code>${esc(run.error)}</code>`)] : []),
  ].join("");
}

function renderPair(pair: PairStatus, now: number): string {
  const rows = [
    fact("mapped-projects", "Mapped projects", esc(pair.mappedProjects)),
    fact("entries-live", "Mapped entries (live)", esc(pair.mappedEntries.live)),
    fact("entries-tombstones", "Tombstones (deleted in the source)", esc(pair.mappedEntries.tombstones)),
    ...(pair.mappedEntries.pending > 0
      ? [fact("entries-pending", "Creates in flight", esc(pair.mappedEntries.pending))]
      : []),
    fact("inbox-depth", "Inbox depth", esc(pair.inbox.depth)),
    fact("inbox-oldest", "Oldest waiting event", age(pair.inbox.oldestPendingAgeSeconds)),
    fact("dead-letters", "Dead letters", esc(pair.inbox.deadLetters)),
    renderRun(pair.lastReconcile, now),
    ...pair.workspaces.map((ws) =>
      fact(
        `last-webhook-${ws.side}`,
        `Last webhook from the ${ws.side} workspace`,
        `${when(ws.lastWebhookAt, now)}<br><code>${esc(ws.workspaceId)}</code> ` +
          `<span class="muted">· ${esc(ws.registeredWebhooks)} registered webhook(s)</span>`,
      ),
    ),
  ];
  return (
    `<section class="pair" data-pair="${esc(pair.id)}">` +
    `<h2>Pair <code>${esc(pair.id)}</code></h2>` +
    `<div class="scroll"><table class="facts"><tbody>${rows.join("")}</tbody></table></div>` +
    `</section>`
  );
}

function renderActivity(report: StatusReport): string {
  if (report.recentActivity.length === 0) return `<p class="muted">No event applied lately.</p>`;
  const rows = report.recentActivity.map(
    (a) =>
      `<tr><td>${when(a.appliedAt, report.generatedAt)}</td><td>${esc(a.pairId)}</td><td>${esc(a.eventType)}</td>` +
      `<td><code>${esc(a.entityId)}</code></td><td><code>${esc(a.destinationId ?? "")}</code></td>` +
      `<td>${esc(a.outcome ?? "")}</td><td>${esc(duration(a.latencyMs))}</td></tr>`,
  );
  return (
    `<div class="scroll"><table class="list" id="activity"><thead><tr><th>Applied</th><th>Pair</th><th>Event</th>` +
    `<th>Source entity</th><th>Destination</th><th>Outcome</th><th>Latency</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table></div>`
  );
}

function renderDeadLetters(report: StatusReport, adminEnabled: boolean): string {
  if (report.deadLettersTotal === 0) return `<p class="muted">No dead letters.</p>`;
  const rows = report.deadLetters.map(
    (d) =>
      `<tr data-dead-letter="${esc(d.id)}"><td>${esc(d.id)}</td><td>${esc(d.pairId)}</td><td>${esc(d.eventType)}</td>` +
      `<td><code>${esc(d.entityId)}</code></td><td>${esc(d.attempts)}</td><td>${when(d.receivedAt, report.generatedAt)}</td>` +
      `<td class="wrap">${esc(d.lastError ?? "")}</td>` +
      (adminEnabled
        ? `<td><form class="inline" method="post" action="/admin/deadletters/${esc(d.id)}/retry">${tokenField()}` +
          `<button type="submit">Retry</button></form></td>`
        : "") +
      `</tr>`,
  );
  const more =
    report.deadLettersTotal > report.deadLetters.length
      ? `<p class="muted">Showing the oldest ${report.deadLetters.length} of ${report.deadLettersTotal}; npm run deadletter -- list shows all.</p>`
      : "";
  const retryAll = adminEnabled
    ? `<form class="action" method="post" action="/admin/deadletters/retry-all">${tokenField()}` +
      `<button type="submit">Retry all ${esc(report.deadLettersTotal)}</button></form>`
    : "";
  return (
    `<div class="scroll"><table class="list" id="dead-letters"><thead><tr><th>#</th><th>Pair</th><th>Event</th>` +
    `<th>Entity</th><th>Attempts</th><th>Received</th><th>Last error</th>${adminEnabled ? "<th></th>" : ""}</tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table></div>${more}${retryAll}`
  );
}

export function renderStatusPage({ view, adminEnabled, flash }: StatusPageInput): string {
  const { report } = view;
  const now = report.generatedAt;
  const warnings = allWarnings(report);
  const next =
    view.nextScheduledRunAt === undefined ? "" : ` · next nightly reconciliation ${when(view.nextScheduledRunAt, now)}`;
  const actions = adminEnabled
    ? `<form class="action" method="post" action="/admin/reconcile">${tokenField()}` +
      `<button type="submit">Reconcile now</button></form>`
    : `<p class="muted" id="read-only">Read-only: set ADMIN_TOKEN to enable the buttons.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>clockify-sync status</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>clockify-sync</h1>
<p class="muted">As of ${when(now, now)}${next} · silence warning after ${esc(report.silenceHours)} h</p>
</header>
${flash ? `<p class="flash" role="status" id="flash">${esc(flash)}</p>` : ""}
<section class="warnings" id="warnings">
<h2>Warnings</h2>
${warnings.length === 0 ? `<p class="muted">None.</p>` : `<ul>${warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>`}
</section>
${actions}
${report.pairs.map((p) => renderPair(p, now)).join("\n")}
<section>
<h2>Recent activity</h2>
${renderActivity(report)}
</section>
<section>
<h2>Dead letters</h2>
${renderDeadLetters(report, adminEnabled)}
</section>
</body>
</html>
`;
}
