import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { inbox, type InboxRow } from "../../../src/db/schema.js";
import { registerMirrorWebhooks, startMirror, type MirrorEnv, type MirrorOptions } from "../../helpers/mirror.js";

/** Route template of the destination create (the key owner creates its own entries). */
export const CREATE_ENTRY = { method: "POST", route: "/v1/workspaces/{workspaceId}/time-entries" } as const;
export const UPDATE_ENTRY = { method: "PUT", route: "/v1/workspaces/{workspaceId}/time-entries/{id}" } as const;
export const DELETE_ENTRY = { method: "DELETE", route: "/v1/workspaces/{workspaceId}/time-entries/{id}" } as const;

export function inboxRows(m: MirrorEnv): InboxRow[] {
  return m.database.db.select().from(inbox).all();
}

/**
 * Inbox rows that the worker still has to apply. Parked rows (waiting for a project) are not counted, nor
 * the later rows of a parked entry, which wait behind it.
 */
export function openInboxRows(m: MirrorEnv): InboxRow[] {
  const open = inboxRows(m).filter((r) => r.status === "pending" || r.status === "leased");
  const parked = new Set(open.filter((r) => r.waitingFor !== null).map((r) => `${r.pairId}/${r.entityId}`));
  return open.filter((r) => !parked.has(`${r.pairId}/${r.entityId}`));
}

/** Polls `check` until it holds; fails with `what` when it never does. Bounded waiting, not a timing claim. */
export async function waitUntil(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

/**
 * Like the harness's settle(), without its fixed pauses, and stricter: returns once Clockify has no
 * delivery pending, the worker is idle and no inbox row is due or scheduled for a retry (parked rows
 * excepted), three checks in a row. settle() alone returns while a retry is scheduled for later.
 */
export async function settle(m: MirrorEnv, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let calm = 0; calm < 3; ) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the mirror to settle");
    await m.sim.deliveries.idle();
    await m.service.worker.idle();
    await new Promise((r) => setTimeout(r, 2));
    const busy = m.sim.deliveries.pending > 0 || openInboxRows(m).length > 0;
    calm = busy ? 0 : calm + 1;
  }
}

/** POSTs one webhook delivery to `url` as Clockify would; resolves to the status code. */
export async function postDelivery(url: string, delivery: Omit<CapturedDelivery, "entityId">): Promise<number> {
  const res = await request(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "clockify-signature": delivery.token,
      "clockify-webhook-event-type": delivery.event,
    },
    body: delivery.body,
  });
  await res.body.dump();
  return res.statusCode;
}

export interface CapturedDelivery {
  event: string;
  token: string;
  body: string;
  /** `id` of the body: the entry or project the event is about. */
  entityId: string;
}

/**
 * A webhook endpoint between the simulator and the service. The simulator delivers to the relay (which
 * always answers 200 once it has dealt with the delivery); the relay forwards each delivery to the
 * service `copies` times at once, or holds it until the test releases it in the order it wants.
 */
export class Relay {
  readonly seen: CapturedDelivery[] = [];
  held: CapturedDelivery[] = [];
  hold = false;
  copies = 1;
  /** Status codes the service answered to forwarded deliveries. */
  readonly answers: number[] = [];
  private server: Server | undefined;

  constructor(private readonly target: string) {}

  async listen(): Promise<string> {
    const server = createServer((req, res) => void this.onRequest(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/relay`;
  }

  /** Forwards the held deliveries matching `pick` (all by default) in the order given, one after another. */
  async release(pick: (d: CapturedDelivery) => boolean = () => true, order?: (a: CapturedDelivery, b: CapturedDelivery) => number): Promise<void> {
    const chosen = this.held.filter(pick);
    this.held = this.held.filter((d) => !pick(d));
    if (order) chosen.sort(order);
    for (const delivery of chosen) await this.forward(delivery);
  }

  async forward(delivery: CapturedDelivery, copies = this.copies): Promise<number[]> {
    const statuses = await Promise.all(Array.from({ length: copies }, () => postDelivery(this.target, delivery)));
    this.answers.push(...statuses);
    return statuses;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const header = (name: string) => {
      const value = req.headers[name];
      return (Array.isArray(value) ? value[0] : value) ?? "";
    };
    const parsed = JSON.parse(body) as { id?: unknown };
    const delivery: CapturedDelivery = {
      event: header("clockify-webhook-event-type"),
      token: header("clockify-signature"),
      body,
      entityId: typeof parsed.id === "string" ? parsed.id : "",
    };
    this.seen.push(delivery);
    try {
      if (this.hold) this.held.push(delivery);
      else await this.forward(delivery);
      res.statusCode = 200;
    } catch {
      res.statusCode = 502;
    }
    res.end();
  }
}

export interface RelayedMirror {
  m: MirrorEnv;
  relay: Relay;
  close(): Promise<void>;
}

/**
 * The harness with the same webhooks as `startMirror()` registers, but pointing at a relay the test
 * controls instead of at the service.
 */
export async function startRelayedMirror(options: Omit<MirrorOptions, "register"> = {}): Promise<RelayedMirror> {
  const m = await startMirror({ ...options, register: false });
  const relay = new Relay(m.webhookUrl);
  const url = await relay.listen();
  await registerMirrorWebhooks(m, m.database, url);
  await m.service.tokens.reload();
  return {
    m,
    relay,
    async close() {
      await relay.close();
      await m.close();
    },
  };
}
