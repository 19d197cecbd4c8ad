import type { Config } from "../config/schema.js";
import type { CheckResult } from "./model.js";

export interface DoctorOptions {
  /** Clockify's base URL (CLOCKIFY_API_URL). */
  apiUrl: string;
  /** Only these pairs; default every pair of the config. */
  pairIds?: readonly string[];
}

/** Runs every check of every chosen pair against Clockify now. (Stub: being written.) */
export async function runDoctorChecks(config: Config, options: DoctorOptions): Promise<CheckResult[]> {
  void options;
  return config.pairs.map((pair) => ({ pairId: pair.id, check: "pending", level: "warning" as const, message: "checks not written yet" }));
}

/** The checklist doctor and setup print: one line per check, grouped by pair. */
export function formatChecklist(results: readonly CheckResult[]): string {
  return results.map((r) => `${r.level === "ok" ? "ok  " : r.level === "warning" ? "warn" : "FAIL"} ${r.pairId} ${r.check}: ${r.message}`).join("\n");
}
