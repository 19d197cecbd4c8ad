import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AppDatabase } from "../../src/db/connection.js";
import { openAndMigrate } from "../../src/db/migrate.js";
import type { HttpLimits } from "../../src/http/limits.js";
import { memoryLogger } from "../helpers/logs.js";
import { createService, type Service } from "../../src/service.js";
import { statusConfig, WS } from "../status/seed.js";

/** globex's config secret (test/status/seed.ts): a valid token for any event of its two workspaces. */
export const SECRET = "globex-secret-0123456789";
export const ADMIN_TOKEN = "admin-Token-for-hostile-traffic-tests-0001";
export const VIEW_TOKEN = "view-Token-for-hostile-traffic-tests-00002";

export interface Listening {
  service: Service;
  database: AppDatabase;
  server: Server;
  port: number;
  /** http://127.0.0.1:port */
  base: string;
  logs: string[];
  close(): Promise<void>;
}

export interface ListenOptions {
  adminToken?: string;
  statusViewToken?: string;
  statusPublic?: boolean;
  http?: Partial<HttpLimits>;
  host?: string;
}

/** The real service, listening on a real port (the worker runs; its Clockify calls go nowhere). */
export async function listenService(options: ListenOptions = {}): Promise<Listening> {
  const dir = await mkdtemp(join(tmpdir(), "clockify-sync-hostile-"));
  const database = openAndMigrate(join(dir, "sync.db"));
  const { logger, logs } = memoryLogger();
  const service = createService({
    config: statusConfig(),
    apiUrl: "http://127.0.0.1:9/api/v1",
    database,
    logger,
    backoff: { baseDelayMs: 1, maxDelayMs: 2 },
    adminToken: options.adminToken,
    statusViewToken: options.statusViewToken,
    statusPublic: options.statusPublic,
    ...(options.http ? { http: options.http } : {}),
  });
  const server = await service.listen(0, options.host ?? "127.0.0.1");
  const port = (server.address() as AddressInfo).port;
  return {
    service,
    database,
    server,
    port,
    base: `http://127.0.0.1:${port}`,
    logs,
    async close() {
      await service.statusActions.idle();
      await service.stop();
      database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
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
