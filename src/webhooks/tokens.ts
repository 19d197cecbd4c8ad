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

  constructor(
    private pairs: readonly PairConfig[],
    private readonly database: AppDatabase,
    /** A registration made by the CLI shows up here at most this much later (a miss reloads). */
    private readonly reloadAfterMs = 1000,
  ) {
    this.reload();
  }

  /** A reloaded config: secrets of removed pairs, and registrations in workspaces no pair uses, stop working at once. */
  usePairs(pairs: readonly PairConfig[]): void {
    this.pairs = pairs;
    this.reload();
  }

  reload(): void {
    const configured = new Set(this.pairs.flatMap((p) => [p.source.workspaceId, p.destination.workspaceId]));
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
    for (const pair of this.pairs) {
      for (const secret of pair.webhookSecrets) {
        add(digestOf(secret), [pair.source.workspaceId, pair.destination.workspaceId], null);
      }
    }
    for (const row of listRegisteredTokenHashes(this.database)) {
      // A workspace no pair mirrors any more: its webhooks' deliveries are refused like a stranger's.
      if (!configured.has(row.workspaceId)) continue;
      add(Buffer.from(row.tokenSha256, "hex"), [row.workspaceId], row.eventType);
    }
    this.known = [...byDigest.values()];
    this.loadedAt = monotonic();
  }

  /**
   * What the token may speak for, or undefined when it is not a token we know. The registrations are
   * re-read at most every `reloadAfterMs`, so one added or removed by the CLI takes effect that fast.
   */
  identify(token: string): TokenScope | undefined {
    if (elapsedSince(this.loadedAt) >= this.reloadAfterMs) this.reload();
    return this.match(token);
  }

  private match(token: string): TokenScope | undefined {
    const digest = digestOf(token);
    let found: KnownToken | undefined;
    for (const known of this.known) {
      if (timingSafeEqual(digest, known.digest)) found = known;
    }
    return found && { workspaces: found.workspaces, events: found.events };
  }
}
