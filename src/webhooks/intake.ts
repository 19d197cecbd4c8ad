import { sha256 } from "../hash.js";
import type { z } from "zod";
import type { PairConfig } from "../config/schema.js";
import type { NewInboxEvent } from "../db/inbox.js";
import { mayMirrorSourceUser } from "../sync/members.js";
import type { TokenScope } from "./tokens.js";
import {
  batchDeletedBodySchema,
  entryEventBodySchema,
  eventTypeSchema,
  isEntryEvent,
  isProjectEvent,
  projectEventBodySchema,
  type BatchDeletedBody,
} from "./events.js";

export interface DeliveryHeaders {
  /** `Clockify-Signature` header */
  token: string | undefined;
  /** `Clockify-Webhook-Event-Type` header */
  eventType: string | undefined;
  /** The sender's address; only counted in the summary of rejections, never decides anything. */
  from?: string | undefined;
}

export interface Delivery extends DeliveryHeaders {
  body: Buffer;
}

export type Rejection = { kind: "reject"; status: 400 | 401; error: string };

export type IntakeDecision =
  | Rejection
  | { kind: "ignore"; reason: string }
  | { kind: "store"; events: NewInboxEvent[] };

export type Screening = Rejection | { kind: "pass"; scope: TokenScope; type: string };

/** What the intake looks a delivery up in: the configured pairs and the webhook tokens. */
export interface IntakeLookups {
  pairs: readonly PairConfig[];
  /** What the token speaks for; undefined when the token is unknown. */
  identify(token: string): TokenScope | undefined;
}

/**
 * Decides what a delivery becomes: rejected (nothing stored), acknowledged and dropped, or inbox events,
 * one per pair that has the workspace on the side the event concerns. No I/O beyond the token lookup.
 */
export function interpretDelivery(delivery: Delivery, lookups: IntakeLookups): IntakeDecision {
  const screened = screenHeaders(delivery, lookups);
  if (screened.kind === "reject") return screened;
  return interpretBody(screened.type, delivery.body.toString("utf8"), screened.scope, lookups.pairs);
}

/**
 * What a body of a known sender (`scope`) and event type becomes: the part of interpretDelivery after the
 * headers. Also what a failed delivery's logged body becomes (webhooks/health): the same body gives the
 * same dedupe key, so a delivery that got through after all is not stored twice.
 */
export function interpretBody(type: string, body: string, scope: TokenScope, pairs: readonly PairConfig[]): IntakeDecision {
  const entry = isEntryEvent(type);
  if (!entry && !isProjectEvent(type)) return { kind: "ignore", reason: `event ${type} is not used` };

  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: "reject", status: 400, error: "body is not valid JSON" };
  }
  if (type === "TIME_ENTRY_DELETED" && !entryEventBodySchema.safeParse(json).success) {
    const batch = batchDeletedBodySchema.safeParse(json);
    if (batch.success) return batchDeletion(batch.data, body, scope, pairs);
  }
  const parsed = entry ? parseBody(entryEventBodySchema, json, type) : parseBody(projectEventBodySchema, json, type);
  if ("error" in parsed) return { kind: "reject", status: 400, error: parsed.error };
  const { id, workspaceId } = parsed.value;
  if (!scope.workspaces.has(workspaceId)) {
    return { kind: "reject", status: 400, error: "workspaceId does not match the webhook's workspace" };
  }

  const targets =
    "userId" in parsed.value
      ? entryTargets(pairs, workspaceId, parsed.value.userId)
      : projectTargets(pairs, workspaceId, type, parsed.value.clientId);
  if (targets.length === 0) return { kind: "ignore", reason: "no pair concerns this event" };
  return {
    kind: "store",
    events: targets.map(({ pair, side }) => ({
      pairId: pair.id,
      workspaceId,
      side,
      eventType: type,
      entityId: id,
      body,
      dedupeKey: sha256([pair.id, side, type, body].join("\u0000")),
    })),
  };
}

/**
 * A delete body listing ids (a guessed bulk-delete shape, see batchDeletedBodySchema) becomes one event
 * per id and pair, each keyed by its id so the ids of one body are not taken for duplicates of each other.
 * The body says only that something happened to them: the worker reads each id from the source.
 */
function batchDeletion(batch: BatchDeletedBody, body: string, scope: TokenScope, pairs: readonly PairConfig[]): IntakeDecision {
  // A bare array names no workspace: only a token of one workspace says which.
  const only = scope.workspaces.size === 1 ? [...scope.workspaces][0] : undefined;
  const workspaceId = batch.workspaceId ?? only;
  if (workspaceId === undefined) {
    return { kind: "reject", status: 400, error: "invalid TIME_ENTRY_DELETED body: (root): a list of ids needs a workspaceId" };
  }
  if (!scope.workspaces.has(workspaceId)) {
    return { kind: "reject", status: 400, error: "workspaceId does not match the webhook's workspace" };
  }
  const { userId } = batch;
  const targets = pairs.filter((p) => p.source.workspaceId === workspaceId && (userId === null || mayMirrorSourceUser(p, userId)));
  if (targets.length === 0) return { kind: "ignore", reason: "no pair concerns this event" };
  const type = "TIME_ENTRY_DELETED";
  return {
    kind: "store",
    events: targets.flatMap((pair) =>
      [...new Set(batch.ids)].map((entityId) => ({
        pairId: pair.id,
        workspaceId,
        side: "source" as const,
        eventType: type,
        entityId,
        body,
        dedupeKey: sha256([pair.id, "source", type, entityId, body].join("\u0000")),
      })),
    ),
  };
}

/**
 * The part of the decision the headers alone settle: who sends (token) and what (event type). The HTTP
 * route runs it before reading any body byte, so a stranger's body is never read, let alone buffered.
 */
export function screenHeaders(headers: DeliveryHeaders, lookups: Pick<IntakeLookups, "identify">): Screening {
  // 401 says nothing more: an unknown caller learns neither why nor which part was wrong.
  if (!headers.token) return { kind: "reject", status: 401, error: "unauthorized" };
  const scope = lookups.identify(headers.token);
  if (!scope) return { kind: "reject", status: 401, error: "unauthorized" };

  if (!headers.eventType) return { kind: "reject", status: 400, error: "missing Clockify-Webhook-Event-Type header" };
  const eventType = eventTypeSchema.safeParse(headers.eventType.trim());
  if (!eventType.success) return { kind: "reject", status: 400, error: "invalid Clockify-Webhook-Event-Type header" };
  const type = eventType.data;
  // A registered webhook's token only ever carries the event it was registered for (API-NOTES §2).
  if (scope.events && !scope.events.has(type)) {
    return { kind: "reject", status: 400, error: "event type does not match the webhook's registration" };
  }
  return { kind: "pass", scope, type };
}

function parseBody<T>(schema: z.ZodType<T>, json: unknown, type: string): { value: T } | { error: string } {
  const parsed = schema.safeParse(json);
  if (parsed.success) return { value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid";
  return { error: `invalid ${type} body: ${where}` };
}

type Target = { pair: PairConfig; side: "source" | "destination" };

/**
 * Entries matter to the pairs mirroring that user out of that workspace; their client (and a member given
 * by email) is checked by the worker.
 */
function entryTargets(pairs: readonly PairConfig[], workspaceId: string, userId: string): Target[] {
  return pairs
    .filter((p) => p.source.workspaceId === workspaceId && mayMirrorSourceUser(p, userId))
    .map((pair) => ({ pair, side: "source" }));
}

/**
 * Destination projects flow to every pair mirroring into that workspace; a new source project matters to
 * the pairs whose client it belongs to.
 */
function projectTargets(pairs: readonly PairConfig[], workspaceId: string, type: string, clientId: string | null): Target[] {
  const targets: Target[] = [];
  for (const pair of pairs) {
    if (pair.destination.workspaceId === workspaceId) targets.push({ pair, side: "destination" });
    if (type === "NEW_PROJECT" && pair.source.workspaceId === workspaceId && pair.source.clientId === clientId) {
      targets.push({ pair, side: "source" });
    }
  }
  return targets;
}
