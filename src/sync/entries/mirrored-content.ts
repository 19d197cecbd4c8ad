import { sha256 } from "../../hash.js";
import type { TimeEntry, TimeEntryRequest } from "../../clockify/schemas.js";
import type { DestinationEntry } from "../model.js";

/** Clockify stores seconds; comparing at that precision keeps "…:00Z" and "…:00.000Z" equal. */
export function normalizeInstant(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return value;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
}

/** Stable fingerprint of mirrored content: equal content, equal hash, whatever the key order. */
export function contentHash(entry: DestinationEntry): string {
  const canonical = [
    normalizeInstant(entry.start),
    normalizeInstant(entry.end),
    entry.description,
    entry.billable ? "1" : "0",
    entry.projectId,
    entry.taskId ?? "",
    [...entry.tagIds].sort().join(","),
    // Only when not REGULAR: the hashes of regular copies stay those stored before types were mirrored.
    ...(entry.type ? [entry.type] : []),
  ].join("\u0000");
  return sha256(canonical);
}

/** The full-replacement body for create and PUT. */
export function toRequest(entry: DestinationEntry): TimeEntryRequest {
  return {
    start: normalizeInstant(entry.start),
    end: normalizeInstant(entry.end),
    description: entry.description,
    billable: entry.billable,
    projectId: entry.projectId,
    ...(entry.taskId ? { taskId: entry.taskId } : {}),
    tagIds: [...entry.tagIds].sort(),
    ...(entry.type ? { type: entry.type } : {}),
  };
}

/**
 * What a destination entry read from the API holds, in mirror terms; null for running or project-less
 * ones and for types the service never writes (time off): none of them is a copy.
 */
export function fromDestination(entry: TimeEntry): DestinationEntry | null {
  if (!entry.timeInterval.end || !entry.projectId) return null;
  const type = entry.type ?? "REGULAR";
  if (type !== "REGULAR" && type !== "BREAK") return null;
  return {
    userId: entry.userId,
    start: normalizeInstant(entry.timeInterval.start),
    end: normalizeInstant(entry.timeInterval.end),
    description: entry.description,
    billable: entry.billable,
    projectId: entry.projectId,
    taskId: entry.taskId ?? null,
    tagIds: [...entry.tagIds].sort(),
    ...(type === "BREAK" ? { type } : {}),
  };
}
