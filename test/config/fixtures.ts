import { expect } from "vitest";
import { ConfigError } from "../../src/config/index.js";

// Distinctive so a test can prove they never leak into an error message.
export const SOURCE_API_KEY = "src-key-SECRET-0001";
export const DESTINATION_API_KEY = "dst-key-SECRET-0002";
export const WEBHOOK_SECRET = "hook-SECRET-0003";
export const ALERT_WEBHOOK_URL = "https://hooks.example.com/services/T000/B000/alert-SECRET-0004";
export const SECRETS = [SOURCE_API_KEY, DESTINATION_API_KEY, WEBHOOK_SECRET, "SECRET"];

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function modernPair(id = "acme"): JsonObject {
  return {
    id,
    source: { apiKey: SOURCE_API_KEY, workspaceId: "ws-source", userId: "user-1", clientId: "client-1" },
    destination: { workspaceId: "ws-destination" },
  };
}

export function legacyPair(id = "legacy"): JsonObject {
  return {
    id,
    time_entry_source_workspace_id: "ws-source",
    time_entry_source_client_id: "client-1",
    time_entry_destination_workspace_id: "ws-destination",
    user_id: "user-1",
    token: SOURCE_API_KEY,
    project_options: '{"color": "#FF0000", "billable": true}',
  };
}

export function minimalConfig(): JsonObject {
  return { pairs: [modernPair()] };
}

/** A deep-cloned copy of `base` with each dotted path set (or deleted, for `undefined`). */
export function edited(base: JsonObject, edits: ReadonlyArray<readonly [string, Json | undefined]>): JsonObject {
  const copy = structuredClone(base);
  for (const [path, value] of edits) {
    const keys = path.split(".");
    const last = keys.pop();
    if (last === undefined) throw new Error(`bad path ${path}`);
    let node: Json = copy;
    for (const key of keys) {
      if (node === null || typeof node !== "object") throw new Error(`no object at ${path}`);
      const child: Json | undefined = Array.isArray(node) ? node[Number(key)] : node[key];
      if (child === undefined) throw new Error(`nothing at ${key} of ${path}`);
      node = child;
    }
    if (node === null || typeof node !== "object") throw new Error(`no object at ${path}`);
    if (Array.isArray(node)) {
      if (value === undefined) throw new Error("cannot delete from an array");
      node[Number(last)] = value;
    } else if (value === undefined) {
      delete node[last];
    } else {
      node[last] = value;
    }
  }
  return copy;
}

/** Runs `fn`, asserts it throws a ConfigError and that no known secret leaks into it. */
export function configErrorFrom(fn: () => unknown): ConfigError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(thrown)}`);
  for (const secret of SECRETS) expect(thrown.message).not.toContain(secret);
  return thrown;
}
