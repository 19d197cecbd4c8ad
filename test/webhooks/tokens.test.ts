import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseConfig, type PairConfig } from "../../src/config/index.js";
import type { AppDatabase } from "../../src/db/connection.js";
import { openAndMigrate } from "../../src/db/migrate.js";
import { deleteWebhookByClockifyId, hashWebhookToken, insertWebhookRegistration } from "../../src/db/webhooks.js";
import { TokenBook, type TokenScope } from "../../src/webhooks/tokens.js";

const SECRET_A = "cfg-secret-pair-a-0f8e2c4d6b1a3957";
const SECRET_SHARED = "cfg-secret-shared-93d1c7a5e2f04b68";
const REGISTERED = "Qm3Xv8Kp1Lz6Wc9Rt4Yb7Nd2Hs5Gf0Ja";
const LATE = "Lt5Rg8Wq2Zx7Cv1Bn4Mk9Jh3Df6Sa0Pe";
const SECOND_LATE = "Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc";

const pairs: readonly PairConfig[] = parseConfig(
  {
    pairs: [
      {
        id: "a",
        source: { apiKey: "k", workspaceId: "ws-a-src", userId: "u", clientId: "c" },
        destination: { workspaceId: "ws-a-dst" },
        webhookSecrets: [SECRET_A, SECRET_SHARED],
      },
      {
        id: "b",
        source: { apiKey: "k", workspaceId: "ws-b-src", userId: "u", clientId: "c" },
        destination: { workspaceId: "ws-b-dst" },
        webhookSecrets: [SECRET_SHARED],
      },
    ],
  },
  {},
).pairs;

let dir: string;
let dbPath: string;
let database: AppDatabase;
let webhookIds = 0;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "clockify-sync-tokens-"));
  dbPath = join(dir, "sync.db");
  database = openAndMigrate(dbPath);
});
afterEach(() => {
  vi.useRealTimers();
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

async function register(token: string, workspaceId: string): Promise<string> {
  webhookIds += 1;
  const clockifyWebhookId = `wh-${webhookIds}`;
  await insertWebhookRegistration(database, { workspaceId, eventType: "NEW_TIME_ENTRY", clockifyWebhookId, url: "https://sync.example/webhooks/clockify", token });
  return clockifyWebhookId;
}

const sorted = (scope: TokenScope | undefined) => (scope ? [...scope.workspaces].sort() : undefined);

describe("TokenBook", () => {
  it("identifies a config secret as either workspace of its pair", async () => {
    const book = new TokenBook(pairs, database);
    expect(sorted(await book.lookup(SECRET_A))).toEqual(["ws-a-dst", "ws-a-src"]);
  });

  it("gives a secret shared by two pairs all four of their workspaces", async () => {
    const book = new TokenBook(pairs, database);
    expect(sorted(await book.lookup(SECRET_SHARED))).toEqual(["ws-a-dst", "ws-a-src", "ws-b-dst", "ws-b-src"]);
  });

  it("identifies a registered token as its webhook's workspace only", async () => {
    await register(REGISTERED, "ws-b-dst");
    const book = new TokenBook(pairs, database);
    expect(sorted(await book.lookup(REGISTERED))).toEqual(["ws-b-dst"]);
  });

  it("merges a registered token that equals a config secret", async () => {
    await register(SECRET_A, "ws-b-src");
    const book = new TokenBook(pairs, database);
    expect(sorted(await book.lookup(SECRET_A))).toEqual(["ws-a-dst", "ws-a-src", "ws-b-src"]);
  });

  it("leaves out registrations in workspaces no pair uses, and drops a removed pair's at usePairs", async () => {
    await register(REGISTERED, "ws-elsewhere");
    const book = new TokenBook(pairs, database);
    expect(await book.lookup(REGISTERED)).toBeUndefined();
    expect(await book.lookup(SECRET_A)).toBeDefined();
    await book.usePairs(pairs.filter((p) => !p.webhookSecrets.includes(SECRET_A)));
    expect(await book.lookup(SECRET_A)).toBeUndefined();
  });

  it.each([
    ["an empty string", ""],
    ["a near miss", `${REGISTERED.slice(0, -1)}b`],
    ["a padded token", ` ${REGISTERED}`],
    ["a prefix", REGISTERED.slice(0, 16)],
    ["the stored hash", hashWebhookToken(REGISTERED)],
    ["a 100 KB string", "x".repeat(100 * 1024)],
  ])("knows nothing of %s", async (_name, token) => {
    await register(REGISTERED, "ws-a-src");
    const book = new TokenBook(pairs, database, 0);
    expect(await book.lookup(token)).toBeUndefined();
  });

  it("picks up a registration made after it was built, on the first miss", async () => {
    const book = new TokenBook(pairs, database, 0);
    expect(await book.lookup(LATE)).toBeUndefined();
    await register(LATE, "ws-a-dst");
    expect(sorted(await book.lookup(LATE))).toEqual(["ws-a-dst"]);
  });

  it("re-reads registrations at most once per reloadAfterMs", async () => {
    vi.useFakeTimers({ toFake: ["Date", "performance"] });
    const book = new TokenBook(pairs, database);
    const reload = vi.spyOn(book, "reload");
    await register(LATE, "ws-a-dst");

    // A flood of tokens right after a load costs no database reads.
    for (let i = 0; i < 50; i++) expect(await book.lookup(`unknown-${i}`)).toBeUndefined();
    expect(await book.lookup(LATE)).toBeUndefined();
    vi.advanceTimersByTime(999);
    expect(await book.lookup(LATE)).toBeUndefined();
    expect(reload).not.toHaveBeenCalled();

    vi.advanceTimersByTime(1);
    expect(sorted(await book.lookup(LATE))).toEqual(["ws-a-dst"]);
    expect(reload).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(500);
    await book.lookup(LATE);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it("keeps reloading when the wall clock steps back an hour", async () => {
    vi.useFakeTimers({ toFake: ["Date", "performance"] });
    vi.setSystemTime(new Date("2026-11-20T09:00:00.000Z"));
    await register(LATE, "ws-a-dst");
    const book = new TokenBook(pairs, database);
    expect(await book.lookup(LATE)).toBeDefined();
    // setSystemTime moves Date only; the monotonic clock (performance) does not step with it.
    vi.setSystemTime(new Date("2026-11-20T08:00:00.000Z"));
    database.sqlite.prepare("delete from webhooks").run();
    await register(SECOND_LATE, "ws-a-dst");
    vi.advanceTimersByTime(1000);
    expect(await book.lookup(LATE)).toBeUndefined();
    expect(await book.lookup(SECOND_LATE)).toBeDefined();
  });

  it("binds a registered token to its event and forgets a removed registration", async () => {
    vi.useFakeTimers({ toFake: ["Date", "performance"] });
    await register(LATE, "ws-a-dst");
    const book = new TokenBook(pairs, database);
    expect([...((await book.lookup(LATE))?.events ?? [])]).toEqual([expect.any(String)]);
    expect((await book.lookup(SECRET_A))?.events).toBeNull();
    database.sqlite.prepare("delete from webhooks").run();
    vi.advanceTimersByTime(2000);
    expect(await book.lookup(LATE)).toBeUndefined();
  });

  it("forgets a deleted registration on reload, but keeps config secrets", async () => {
    const id = await register(REGISTERED, "ws-a-src");
    const book = new TokenBook(pairs, database, 0);
    expect(sorted(await book.lookup(REGISTERED))).toEqual(["ws-a-src"]);
    expect(await deleteWebhookByClockifyId(database, id)).toBe(true);
    await book.reload();
    expect(await book.lookup(REGISTERED)).toBeUndefined();
    expect(sorted(await book.lookup(SECRET_A))).toEqual(["ws-a-dst", "ws-a-src"]);
  });

  it("never writes a token, registered or configured, to the database files", async () => {
    await register(REGISTERED, "ws-a-src");
    const book = new TokenBook(pairs, database, 0);
    await register(LATE, "ws-a-dst");
    expect(await book.lookup(LATE)).toBeDefined();
    expect(await book.lookup(REGISTERED)).toBeDefined();
    expect(await book.lookup(SECRET_A)).toBeDefined();
    expect(await book.lookup("unknown-token-probe")).toBeUndefined();

    const files = [dbPath, `${dbPath}-wal`].filter((path) => existsSync(path));
    expect(files).toContain(dbPath);
    const bytes = Buffer.concat(files.map((path) => readFileSync(path)));
    // The files do hold the registrations (so the search below looks at the right bytes)...
    expect(bytes.includes(hashWebhookToken(REGISTERED))).toBe(true);
    expect(bytes.includes(hashWebhookToken(LATE))).toBe(true);
    // ...and no token, in any encoding SQLite might use.
    for (const token of [REGISTERED, LATE, SECRET_A, SECRET_SHARED, "unknown-token-probe"]) {
      expect(bytes.includes(token), token).toBe(false);
      expect(bytes.includes(Buffer.from(token, "utf16le")), token).toBe(false);
    }
  });
});
