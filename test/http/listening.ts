import type { Server } from "node:http";
import { connect, type Socket } from "node:net";
import type { HttpLimits } from "../../src/http/limits.js";
import { startServiceHarness, type ServiceHarness } from "../helpers/harness.js";
import { statusConfig, WS } from "../status/seed.js";

/** globex's config secret (test/status/seed.ts): a valid token for any event of its two workspaces. */
export const SECRET = "globex-secret-0123456789";
export const ADMIN_TOKEN = "admin-Token-for-hostile-traffic-tests-0001";
export const VIEW_TOKEN = "view-Token-for-hostile-traffic-tests-00002";

/** The harness while listening: the server is there. */
export interface Listening extends ServiceHarness {
  server: Server;
}

export interface ListenOptions {
  adminToken?: string;
  statusViewToken?: string;
  statusPublic?: boolean;
  http?: Partial<HttpLimits>;
  host?: string;
}

/** The real service over the status seed's config, listening on a real port (the worker runs; its Clockify calls go nowhere). */
export async function listenService(options: ListenOptions = {}): Promise<Listening> {
  const { host = "127.0.0.1", ...service } = options;
  const harness = await startServiceHarness({
    config: statusConfig(),
    listen: { host },
    prefix: "clockify-sync-hostile-",
    service: { backoff: { baseDelayMs: 1, maxDelayMs: 2 }, ...service },
  });
  const { server } = harness;
  if (!server) throw new Error("the harness was asked to listen");
  return Object.assign(harness, { server });
}

/** A valid globex entry body (source workspace WS.SRC2, user u1). */
export function globexEntry(id: string): string {
  return JSON.stringify({
    id,
    workspaceId: WS.SRC2,
    userId: "u1",
    description: "valid",
    projectId: null,
    timeInterval: { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z" },
  });
}

export function webhookHead(token: string, contentLength: number, event = "NEW_TIME_ENTRY"): string {
  return (
    `POST /webhooks/clockify HTTP/1.1\r\nHost: 127.0.0.1\r\nClockify-Signature: ${token}\r\n` +
    `Clockify-Webhook-Event-Type: ${event}\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`
  );
}

export interface RawConnection {
  socket: Socket;
  /** Everything the server sent so far. */
  answer(): string;
  /** Resolves with the milliseconds from `open` to the server closing the connection. */
  closed: Promise<number>;
}

/** A raw connection to 127.0.0.1:port, recording what comes back and when the server closes it. */
export async function rawConnection(port: number): Promise<RawConnection> {
  const started = Date.now();
  const socket = connect(port, "127.0.0.1");
  let answer = "";
  socket.setEncoding("latin1");
  socket.on("data", (chunk: string) => (answer += chunk));
  socket.on("error", () => undefined);
  const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now() - started)));
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  return { socket, answer: () => answer, closed };
}

/** The header a reverse proxy on this host adds for a client elsewhere (a documentation address). */
export const REMOTE_CLIENT = { "x-forwarded-for": "203.0.113.7" };

export async function metricsText(listening: Listening): Promise<string> {
  return listening.service.metrics.registry.metrics();
}
