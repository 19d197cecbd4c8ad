import { createClientFactory } from "../../clockify/client-factory.js";
import type { ClockifyClient } from "../../clockify/client.js";
import { ClockifyError, isNotFoundAnswer } from "../../clockify/errors.js";
import { RateLimiterRegistry } from "../../clockify/rate-limiter.js";
import type { Webhook } from "../../clockify/schemas.js";
import type { Config, PairConfig } from "../../config/schema.js";
import type { AppDatabase } from "../../db/connection.js";
import type { Logger } from "../../observability/logger.js";

/** What every webhooks command (register, list, remove) runs with. */
export interface RegistrationOptions {
  config: Config;
  database: AppDatabase;
  /** Clockify API base including /api/v1. */
  apiUrl: string;
  logger: Logger;
  /** Only this pair's workspaces. */
  pairId?: string;
  /** Tests inject clients; by default one per key with the config's rate and retry settings. */
  clientFor?: (apiKey: string) => ClockifyClient;
}

/** API keys that may manage a workspace's webhooks: the selected pairs' first, each pair's key for that side. */
export function workspaceKeys(pairs: readonly PairConfig[], workspaceId: string, pairId?: string): string[] {
  const ordered = pairId === undefined ? pairs : [...pairs.filter((p) => p.id === pairId), ...pairs.filter((p) => p.id !== pairId)];
  const keys: string[] = [];
  for (const pair of ordered) {
    if (pair.source.workspaceId === workspaceId) keys.push(pair.source.apiKey);
    if (pair.destination.workspaceId === workspaceId) keys.push(pair.destination.apiKey);
  }
  return [...new Set(keys)];
}

/** A workspace opened with a key that may manage its webhooks, and the webhooks Clockify listed. */
export interface OpenWorkspace {
  client: ClockifyClient;
  key: string;
  hooks: Webhook[];
}

/** Clients per key, and what each key has told us (plan per workspace, its user), for one command. */
export class WorkspaceAccess {
  private readonly clients = new Map<string, ClockifyClient>();
  private readonly plans = new Map<string, Promise<Map<string, string | null>>>();
  private readonly owners = new Map<string, Promise<string | null>>();
  private readonly makeClient: (apiKey: string) => ClockifyClient;

  constructor(private readonly options: RegistrationOptions) {
    const { clockify } = options.config;
    this.makeClient =
      options.clientFor ??
      createClientFactory({
        apiUrl: options.apiUrl,
        clockify,
        limiters: new RateLimiterRegistry({ requestsPerSecond: clockify.requestsPerSecond }),
      });
  }

  client(apiKey: string): ClockifyClient {
    let client = this.clients.get(apiKey);
    if (!client) {
      client = this.makeClient(apiKey);
      this.clients.set(apiKey, client);
    }
    return client;
  }

  /** The first key of the workspace's pairs that may list its webhooks (owners and admins only). */
  async open(workspaceId: string): Promise<OpenWorkspace | { error: string }> {
    const keys = workspaceKeys(this.options.config.pairs, workspaceId, this.options.pairId);
    if (keys.length === 0) return { error: "no pair in the config has this workspace, so there is no API key for it" };
    let last: unknown;
    for (const key of keys) {
      const client = this.client(key);
      try {
        return { client, key, hooks: await client.listWebhooks(workspaceId) };
      } catch (error) {
        last = error;
        if (!isAccessDenied(error)) break;
      }
    }
    const denied = isAccessDenied(last) ? " (only workspace owners and admins can manage webhooks)" : "";
    return { error: `could not list the workspace's webhooks: ${messageOf(last)}${denied}` };
  }

  /** `featureSubscriptionType` of the workspace as the key sees it; null when unknown. */
  async planOf(key: string, client: ClockifyClient, workspaceId: string): Promise<string | null> {
    let plans = this.plans.get(key);
    if (!plans) {
      plans = client.listWorkspaces().then(
        (list) => new Map(list.map((w) => [w.id, w.featureSubscriptionType ?? null])),
        (error: unknown) => {
          this.options.logger.warn({ err: messageOf(error) }, "could not read the workspaces' plans; Clockify's refusal will be the limit");
          return new Map<string, string | null>();
        },
      );
      this.plans.set(key, plans);
    }
    return (await plans).get(workspaceId) ?? null;
  }

  /** Id of the key's user; null when Clockify would not say. */
  async ownerOf(key: string, client: ClockifyClient): Promise<string | null> {
    let owner = this.owners.get(key);
    if (!owner) {
      owner = client.getCurrentUser().then(
        (u) => u.id,
        () => null,
      );
      this.owners.set(key, owner);
    }
    return owner;
  }
}

/** True when Clockify still had it; false when it was already gone. */
export async function deleteIfPresent(client: ClockifyClient, workspaceId: string, webhookId: string): Promise<boolean> {
  try {
    await client.deleteWebhook(workspaceId, webhookId);
    return true;
  } catch (error) {
    if (isNotFoundAnswer(error)) return false;
    throw error;
  }
}

/** The key may not manage this workspace's webhooks: another key of the workspace may. */
export function isAccessDenied(error: unknown): boolean {
  return error instanceof ClockifyError && (error.kind === "unauthorized" || error.kind === "forbidden");
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
