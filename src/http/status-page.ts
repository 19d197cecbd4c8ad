import { formatMemberCounts } from "../sync/reconcile/member-counts.js";
import { sha256 } from "../hash.js";
import type { StatusView } from "../status/actions.js";
import { pairWarnings, type PairStatus, type ReconcileStatus } from "../status/collect.js";
import { formatInstant } from "../status/format.js";
import { adminForm, duration, esc, when } from "./status-page-html.js";
import { renderActivity, renderBlocked, renderDeadLetters, renderProblems, renderQuota } from "./status-page-lists.js";
import { STATUS_PAGE_SCRIPT } from "./status-page-script.js";
import { STATUS_PAGE_STYLE } from "./status-page-style.js";

export { esc } from "./status-page-html.js";

/**
 * The status page: one server-rendered HTML document. Every value from the database or the config goes
 * through `esc`, so an entity id, a description or an error message can never become markup. Its one
 * script (admin buttons only) and its one stylesheet are allowed by hash; nothing else may run or load.
 */

export interface StatusPageInput {
  view: StatusView;
  /** Without an admin token the page is read-only: no forms, no script. */
  adminEnabled: boolean;
  /** A message chosen by the server (see flashMessage), shown once after an action. */
  flash?: string | undefined;
}

/** Content-Security-Policy for the page: only this script and stylesheet, fetches and forms to here. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${sha256(STATUS_PAGE_SCRIPT, "base64")}'`,
  `style-src 'sha256-${sha256(STATUS_PAGE_STYLE, "base64")}'`,
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export type FlashCode = "reconcile-started" | "reconcile-running" | "retried" | "reloaded";

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
    case "reloaded":
      return n === undefined ? undefined : reloadedMessage(n);
    default:
      return undefined;
  }
}

export function reloadedMessage(pairs: number, names?: readonly string[]): string {
  const list = names && names.length > 0 ? `: ${names.join(", ")}` : "";
  return `Config reloaded; ${pairs} pair(s) running${list}.`;
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
    ...(run.members.length > 1
      ? [fact("last-reconcile-members", "Per member", run.members.map((m) => esc(formatMemberCounts(m))).join("<br>"))]
      : []),
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
    fact("inbox-oldest", "Oldest waiting event", pair.inbox.oldestPendingAgeSeconds === null
      ? `<span class="muted">nothing waiting</span>`
      : esc(duration(pair.inbox.oldestPendingAgeSeconds * 1000))),
    fact("dead-letters", "Dead letters", esc(pair.inbox.deadLetters)),
    ...(pair.blockedCopies > 0 ? [fact("blocked-copies", "Copies blocked by a lock or approval", esc(pair.blockedCopies))] : []),
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
    `<div class="box"><table class="facts"><tbody>${rows.join("")}</tbody></table></div>` +
    `</section>`
  );
}

/** The buttons, and (with script) the token's state: asked at the first button, forgotten with the tab. */
function renderActions(adminEnabled: boolean): string {
  if (!adminEnabled) return `<p class="muted" id="read-only">Read-only: set ADMIN_TOKEN to enable the buttons.</p>`;
  return (
    `<div class="actions" id="actions">` +
    adminForm("/admin/reconcile", "Reconcile now") +
    adminForm("/admin/reload", "Reload config") +
    `<span class="js-only"><button type="button" id="refresh">Refresh</button></span>` +
    `<span class="js-only muted" id="token-state"><span id="token-missing">The admin token is asked at the first button.</span>` +
    `<span id="token-held" hidden>Admin token held for this page. <button type="button" id="token-forget">Forget it</button></span></span>` +
    `</div>`
  );
}

const TOKEN_DIALOG =
  `<dialog id="token-dialog" aria-labelledby="token-dialog-title"><form method="dialog">` +
  `<label for="token-input" id="token-dialog-title">Admin token (kept only while this page is open)</label>` +
  `<input type="password" id="token-input" required autocomplete="current-password">` +
  `<div class="buttons"><button value="use">Use token</button><button value="cancel" formnovalidate>Cancel</button></div>` +
  `</form></dialog>`;

export function renderStatusPage({ view, adminEnabled, flash }: StatusPageInput): string {
  const { report } = view;
  const now = report.generatedAt;
  const warnings = pairWarnings(report);
  const next =
    view.nextScheduledRunAt === undefined ? "" : ` · next nightly reconciliation ${when(view.nextScheduledRunAt, now)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>clockify-sync status</title>
<style>${STATUS_PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>clockify-sync</h1>
<p class="muted" id="as-of" data-live>As of ${when(now, now)}${next} · silence warning after ${esc(report.silenceHours)} h</p>
</header>
<section class="problems" id="problems" data-live>
<h2>Problems</h2>
${renderProblems(report.problems, now)}
</section>
<div class="notices" id="notices">${flash ? `<p role="status" id="flash">${esc(flash)}</p>` : ""}<p role="status" id="action-result" hidden></p></div>
${renderActions(adminEnabled)}
<section class="warnings" id="warnings" data-live>
<h2>Warnings</h2>
${warnings.length === 0 ? `<p class="muted">None.</p>` : `<ul>${warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>`}
</section>
<div id="pairs" data-live>
${report.pairs.map((p) => renderPair(p, now)).join("\n")}
</div>
<section id="recent-activity" data-live>
<h2>Recent activity</h2>
${renderActivity(report)}
</section>
<section id="quota-list" data-live>
<h2>API requests</h2>
${renderQuota(report)}
</section>
<section id="blocked-list" data-live>
<h2>Blocked copies</h2>
${renderBlocked(report)}
</section>
<section id="dead-letter-list" data-live>
<h2>Dead letters</h2>
${renderDeadLetters(report, adminEnabled)}
</section>
${adminEnabled ? `${TOKEN_DIALOG}\n<script>${STATUS_PAGE_SCRIPT}</script>` : ""}
</body>
</html>
`;
}
