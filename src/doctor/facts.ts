import type { ClockifyClient } from "../clockify/client.js";
import type { Client, User, Workspace } from "../clockify/schemas.js";
import type { CustomField, WorkspaceDetail } from "../clockify/workspace-rules.js";
import type { PairConfig } from "../config/schema.js";
import type { ReconcileRun } from "../db/schema.js";
import type { WorkspaceListing } from "../webhooks/registration/list.js";
import { emailsToResolve } from "../sync/members.js";

/** What one read of Clockify gave: the value, or the error it failed with. */
export type Answer<T> = { ok: true; value: T } | { ok: false; error: unknown };

export type Side = "source" | "destination";

/** What one API key says about itself. Each is asked once per doctor run, however many pairs share the key. */
export interface KeyFacts {
  user: Answer<User>;
  /** Workspaces where the key's user is an owner or admin. */
  managed: Answer<Set<string>>;
  /** Every workspace the key can see: what "did you mean" offers when the configured one is not among them. */
  visible: Answer<Workspace[]>;
}

export interface SideFacts {
  key: KeyFacts;
  /** Not asked (null) when the key itself was refused. */
  workspace: Answer<WorkspaceDetail> | null;
}

/**
 * The users lookup of each email a side's members are given by (lower case), as the sync resolves them;
 * empty when the workspace was not read.
 */
export type EmailFacts = ReadonlyMap<string, Answer<User[]>>;

/** Everything the checks of one pair judge; gathered by gatherPairFacts, judged by judgePair (pure). */
export interface PairFacts {
  source: SideFacts & { clients: Answer<Client[]> | null; emails: EmailFacts };
  /** `clients`: read only when destination.clientId is set (null otherwise, or when the workspace was not read). */
  destination: SideFacts & { customFields: Answer<CustomField[]> | null; clients: Answer<Client[]> | null; emails: EmailFacts };
  /** The listing of the service's webhooks per workspace of the pair (undefined: not listed). */
  webhooks: { side: Side; workspaceId: string; listing: WorkspaceListing | undefined; lastDeliveryAt: number | null }[];
  lastRun: ReconcileRun | undefined;
}

async function answer<T>(read: () => Promise<T>): Promise<Answer<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** One doctor run's reads, shared between pairs: a key or a workspace asked about twice costs one request. */
export class FactCache {
  private readonly keys = new Map<string, Promise<KeyFacts>>();
  private readonly reads = new Map<string, Promise<Answer<unknown>>>();

  constructor(private readonly clientFor: (apiKey: string) => ClockifyClient) {}

  key(apiKey: string): Promise<KeyFacts> {
    let facts = this.keys.get(apiKey);
    if (!facts) {
      const client = this.clientFor(apiKey);
      facts = (async () => {
        const user = await answer(() => client.getCurrentUser());
        // A refused key answers nothing else: asking again would only repeat the 401.
        if (!user.ok) return { user, managed: user, visible: user };
        const [managed, visible] = await Promise.all([answer(() => client.managedWorkspaceIds()), answer(() => client.listWorkspaces())]);
        return { user, managed, visible };
      })();
      this.keys.set(apiKey, facts);
    }
    return facts;
  }

  read<T>(apiKey: string, what: string, read: (client: ClockifyClient) => Promise<T>): Promise<Answer<T>> {
    const id = `${apiKey}\u0000${what}`;
    let pending = this.reads.get(id);
    if (!pending) {
      const client = this.clientFor(apiKey);
      pending = answer(() => read(client));
      this.reads.set(id, pending);
    }
    return pending as Promise<Answer<T>>;
  }
}

async function sideFacts(cache: FactCache, apiKey: string, workspaceId: string): Promise<SideFacts> {
  const key = await cache.key(apiKey);
  if (!key.user.ok) return { key, workspace: null };
  return { key, workspace: await cache.read(apiKey, `workspace:${workspaceId}`, (c) => c.getWorkspace(workspaceId)) };
}

/** One users lookup per email and side, shared between pairs through the cache. */
async function emailFacts(cache: FactCache, pair: PairConfig, side: Side, facts: SideFacts): Promise<EmailFacts> {
  const found = new Map<string, Answer<User[]>>();
  if (!facts.workspace?.ok) return found;
  const { apiKey, workspaceId } = pair[side];
  for (const email of emailsToResolve(pair.members, side)) {
    found.set(email, await cache.read(apiKey, `users:${workspaceId}:${email}`, (c) => c.listUsers(workspaceId, { email })));
  }
  return found;
}

export interface StoredFacts {
  listings: ReadonlyMap<string, WorkspaceListing>;
  lastDeliveries: ReadonlyMap<string, number>;
  lastRun: ReconcileRun | undefined;
}

/** Reads what the checks of one pair need from Clockify; what the database knows comes in `stored`. */
export async function gatherPairFacts(pair: PairConfig, cache: FactCache, stored: StoredFacts): Promise<PairFacts> {
  const [source, destination] = await Promise.all([
    sideFacts(cache, pair.source.apiKey, pair.source.workspaceId),
    sideFacts(cache, pair.destination.apiKey, pair.destination.workspaceId),
  ]);
  const clients = source.workspace?.ok
    ? await cache.read(pair.source.apiKey, `clients:${pair.source.workspaceId}`, (c) => c.listClients(pair.source.workspaceId, {}))
    : null;
  const customFields = destination.workspace?.ok
    ? await cache.read(pair.destination.apiKey, `fields:${pair.destination.workspaceId}`, (c) => c.listCustomFields(pair.destination.workspaceId))
    : null;
  const destinationClients =
    destination.workspace?.ok && pair.destination.clientId !== undefined
      ? await cache.read(pair.destination.apiKey, `clients:${pair.destination.workspaceId}`, (c) => c.listClients(pair.destination.workspaceId, {}))
      : null;
  const [sourceEmails, destinationEmails] = await Promise.all([
    emailFacts(cache, pair, "source", source),
    emailFacts(cache, pair, "destination", destination),
  ]);
  const sides: [Side, string][] = [
    ["source", pair.source.workspaceId],
    ["destination", pair.destination.workspaceId],
  ];
  return {
    source: { ...source, clients, emails: sourceEmails },
    destination: { ...destination, customFields, clients: destinationClients, emails: destinationEmails },
    webhooks: sides.map(([side, workspaceId]) => ({
      side,
      workspaceId,
      listing: stored.listings.get(workspaceId),
      lastDeliveryAt: stored.lastDeliveries.get(workspaceId) ?? null,
    })),
    lastRun: stored.lastRun,
  };
}
