import { sha256 } from "../hash.js";
import { and, asc, eq, gt, or } from "drizzle-orm";
import type { AppDatabase } from "./connection.js";
import { inbox, webhooks, type WebhookRegistration } from "./schema.js";
import { now as clockNow } from "../clock.js";

/** Lowercase hex SHA-256, the only form of a webhook token that is ever stored. */
export function hashWebhookToken(token: string): string {
  return sha256(token);
}

export interface WebhookRegistrationInput {
  workspaceId: string;
  eventType: string;
  clockifyWebhookId: string;
  url: string;
  /** The token Clockify issued; hashed here and then dropped. */
  token: string;
}

function insertRow(db: AppDatabase["db"], { token, ...registration }: WebhookRegistrationInput, now: number): WebhookRegistration {
  return db
    .insert(webhooks)
    .values({ ...registration, tokenSha256: hashWebhookToken(token), createdAt: now })
    .returning()
    .get();
}

export async function insertWebhookRegistration({ db }: AppDatabase, input: WebhookRegistrationInput, now: number = clockNow()): Promise<WebhookRegistration> {
  return insertRow(db, input, now);
}

export async function listWebhooksForWorkspace({ db }: AppDatabase, workspaceId: string): Promise<WebhookRegistration[]> {
  return db
    .select()
    .from(webhooks)
    .where(eq(webhooks.workspaceId, workspaceId))
    .orderBy(asc(webhooks.eventType), asc(webhooks.id))
    .all();
}

/**
 * Stores a registration, first dropping whatever row holds the same webhook or the same (workspace,
 * event, url): re-registering or adopting replaces the row in one transaction, never leaving two.
 */
export async function replaceWebhookRegistration(database: AppDatabase, input: WebhookRegistrationInput): Promise<WebhookRegistration> {
  return database.sqlite.transaction(() => {
    database.db
      .delete(webhooks)
      .where(
        or(
          eq(webhooks.clockifyWebhookId, input.clockifyWebhookId),
          and(eq(webhooks.workspaceId, input.workspaceId), eq(webhooks.eventType, input.eventType), eq(webhooks.url, input.url)),
        ),
      )
      .run();
    return insertRow(database.db, input, clockNow());
  })();
}

/** Every registration, grouped by workspace in the order they were made. */
export async function listAllWebhookRegistrations({ db }: AppDatabase): Promise<WebhookRegistration[]> {
  return db.select().from(webhooks).orderBy(asc(webhooks.workspaceId), asc(webhooks.id)).all();
}

export type RegisteredTokenHash = Pick<WebhookRegistration, "workspaceId" | "eventType" | "tokenSha256">;

/** What the intake needs to recognise a registered webhook's token: its hash, workspace and event. */
export async function listRegisteredTokenHashes({ db }: AppDatabase): Promise<RegisteredTokenHash[]> {
  return db
    .select({ workspaceId: webhooks.workspaceId, eventType: webhooks.eventType, tokenSha256: webhooks.tokenSha256 })
    .from(webhooks)
    .all();
}

/** Returns whether a registration was removed. */
export async function deleteWebhookByClockifyId({ db }: AppDatabase, clockifyWebhookId: string): Promise<boolean> {
  return db.delete(webhooks).where(eq(webhooks.clockifyWebhookId, clockifyWebhookId)).run().changes > 0;
}

/**
 * Whether the inbox holds a delivery with this dedupe key: a delivery Clockify logged as failed that got
 * through on a later attempt (the webhook health check asks, so it does not pull what already arrived).
 */
export async function isDeliveryStored({ db }: AppDatabase, dedupeKey: string): Promise<boolean> {
  return db.select({ id: inbox.id }).from(inbox).where(eq(inbox.dedupeKey, dedupeKey)).limit(1).get() !== undefined;
}

/** Whether any event of the entity reached the pair's inbox after `at` (epoch ms): a logged body is then older news. */
export async function receivedSince({ db }: AppDatabase, pairId: string, entityId: string, at: number): Promise<boolean> {
  return (
    db
      .select({ id: inbox.id })
      .from(inbox)
      .where(and(eq(inbox.pairId, pairId), eq(inbox.entityId, entityId), gt(inbox.receivedAt, at)))
      .limit(1)
      .get() !== undefined
  );
}
