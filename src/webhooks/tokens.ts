import { timingSafeEqual } from "node:crypto";
import { elapsedSince, monotonic } from "../clock.js";
import type { PairConfig } from "../config/schema.js";
import type { AppDatabase } from "../db/connection.js";
import { hashWebhookToken, listRegisteredTokenHashes } from "../db/webhooks.js";

interface KnownToken {
  digest: Buffer;
  /** Workspaces a delivery signed with this token may come from. */
  workspaces: Set<string>;
  /** Events its webhook was registered for; null for config secrets, whose webhook we never saw. */
  events: Set<string> | null;
}

export interface TokenScope {
  workspaces: ReadonlySet<string>;
  events: ReadonlySet<string> | null;
}

/** Digests are compared as bytes; the hex form is the one stored for registered webhooks. */
const digestOf = (token: string) => Buffer.from(hashWebhookToken(token), "hex");

/**
 * The webhook tokens the service accepts: signing secrets from the config, and the tokens of webhooks it
 * registered (stored only as SHA-256). A presented token is hashed and compared with every known digest
 * by timingSafeEqual, equal-length buffers, no early exit, so timing reveals nothing about near misses.
 */
export class TokenBook {
  private known: KnownToken[] = [];
  private loadedAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | undefined;
  /** The pairs `known` was built for; refresh() waits until they are the pairs in effect. */
  private loadedFor: readonly PairConfig[] | undefined;

  constructor(
    private pairs: readonly PairConfig[],
    private readonly database: AppDatabase,
    /** A registration made by the CLI shows up here at most this much later (a miss reloads). */
    private readonly reloadAfterMs = 1000,
  ) {
    // Read at once; should it fail, the first delivery reads again (its loadedAt is still -Infinity).
    this.reload().catch(() => undefined);
  }

  /** A reloaded config: secrets of removed pairs, and registrations in workspaces no pair uses, stop working at once. */
  usePairs(pairs: readonly PairConfig[]): Promise<void> {
    this.pairs = pairs;
    // A read in flight was for the old pairs: the next refresh reads again, and that read is the one kept.
    this.loadedAt = Number.NEGATIVE_INFINITY;
    this.reading = undefined;
    return this.refresh();
  }

  async reload(): Promise<void> {
    const pairs = this.pairs;
    const configured = new Set(pairs.flatMap((p) => [p.source.workspaceId, p.destination.workspaceId]));
    const byDigest = new Map<string, KnownToken>();
    const add = (digest: Buffer, workspaces: Iterable<string>, event: string | null) => {
      const key = digest.toString("hex");
      const entry = byDigest.get(key) ?? { digest, workspaces: new Set<string>(), events: new Set<string>() };
      for (const ws of workspaces) entry.workspaces.add(ws);
      if (event === null) entry.events = null;
      else entry.events?.add(event);
      byDigest.set(key, entry);
    };
    // A secret pasted into the config may belong to a webhook of any event in either workspace of its pair.
    for (const pair of pairs) {
      for (const secret of pair.webhookSecrets) {
        add(digestOf(secret), [pair.source.workspaceId, pair.destination.workspaceId], null);
      }
    }
    for (const row of await listRegisteredTokenHashes(this.database)) {
      // A workspace no pair mirrors any more: its webhooks' deliveries are refused like a stranger's.
      if (!configured.has(row.workspaceId)) continue;
      add(Buffer.from(row.tokenSha256, "hex"), [row.workspaceId], row.eventType);
    }
    // Pairs replaced meanwhile (a reload of the config): this read is stale, and usePairs started another.
    if (pairs !== this.pairs) return;
    this.known = [...byDigest.values()];
    this.loadedFor = pairs;
    this.loadedAt = monotonic();
  }

  /**
   * Re-reads the registrations when they are older than `reloadAfterMs`, so one added or removed by the
   * CLI takes effect that fast; callers await it before identify(). Deliveries that arrive together
   * share one read.
   */
  async refresh(): Promise<void> {
    if (elapsedSince(this.loadedAt) < this.reloadAfterMs && this.loadedFor === this.pairs) return;
    // A read that began before usePairs is for the old pairs and stores nothing: then another is waited for.
    do {
      if (!this.reading) {
        const read: Promise<void> = this.reload().finally(() => {
          if (this.reading === read) this.reading = undefined;
        });
        this.reading = read;
      }
      await this.reading;
    } while (this.loadedFor !== this.pairs);
  }

  /** identify() after a refresh(): what a caller with no pure decision in between wants. */
  async lookup(token: string): Promise<TokenScope | undefined> {
    await this.refresh();
    return this.identify(token);
  }

  /** What the token may speak for, or undefined when it is not a token we know (as of the last refresh). */
  identify(token: string): TokenScope | undefined {
    const digest = digestOf(token);
    let found: KnownToken | undefined;
    for (const known of this.known) {
      if (timingSafeEqual(digest, known.digest)) found = known;
    }
    return found && { workspaces: found.workspaces, events: found.events };
  }
}
