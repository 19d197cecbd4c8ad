import { UsageError } from "../../config/errors.js";
import { slugPairId, unusedPairId } from "../../config/pair-id.js";
import { PAIR_ID_PATTERN } from "../../config/schema.js";
import type { Named } from "../choices.js";
import type { SetupRun } from "../contract.js";

export const PAIR_ID_RULE = "1-64 characters from A-Z a-z 0-9 _ . -";

export function checkPairId(id: string): true | string {
  return PAIR_ID_PATTERN.test(id) ? true : `a pair id is ${PAIR_ID_RULE}`;
}

export interface PairIdAnswer {
  pairId: string;
  /** The config file has a pair of that id and the user chose to replace it. */
  replacing: boolean;
}

/** The pairs already in the config file: id → what it mirrors, for messages. */
export type ExistingPairs = ReadonlyMap<string, string | undefined>;

/**
 * --pair, or asked, suggested from the client's name and never one the file has (`acme`, `acme-2`, …).
 * An id the file has is replaced only with --replace or a confirmation (default no); --yes alone never
 * replaces, since that is how a teammate's unattended setup overwrote the first member's pair.
 */
export async function choosePairId(run: SetupRun, client: Named, existing: ExistingPairs): Promise<PairIdAnswer> {
  const { ask, out } = run;
  const taken = new Set(existing.keys());
  let pairId = run.flags.pair;
  if (pairId === undefined) {
    const base = slugPairId(client.label, "pair");
    const suggested = unusedPairId(base, taken);
    pairId = run.interactive
      ? await ask.input("--pair", { message: "Pair id (your name for this mirror)", default: suggested, validate: checkPairId })
      : suggested;
    const why = suggested === base ? "from the client's name" : `from the client's name; "${base}" is taken`;
    if (!run.interactive) out.line(`✔ pair id: ${pairId} (${why}; --pair to choose)`);
  }
  if (!existing.has(pairId)) return { pairId, replacing: false };
  if (run.flags.replace === true) {
    out.line(`✔ replacing pair "${pairId}" (--replace)`);
    return { pairId, replacing: true };
  }
  if (run.flags.yes === true || !run.interactive) throw new UsageError(refusal(run, pairId, existing));
  return confirmReplace(run, pairId, taken);
}

async function confirmReplace(run: SetupRun, first: string, taken: ReadonlySet<string>): Promise<PairIdAnswer> {
  const { ask } = run;
  let pairId = first;
  while (taken.has(pairId)) {
    const replacing = await ask.confirm({
      message: `${run.deps.configPath} already has a pair "${pairId}". Replace it? (its projectOptions and webhookSecrets are kept)`,
      default: false,
    });
    if (replacing) return { pairId, replacing };
    pairId = await ask.input("--pair", {
      message: "Another pair id",
      default: unusedPairId(pairId, taken),
      validate: (value) => (taken.has(value) ? `"${value}" is taken too` : checkPairId(value)),
    });
  }
  return { pairId, replacing: false };
}

/** Why --yes stopped: which pair is in the way and the two ways on. */
function refusal(run: SetupRun, pairId: string, existing: ExistingPairs): string {
  const what = existing.get(pairId);
  const other = unusedPairId(pairId, new Set(existing.keys()));
  return (
    `${run.deps.configPath} already has a pair "${pairId}"${what === undefined ? "" : ` (${what})`}; ` +
    `${run.flags.yes === true ? "--yes" : "setup without a terminal"} never replaces a pair. ` +
    `To replace it, add --replace; to add this one beside it, choose another id: --pair ${other}. Nothing was written`
  );
}
