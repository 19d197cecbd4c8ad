/**
 * Child process for the webhook benchmark: serves either the real webhook endpoint (createService, app.listen
 * without the worker, so nothing drains the inbox and nothing calls Clockify) or a bare Express handler.
 * Talks to the parent over IPC: sends { ready, port, token, workspaceId, userId }; answers "count" with the
 * inbox row count.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { count } from "drizzle-orm";
import express from "express";
import { parseConfig } from "../../src/config/index.js";
import { openDatabase } from "../../src/db/connection.js";
import { openAndMigrate } from "../../src/db/migrate.js";
import { inbox } from "../../src/db/schema.js";
import { insertWebhookRegistration } from "../../src/db/webhooks.js";
import { discardingLogger } from "../helpers/logs.js";
import { createService } from "../../src/service.js";

const kind = process.argv[2] === "bare" ? "bare" : process.argv[2] === "unsynced" ? "unsynced" : "real";
const PATH = "/webhooks/clockify";
const ids = {
  sourceWs: "5f6c023f6bf23143e1a9782e",
  destinationWs: "6f6c023f6bf23143e1a9782f",
  userId: "5f6c023d6bf23143e1a97822",
  clientId: "5f6c023d6bf23143e1a97900",
};
const token = "bench-webhook-token-0123456789abcdef";

const send = (message: unknown) => process.send?.(message);

/** 2xx answers the server finished sending: what "acknowledged" means for the sender. */
let acknowledged = 0;

async function listen(app: express.Express): Promise<Server> {
  const handler: RequestListener = (req, res) => {
    res.on("finish", () => {
      if (res.statusCode >= 200 && res.statusCode < 300) acknowledged++;
    });
    app(req, res);
  };
  return new Promise<Server>((resolve, reject) => {
    const s = createServer(handler);
    s.listen(0, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
}

if (kind === "bare") {
  const app = express();
  app.disable("x-powered-by");
  app.post(PATH, (_req, res) => {
    res.status(200).json({});
  });
  const server = await listen(app);
  process.on("message", (m) => {
    if (m === "count") send({ count: 0, acknowledged });
    if (m === "exit") server.close(() => process.exit(0));
  });
  send({ ready: true, port: (server.address() as AddressInfo).port, token, workspaceId: ids.sourceWs, userId: ids.userId });
} else {
  const dir = await mkdtemp(join(tmpdir(), "clockify-sync-bench-"));
  const database = openAndMigrate(join(dir, "sync.db"));
  const config = parseConfig(
    {
      pairs: [
        {
          id: "acme",
          source: { apiKey: "bench-api-key", workspaceId: ids.sourceWs, userId: ids.userId, clientId: ids.clientId },
          destination: { workspaceId: ids.destinationWs },
        },
      ],
    },
    {},
  );
  // Logs go where production would send them (a stream), but are discarded: the benchmark measures the service.
  const logger = discardingLogger("info");
  // "unsynced" measures what durable acks cost: the intake connection as it was before, without an fsync per commit.
  const intakeDatabase = kind === "unsynced" ? openDatabase(join(dir, "sync.db"), { busyTimeoutMs: 100, synchronous: "NORMAL" }) : undefined;
  const service = createService({ config, apiUrl: "http://127.0.0.1:9", database, logger, ...(intakeDatabase ? { intakeDatabase } : {}) });
  await insertWebhookRegistration(database, {
    workspaceId: ids.sourceWs,
    eventType: "NEW_TIME_ENTRY",
    clockifyWebhookId: "bench-hook",
    url: `http://127.0.0.1${PATH}`,
    token,
  });
  await service.tokens.reload();
  const server = await listen(service.app);
  process.on("message", (m) => {
    if (m === "count") send({ count: database.db.select({ n: count() }).from(inbox).get()?.n ?? 0, acknowledged });
    if (m === "exit") {
      server.closeAllConnections();
      server.close(() => {
        database.close();
        void rm(dir, { recursive: true, force: true }).then(() => process.exit(0));
      });
    }
  });
  send({ ready: true, port: (server.address() as AddressInfo).port, token, workspaceId: ids.sourceWs, userId: ids.userId });
}
