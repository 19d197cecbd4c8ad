import type { Config } from "../../config/schema.js";
import type { CheckResult } from "../../doctor/model.js";
import { formatChecklist, runDoctorChecks } from "../../doctor/run.js";
import type { SetupRun } from "../contract.js";

/**
 * The last words of setup: doctor's checklist for the new pair, so whatever would stop it mirroring
 * (a key without rights, a locked period, a required tag) is seen now rather than at the first copy.
 * The checks only report; the file is written either way.
 */
export async function doctorStep(run: SetupRun, config: Config, pairId: string): Promise<CheckResult[] | "failed"> {
  const { out } = run;
  const again = `npm run doctor -- --pair ${pairId}`;
  out.line();
  out.line(`Checks of pair "${pairId}" (again any time: ${again}):`);
  try {
    const results = await runDoctorChecks(config, { apiUrl: run.runtime.apiUrl, pairIds: [pairId] });
    out.line(formatChecklist(results));
    return results;
  } catch (error) {
    out.warn(`the checks could not run: ${error instanceof Error ? error.message : String(error)}; later: ${again}`);
    return "failed";
  }
}
