import { createHash } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import type { AppDatabase } from "./connection.js";
import { webhooks, type WebhookRegistration } from "./schema.js";
import { now as clockNow } from "../clock.js";

/** Lowercase hex SHA-256, the only form of a webhook token that is ever stored. */
export function hashWebhookToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export interface WebhookRegistrationInput {
  workspaceId: string;
  eventType: string;
  clockifyWebhookId: string;
  url: string;
  /** The token Clockify issued; hashed here and then dropped. */
  token: string;
}

export function insertWebhookRegistration(
  { db }: AppDatabase,
  { token, ...registration }: WebhookRegistrationInput,
  now: number = clockNow(),
): WebhookRegistration {
  return db
    .insert(webhooks)
    .values({ ...registration, tokenSha256: hashWebhookToken(token), createdAt: now })
    .returning()
    .get();
}

export function listWebhooksForWorkspace({ db }: AppDatabase, workspaceId: string): WebhookRegistration[] {
  return db
    .select()
    .from(webhooks)
    .where(eq(webhooks.workspaceId, workspaceId))
    .orderBy(asc(webhooks.eventType), asc(webhooks.id))
    .all();
}

/**
 * Looks a registration up by the hash of a presented token. An indexed equality lookup is fine here
 * despite not being constant-time: timing can only reveal the hash, which doesn't yield the token.
 */
export function findWebhookByTokenHash({ db }: AppDatabase, tokenSha256: string): WebhookRegistration | undefined {
  return db.select().from(webhooks).where(eq(webhooks.tokenSha256, tokenSha256)).orderBy(asc(webhooks.id)).get();
}

export function findWebhookByToken(app: AppDatabase, token: string): WebhookRegistration | undefined {
  return findWebhookByTokenHash(app, hashWebhookToken(token));
}

/** Returns whether a registration was removed. */
export function deleteWebhookByClockifyId({ db }: AppDatabase, clockifyWebhookId: string): boolean {
  return db.delete(webhooks).where(eq(webhooks.clockifyWebhookId, clockifyWebhookId)).run().changes > 0;
}
