import { PAIR_ID_PATTERN } from "../../config/schema.js";
import type { Named } from "../choices.js";
import type { SetupRun } from "../contract.js";

export const PAIR_ID_RULE = "1-64 characters from A-Z a-z 0-9 _ . -";

export function checkPairId(id: string): true | string {
  return PAIR_ID_PATTERN.test(id) ? true : `a pair id is ${PAIR_ID_RULE}`;
}

/** A pair id made from a client name: "Customer Co." → "customer-co". */
export function slugPairId(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 64)
    .replace(/[-.]+$/g, "");
  return PAIR_ID_PATTERN.test(slug) ? slug : "pair";
}

export interface PairIdAnswer {
  pairId: string;
  /** The config file has a pair of that id and the user chose to replace it. */
  replacing: boolean;
}

/** --pair, or asked (suggested from the client's name); an id the file has already is replaced only when confirmed. */
export async function choosePairId(run: SetupRun, client: Named, existingIds: ReadonlySet<string>): Promise<PairIdAnswer> {
  const { ask, out } = run;
  let pairId = run.flags.pair;
  if (pairId === undefined) {
    const suggested = slugPairId(client.label);
    pairId = run.interactive
      ? await ask.input("--pair", { message: "Pair id (your name for this mirror)", default: suggested, validate: checkPairId })
      : suggested;
    if (!run.interactive) out.line(`✔ pair id: ${pairId} (from the client's name; --pair to choose)`);
  }
  let replacing = false;
  while (existingIds.has(pairId)) {
    replacing = await ask.confirm({
      message: `${run.deps.configPath} already has a pair "${pairId}". Replace it? (its projectOptions and webhookSecrets are kept)`,
      default: false,
    });
    if (replacing) break;
    pairId = await ask.input("--pair", {
      message: "Another pair id",
      validate: (value) => (existingIds.has(value) ? `"${value}" is taken too` : checkPairId(value)),
    });
  }
  return { pairId, replacing };
}
