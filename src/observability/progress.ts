import { monotonic } from "../clock.js";

/** Where long work reports how far it got. The sync core only ever sees this interface. */
export interface Progress {
  phase(label: string, total?: number): void;
  advance(by?: number): void;
  done(): void;
}

export const silentProgress: Progress = { phase() {}, advance() {}, done() {} };

/**
 * A bar redrawn in place on a terminal; on anything else (CI logs, pipes) a plain line every 10% or
 * every 5 s, so logs stay readable.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let label = "";
  let total: number | undefined;
  let count = 0;
  let lastLine = Number.NEGATIVE_INFINITY;
  let lastPercent = -1;
  let printed = -1;
  const render = (final = false) => {
    const now = monotonic();
    if (tty) {
      const width = 30;
      const ratio = total ? Math.min(1, count / total) : 0;
      const bar = total ? `[${"#".repeat(Math.round(ratio * width)).padEnd(width, ".")}] ${Math.round(ratio * 100)}%` : "";
      stream.write(`\r${label} ${bar} ${count}${total ? `/${total}` : ""}\u001b[K${final ? "\n" : ""}`);
      return;
    }
    const percent = total ? Math.floor((count / total) * 10) * 10 : -1;
    if (count === printed) return;
    if (final || (total !== undefined && percent > lastPercent) || now - lastLine >= 5000) {
      printed = count;
      stream.write(`${label}: ${count}${total ? `/${total} (${Math.round((count / total) * 100)}%)` : ""}\n`);
      lastLine = now;
      lastPercent = percent;
    }
  };
  return {
    phase(next, nextTotal) {
      if (label) render(true);
      label = next;
      total = nextTotal;
      count = 0;
      lastPercent = -1;
      printed = -1;
      lastLine = monotonic();
      if (tty) render();
    },
    advance(by = 1) {
      count += by;
      render();
    },
    done() {
      if (label) render(true);
      label = "";
    },
  };
}
