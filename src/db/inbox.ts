import { and, asc, count, desc, eq, gte, inArray, isNotNull, lte, min, sql } from "drizzle-orm";
import type { AppDatabase } from "./connection.js";
import { inbox, type InboxRow, type WebhookSide } from "./schema.js";
import { now as clockNow } from "../clock.js";

export interface NewInboxEvent {
  pairId: string;
  workspaceId: string;
  side: WebhookSide;
  eventType: string;
  entityId: string;
  body: string;
  dedupeKey: string;
}

/**
 * The two statements of the webhook's hot path, prepared once per connection: building and preparing
 * them per delivery was a third of the acknowledgement's CPU time (see BENCHMARKS.md).
 */
function intakeStatements(db: AppDatabase["db"]) {
  const insert = db
    .insert(inbox)
    .values({
      pairId: sql.placeholder("pairId"),
      workspaceId: sql.placeholder("workspaceId"),
      side: sql.placeholder("side"),
      eventType: sql.placeholder("eventType"),
      entityId: sql.placeholder("entityId"),
      body: sql.placeholder("body"),
      dedupeKey: sql.placeholder("dedupeKey"),
      status: "pending",
      attempts: 0,
      availableAt: sql.placeholder("now"),
      receivedAt: sql.placeholder("now"),
    })
    .onConflictDoNothing({ target: inbox.dedupeKey })
    .prepare();
  const latestOfEntity = db
    .select({ id: inbox.id, dedupeKey: inbox.dedupeKey })
    .from(inbox)
    .where(and(eq(inbox.pairId, sql.placeholder("pairId")), eq(inbox.entityId, sql.placeholder("entityId"))))
    .orderBy(desc(inbox.id))
    .limit(1)
    .prepare();
  return { insert, latestOfEntity };
}

const preparedIntake = new WeakMap<AppDatabase["db"], ReturnType<typeof intakeStatements>>();

/**
 * Stores deliveries' events in one transaction: when this returns, they survive a crash, and only then
 * may the webhooks be acknowledged. The receiver commits the deliveries that arrived together at once,
 * because a commit per delivery was a third of the webhook's CPU time; each delivery is still counted on
 * its own, exactly as if they had been stored one after another.
 *
 * An identical redelivery hits the unique dedupe key and is skipped, unless the entity had another event
 * since: bodies carry no timestamp, so an edit back to an earlier state looks exactly like a redelivery
 * of that state, and it is news. It is stored under a key that names the event it follows, so its own
 * redeliveries are skipped again.
 */
export async function enqueueDeliveries(
  { db }: AppDatabase,
  deliveries: NewInboxEvent[][],
  now: number = clockNow(),
): Promise<{ stored: number; duplicates: number }[]> {
  let statements = preparedIntake.get(db);
  if (!statements) {
    statements = intakeStatements(db);
    preparedIntake.set(db, statements);
  }
  const { insert, latestOfEntity } = statements;
  // The statements belong to the connection, so they run inside this transaction like `tx` queries would.
  return db.transaction(() =>
    deliveries.map((events) => {
      let stored = 0;
      for (const event of events) {
        if (insert.run({ ...event, now }).changes > 0) {
          stored++;
          continue;
        }
        const latest = latestOfEntity.get({ pairId: event.pairId, entityId: event.entityId });
        const sameAsLatest =
          !latest || latest.dedupeKey === event.dedupeKey || latest.dedupeKey.startsWith(`${event.dedupeKey}:`);
        if (!sameAsLatest) stored += insert.run({ ...event, dedupeKey: `${event.dedupeKey}:${latest.id}`, now }).changes;
      }
      return { stored, duplicates: events.length - stored };
    }),
  );
}

export interface ClaimedEntity {
  pairId: string;
  entityId: string;
  /** Every pending event of the entity, oldest first; the worker applies them as one. */
  rows: InboxRow[];
}

/** One string per entity of a pair, for sets and maps; a pair id never holds a NUL, so keys never collide. */
export function entityKeyOf(pairId: string, entityId: string): string {
  return `${pairId}\u0000${entityId}`;
}

/**
 * Leases up to `limit` entities whose oldest pending event is due. An entity is claimed whole (all its
 * pending events) so a burst of edits is applied once, and an entity waiting on a retry blocks its later
 * events: per-entity order is arrival order.
 */
export async function claimEntities(
  { db }: AppDatabase,
  options: { limit: number; leaseMs: number; busy?: ReadonlySet<string>; skipPairs?: ReadonlySet<string>; scan?: number },
  now: number = clockNow(),
): Promise<ClaimedEntity[]> {
  return db.transaction((tx) => {
    const pending = tx
      .select()
      .from(inbox)
      .where(eq(inbox.status, "pending"))
      .orderBy(asc(inbox.id))
      .limit(options.scan ?? 2000)
      .all();
    const entities = new Map<string, ClaimedEntity>();
    const blocked = new Set<string>(options.busy ?? []);
    for (const row of pending) {
      const key = entityKeyOf(row.pairId, row.entityId);
      if (blocked.has(key) || options.skipPairs?.has(row.pairId)) continue;
      const claimed = entities.get(key);
      if (claimed) {
        claimed.rows.push(row);
        continue;
      }
      if (row.availableAt > now || entities.size >= options.limit) {
        blocked.add(key);
        continue;
      }
      entities.set(key, { pairId: row.pairId, entityId: row.entityId, rows: [row] });
    }
    const ids = [...entities.values()].flatMap((e) => e.rows.map((r) => r.id));
    for (let i = 0; i < ids.length; i += 500) {
      tx.update(inbox)
        .set({ status: "leased", leaseUntil: now + options.leaseMs })
        .where(inArray(inbox.id, ids.slice(i, i + 500)))
        .run();
    }
    return [...entities.values()];
  });
}

export async function completeEvents(
  { db }: AppDatabase,
  ids: number[],
  result: { outcome: string; destinationId?: string | null },
  now: number = clockNow(),
): Promise<void> {
  if (ids.length === 0) return;
  db.update(inbox)
    .set({
      status: "done",
      appliedAt: now,
      leaseUntil: null,
      lastError: null,
      waitingFor: null,
      outcome: result.outcome,
      destinationId: result.destinationId ?? null,
    })
    .where(inArray(inbox.id, ids))
    .run();
}

/** Back to pending, due at `availableAt`; counts an attempt unless the event is only parked. */
export async function rescheduleEvents(
  { db }: AppDatabase,
  ids: number[],
  options: { availableAt: number; error: string; waitingFor?: string; countAttempt: boolean },
): Promise<void> {
  if (ids.length === 0) return;
  db.update(inbox)
    .set({
      status: "pending",
      leaseUntil: null,
      availableAt: options.availableAt,
      lastError: options.error,
      waitingFor: options.waitingFor ?? null,
      ...(options.countAttempt ? { attempts: sql`${inbox.attempts} + 1` } : {}),
    })
    .where(inArray(inbox.id, ids))
    .run();
}

export async function deadLetterEvents({ db }: AppDatabase, ids: number[], error: string): Promise<void> {
  if (ids.length === 0) return;
  db.update(inbox)
    .set({ status: "dead", leaseUntil: null, lastError: error, attempts: sql`${inbox.attempts} + 1` })
    .where(inArray(inbox.id, ids))
    .run();
}

/** After a crash nothing is in flight: every lease is void. Returns how many events were released. */
export async function releaseAllLeases({ db }: AppDatabase): Promise<number> {
  return db.update(inbox).set({ status: "pending", leaseUntil: null }).where(eq(inbox.status, "leased")).run()
    .changes;
}

/** Leases that outlived a worker that stopped without releasing them. */
export async function releaseExpiredLeases({ db }: AppDatabase, now: number = clockNow()): Promise<number> {
  return db
    .update(inbox)
    .set({ status: "pending", leaseUntil: null })
    .where(and(eq(inbox.status, "leased"), lte(inbox.leaseUntil, now)))
    .run().changes;
}

/** Events parked until a project with this name is mapped for the pair become due now. */
export async function wakeWaiting({ db }: AppDatabase, pairId: string, projectName: string, now: number = clockNow()): Promise<number> {
  return db
    .update(inbox)
    .set({ availableAt: now })
    .where(and(eq(inbox.pairId, pairId), eq(inbox.status, "pending"), eq(inbox.waitingFor, projectName)))
    .run().changes;
}

/** Events of this entity already applied since `since`: what tells a stale late delivery from news. */
export async function appliedHistory(
  { db }: AppDatabase,
  pairId: string,
  entityId: string,
  since: number,
  exceptIds: number[],
): Promise<Array<Pick<InboxRow, "id" | "eventType" | "body">>> {
  return db
    .select({ id: inbox.id, eventType: inbox.eventType, body: inbox.body })
    .from(inbox)
    .where(
      and(
        eq(inbox.pairId, pairId),
        eq(inbox.entityId, entityId),
        eq(inbox.status, "done"),
        gte(inbox.receivedAt, since),
      ),
    )
    .orderBy(asc(inbox.id))
    .all()
    .filter((row) => !exceptIds.includes(row.id));
}

export interface InboxStats {
  /** pending + leased */
  depth: number;
  oldestPendingReceivedAt: number | null;
  dead: number;
}

export async function inboxStats({ db }: AppDatabase, pairId?: string): Promise<InboxStats> {
  const byPair = pairId === undefined ? undefined : eq(inbox.pairId, pairId);
  const open = db
    .select({ n: count(), oldest: min(inbox.receivedAt) })
    .from(inbox)
    .where(and(inArray(inbox.status, ["pending", "leased"]), byPair))
    .get();
  const dead = db
    .select({ n: count() })
    .from(inbox)
    .where(and(eq(inbox.status, "dead"), byPair))
    .get();
  return { depth: open?.n ?? 0, oldestPendingReceivedAt: open?.oldest ?? null, dead: dead?.n ?? 0 };
}

export async function listDeadLetters({ db }: AppDatabase, pairId?: string): Promise<InboxRow[]> {
  return db
    .select()
    .from(inbox)
    .where(and(eq(inbox.status, "dead"), pairId === undefined ? undefined : eq(inbox.pairId, pairId)))
    .orderBy(asc(inbox.id))
    .all();
}

/** Dead letters back to pending with a fresh attempt budget. `ids` undefined means all of them. */
export async function requeueDeadLetters({ db }: AppDatabase, ids?: number[], now: number = clockNow()): Promise<number> {
  return db
    .update(inbox)
    .set({ status: "pending", attempts: 0, availableAt: now, lastError: null, leaseUntil: null })
    .where(and(eq(inbox.status, "dead"), ids === undefined ? undefined : inArray(inbox.id, ids)))
    .run().changes;
}

export async function recentlyApplied({ db }: AppDatabase, limit = 50): Promise<InboxRow[]> {
  return db
    .select()
    .from(inbox)
    .where(and(eq(inbox.status, "done"), isNotNull(inbox.appliedAt)))
    .orderBy(desc(inbox.appliedAt), desc(inbox.id))
    .limit(limit)
    .all();
}

/** Finished events older than `before` are only history; dead ones stay until someone looks at them. */
export async function pruneInbox({ db }: AppDatabase, before: number): Promise<number> {
  return db
    .delete(inbox)
    .where(and(inArray(inbox.status, ["done", "ignored"]), lte(inbox.receivedAt, before)))
    .run().changes;
}
