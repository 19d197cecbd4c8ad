/**
 * The status page's one stylesheet, allowed by its hash in the CSP. Lists are tables on a wide screen
 * and stacked cards on a phone (each cell labelled from data-label), so no column is ever cut off or
 * scrolled out of sight.
 */
export const STATUS_PAGE_STYLE = `
:root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; --warn: #b45309; --bad: #b91c1c; --ok: #15803d;
  --bad-bg: rgba(185, 28, 28, 0.08); --warn-bg: rgba(180, 83, 9, 0.08); }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; padding: 12px; max-width: 1240px; }
h1 { font-size: 1.35rem; margin: 0 0 4px; }
h2 { font-size: 1.1rem; margin: 24px 0 8px; }
.muted { color: var(--muted); }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
.notices p { padding: 8px 12px; border: 1px solid var(--ok); border-radius: 6px; margin: 8px 0; }
.notices p.refused { border-color: var(--bad); }
.warnings li { color: var(--warn); margin-bottom: 6px; overflow-wrap: anywhere; }
.problems ul { list-style: none; padding: 0; margin: 0; }
.problem { border: 1px solid var(--line); border-left: 6px solid var(--warn); background: var(--warn-bg); border-radius: 6px;
  padding: 8px 12px; margin: 0 0 8px; overflow-wrap: anywhere; }
.problem-error { border-left-color: var(--bad); background: var(--bad-bg); }
.problem .level { color: var(--warn); font-weight: 600; }
.problem-error .level { color: var(--bad); }
.problem p { margin: 4px 0; }
.box { border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
tr:last-child > th, tr:last-child > td { border-bottom: 0; }
table.facts th { font-weight: 500; width: 40%; }
table.list { font-size: 0.93rem; }
table.list td { overflow-wrap: anywhere; }
table.list .nowrap { white-space: nowrap; }
table.list .text { min-width: 9em; }
table.list .short { min-width: 5.5em; }
table.list .wide { width: 26%; }
/* An id wraps only on a phone: on a wide screen its column is as wide as the longest id. */
table.list .ids code { display: block; white-space: nowrap; font-size: 0.8em; }
.outcome-changed, .outcome-succeeded { color: var(--ok); }
.outcome-attention { color: var(--warn); }
.outcome-failed, .outcome-aborted { color: var(--bad); }
.actions { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin: 12px 0; }
form.action { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 0; }
form.inline { display: flex; flex-wrap: wrap; gap: 4px; margin: 0; }
input[type=password] { font: inherit; padding: 6px 8px; min-width: 0; width: 12em; max-width: 100%; }
button { font: inherit; padding: 6px 12px; cursor: pointer; }
.js-only { display: none; }
.js .js-only { display: inline-flex; gap: 6px; align-items: center; }
.js .token-field { display: none; }
dialog { max-width: min(28em, calc(100vw - 24px)); border: 1px solid var(--line); border-radius: 8px; }
dialog::backdrop { background: rgba(0, 0, 0, 0.35); }
dialog form { display: flex; flex-direction: column; gap: 8px; }
dialog input[type=password] { width: 100%; }
dialog .buttons { display: flex; gap: 8px; justify-content: flex-end; }
@media (max-width: 760px) {
  table.list, table.list tbody, table.list tr, table.list td { display: block; width: 100%; }
  table.list thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  table.list tr { border-bottom: 1px solid var(--line); padding: 6px 0; }
  table.list tr:last-child { border-bottom: 0; }
  table.list td { display: grid; grid-template-columns: 7.5em minmax(0, 1fr); gap: 8px; border: 0; padding: 2px 10px; }
  table.list td::before { content: attr(data-label); color: var(--muted); }
  table.list .nowrap, table.list .ids code { white-space: normal; }
  table.list .text, table.list .short { min-width: 0; }
  table.list .wide { width: 100%; }
}
`;
