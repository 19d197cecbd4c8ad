import { PAIR_ID_PATTERN } from "./schema.js";

/** A pair id made from a client name: "Customer Co." → "customer-co"; `fallback` when nothing usable is left. */
export function slugPairId(name: string | undefined, fallback = "pair-1"): string {
  const slug = (name ?? "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 64)
    .replace(/[-.]+$/g, "");
  return PAIR_ID_PATTERN.test(slug) ? slug : fallback;
}

/**
 * `base`, or `base-2`, `base-3`, … whichever is not taken: a teammate's setup next to a pair made from
 * the same client adds its own instead of landing on the first one's id. Stays within 64 characters.
 */
export function unusedPairId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const id = `${base.slice(0, 64 - suffix.length).replace(/[-.]+$/g, "")}${suffix}`;
    if (!taken.has(id)) return id;
  }
}
