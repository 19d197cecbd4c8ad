import { badRequest } from "../errors.js";
import { parseInstant } from "../time.js";

/** Query-string readers with the live API's quirks (page <= 0 means 1, page-size capped at 5000). */

export const MAX_PAGE_SIZE = 5000;

export interface Paging {
  page: number;
  pageSize: number;
}

function integer(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`Failed to convert value of type 'java.lang.String' to required type 'int'; For input string: "${raw}"`);
  return Number(raw);
}

export function paging(query: URLSearchParams, defaultSize = 50): Paging {
  const page = integer(query, "page") ?? 1;
  const pageSize = integer(query, "page-size") ?? defaultSize;
  if (pageSize > MAX_PAGE_SIZE) throw badRequest("Page size cannot be larger than 5,000.");
  if (pageSize < 1) throw badRequest("Page size must be at least 1.");
  return { page: Math.max(1, page), pageSize };
}

export function paginate<T>(items: readonly T[], p: Paging): T[] {
  const from = (p.page - 1) * p.pageSize;
  return items.slice(from, from + p.pageSize);
}

export function flag(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw badRequest(`Invalid boolean value for ${name}: ${raw}`);
}

/** Accepts both `a,b` and repeated `name=a&name=b` (and `name[]=`). */
export function list(query: URLSearchParams, name: string): string[] | undefined {
  const values = [...query.getAll(name), ...query.getAll(`${name}[]`)];
  if (values.length === 0) return undefined;
  return values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
}

export function text(query: URLSearchParams, name: string): string | undefined {
  const raw = query.get(name);
  return raw === null || raw === "" ? undefined : raw;
}

export function instant(query: URLSearchParams, name: string): number | undefined {
  const raw = text(query, name);
  if (raw === undefined) return undefined;
  const ms = parseInstant(raw);
  if (ms === undefined) throw badRequest(`${name} must be in yyyy-MM-ddTHH:mm:ssZ format`);
  return ms;
}

export function nameMatches(name: string, needle: string | undefined, strict: boolean | undefined): boolean {
  if (needle === undefined) return true;
  const a = name.toLowerCase();
  const b = needle.toLowerCase();
  return strict ? a === b : a.includes(b);
}

export function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name.localeCompare(b.name);
}
