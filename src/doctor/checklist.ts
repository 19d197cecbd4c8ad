import type { CheckResult } from "./model.js";

const MARK = { ok: "ok  ", warning: "warn", error: "FAIL" } as const;

/** The checklist doctor and setup print: per pair, one line per check, then a one-line verdict. */
export function formatChecklist(results: readonly CheckResult[]): string {
  const pairs = [...new Set(results.map((r) => r.pairId))];
  const blocks = pairs.map((pairId) => {
    const lines = results.filter((r) => r.pairId === pairId).map((r) => `  ${MARK[r.level]}  ${r.check.padEnd(26)} ${r.message}`);
    return [`pair ${pairId}`, ...lines].join("\n");
  });
  const errors = results.filter((r) => r.level === "error").length;
  const warnings = results.filter((r) => r.level === "warning").length;
  blocks.push(
    errors > 0
      ? `${errors} error(s), ${warnings} warning(s): the pairs with errors cannot mirror until they are fixed`
      : warnings > 0
        ? `no errors, ${warnings} warning(s)`
        : "all checks passed",
  );
  return blocks.join("\n\n");
}
