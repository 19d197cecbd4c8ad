import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../../src/config/index.js";
import type { AppDatabase } from "../../src/db/connection.js";
import { openAndMigrate } from "../../src/db/migrate.js";
import type { Logger } from "../../src/observability/logger.js";
import { createService, type Service, type ServiceOptions } from "../../src/service.js";
import { memoryLogger, type LogRecord } from "./logs.js";

/** Nothing listens at this address: a call to Clockify fails fast (and nothing on a route may make one). */
export const NO_CLOCKIFY_URL = "http://127.0.0.1:9/api/v1";

/** What a test may set of the service beyond what every harness gives it (config, Clockify, database, logger). */
export type ServiceSettings = Omit<Partial<ServiceOptions>, "config" | "apiUrl" | "database" | "logger">;

/** A temp directory with a migrated SQLite file in it, and a memory logger: what every harness starts from. */
export interface TestStore {
  dir: string;
  databasePath: string;
  database: AppDatabase;
  logger: Logger;
  logs: string[];
  records(): LogRecord[];
  /** Closes the database and removes the directory. */
  close(): Promise<void>;
}

export async function openStore(prefix = "clockify-sync-test-"): Promise<TestStore> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const databasePath = join(dir, "sync.db");
  const database = openAndMigrate(databasePath);
  return {
    dir,
    databasePath,
    database,
    ...memoryLogger(),
    async close() {
      database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The real service over a store, with client backoffs short enough for tests unless `settings` says otherwise. */
export function serviceOver(
  store: Pick<TestStore, "database" | "logger">,
  config: Config,
  apiUrl: string,
  settings: ServiceSettings = {},
): Service {
  return createService({
    config,
    apiUrl,
    database: store.database,
    logger: store.logger,
    // The background checks would add requests to every test's Clockify counts; tests of them switch them on.
    checks: { enabled: false },
    ...settings,
    backoff: { baseDelayMs: 5, maxDelayMs: 50, ...settings.backoff },
  });
}

export interface ServiceHarnessOptions {
  config: Config;
  /** Where Clockify is (the simulator's apiBaseUrl); default NO_CLOCKIFY_URL. */
  apiUrl?: string;
  service?: ServiceSettings;
  /**
   * Listen on a free port of 127.0.0.1 (or of `host`): the worker and the schedule run. Without it only
   * `service.app` answers (supertest drives it) and whatever intake stores stays in the inbox.
   */
  listen?: boolean | { host: string };
  /** Of the temp directory's name, to tell a leftover's test apart. */
  prefix?: string;
}

export interface ServiceHarness extends Omit<TestStore, "close"> {
  config: Config;
  service: Service;
  /** While listening: the server, its port and `http://127.0.0.1:port`; 0 and "" otherwise. */
  server: Server | undefined;
  port: number;
  base: string;
  /**
   * A process restart, as abrupt as one process allows: the HTTP server goes first, cutting requests in
   * flight, then the worker (it can only be drained: an await in progress cannot be killed), then the
   * database handle. After `downMs` a new service (empty caches, locks and limiter) opens the same file
   * and listens on the same port; `service` and `database` are the new ones afterwards.
   */
  restart(options?: { downMs?: number }): Promise<void>;
  /** Waits for a run the status page started, stops the service, closes the database, removes the directory. */
  close(): Promise<void>;
}

/** The service under test, in this process, over a fresh temp database, with every log line kept. */
export async function startServiceHarness(options: ServiceHarnessOptions): Promise<ServiceHarness> {
  const store = await openStore(options.prefix);
  const apiUrl = options.apiUrl ?? NO_CLOCKIFY_URL;
  const host = typeof options.listen === "object" ? options.listen.host : "127.0.0.1";
  const boot = async (database: AppDatabase, port: number) => {
    const service = serviceOver({ database, logger: store.logger }, options.config, apiUrl, options.service);
    const server = options.listen ? await service.listen(port, host) : undefined;
    return { service, server, port: server ? (server.address() as AddressInfo).port : 0 };
  };
  const first = await boot(store.database, 0);
  const harness: ServiceHarness = {
    ...store,
    ...first,
    config: options.config,
    base: first.server ? `http://127.0.0.1:${first.port}` : "",
    async restart({ downMs = 0 } = {}) {
      const server = harness.server;
      if (server) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
      }
      await harness.service.stop();
      harness.database.close();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      harness.database = openAndMigrate(harness.databasePath);
      Object.assign(harness, await boot(harness.database, harness.port));
      await harness.service.tokens.reload();
    },
    async close() {
      await harness.service.statusActions.idle();
      await harness.service.stop();
      harness.database.close();
      await rm(harness.dir, { recursive: true, force: true });
    },
  };
  return harness;
}
