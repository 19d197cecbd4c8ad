import { formatDuration, formatInstant, formatRelative } from "../status/format.js";

/** The small pieces every part of the status page is built from. Every value goes through `esc`. */

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function esc(value: string | number | null | undefined): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export function muted(text: string): string {
  return `<span class="muted">${esc(text)}</span>`;
}

/** "2026-11-20 09:00:00 UTC (3 h ago)", or a muted `never`. */
export function when(ms: number | null | undefined, now: number, never = "never"): string {
  if (ms === null || ms === undefined) return muted(never);
  return `${esc(formatInstant(ms))} <span class="muted">(${esc(formatRelative(ms, now))})</span>`;
}

export function duration(ms: number | null): string {
  return ms === null ? "" : formatDuration(ms);
}

/** One line of whitespace, at most `max` characters (code points), with "…" when cut. */
export function shorten(text: string, max: number): { text: string; cut: boolean } {
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = [...flat];
  if (chars.length <= max) return { text: flat, cut: false };
  return { text: `${chars.slice(0, max - 1).join("").trimEnd()}…`, cut: true };
}

/**
 * A list cell. The value sits in one wrapper so the phone layout (a grid of label and value, see the
 * stylesheet) gets exactly two items, whatever markup the value holds.
 */
export function cell(label: string, valueHtml: string, options: { className?: string; title?: string } = {}): string {
  const className = options.className ? ` class="${esc(options.className)}"` : "";
  const title = options.title ? ` title="${esc(options.title)}"` : "";
  return `<td data-label="${esc(label)}"${className}${title}><div>${valueHtml}</div></td>`;
}

export function headRow(labels: string[]): string {
  return `<thead><tr>${labels.map((l) => `<th scope="col">${esc(l)}</th>`).join("")}</tr></thead>`;
}

/** Without script each form carries its own token field; the page's script removes them and asks once. */
export function tokenField(): string {
  return (
    `<input type="password" name="token" class="token-field" required autocomplete="current-password" ` +
    `placeholder="admin token" aria-label="Admin token">`
  );
}

/** A form for one admin action: a POST to `action` with the token and one button. */
export function adminForm(action: string, label: string, className = "action"): string {
  return (
    `<form class="${esc(className)}" method="post" action="${esc(action)}" data-admin>${tokenField()}` +
    `<button type="submit">${esc(label)}</button></form>`
  );
}
