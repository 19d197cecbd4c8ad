import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  deleteWebhookByClockifyId,
  hashWebhookToken,
  insertWebhookRegistration,
  listWebhooksForWorkspace,
  type WebhookRegistrationInput,
} from "../../src/db/webhooks.js";
import { parseConfig } from "../../src/config/index.js";
import { TokenBook } from "../../src/webhooks/tokens.js";
import { useTempDatabases } from "./temp-database.js";

const temp = useTempDatabases();

const TOKEN = "whsec-DO-NOT-STORE-7f3a9c1e5b";
const registration: WebhookRegistrationInput = {
  workspaceId: "ws-src",
  eventType: "NEW_TIME_ENTRY",
  clockifyWebhookId: "wh-1",
  url: "https://sync.example/webhooks/pair-1",
  token: TOKEN,
};

/** Every byte SQLite has written for this database: the main file plus the WAL, if any. */
function rawBytes(dbPath: string): Buffer {
  const parts = [dbPath, `${dbPath}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path));
  return Buffer.concat(parts);
}

describe("webhooks", () => {
  it("hashes tokens as lowercase hex SHA-256", () => {
    expect(hashWebhookToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("stores a 64-hex hash and never the token itself", async () => {
    const path = join(temp.dir(), "webhooks.db");
    const app = temp.open("webhooks.db");
    const row = await insertWebhookRegistration(app, registration, 1_000);
    const expectedHash = createHash("sha256").update(TOKEN).digest("hex");

    expect(row.tokenSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(row.tokenSha256).toBe(expectedHash);
    expect(row).not.toHaveProperty("token");
    expect(JSON.stringify(app.sqlite.prepare("select * from webhooks").all())).not.toContain(TOKEN);

    // Checked while the write may still sit in the WAL, and again after close folds it into the file.
    // The hash being found proves the bytes read are the ones holding the row.
    expect(rawBytes(path).includes(expectedHash)).toBe(true);
    expect(rawBytes(path).includes(TOKEN)).toBe(false);
    app.close();
    expect(rawBytes(path).includes(expectedHash)).toBe(true);
    expect(rawBytes(path).includes(TOKEN)).toBe(false);
  });

  it("recognises a registration by the presented token, never by its stored hash", async () => {
    const app = temp.open();
    await insertWebhookRegistration(app, registration);
    // Registrations count for workspaces some pair mirrors; this one's source is ws-src.
    const pairs = parseConfig({ pairs: [{ id: "p", source: { apiKey: "k", workspaceId: "ws-src", userId: "u", clientId: "c" }, destination: { workspaceId: "ws-dst" } }] }).pairs;
    const book = new TokenBook(pairs, app);
    expect(await book.lookup(TOKEN)).toEqual({ workspaces: new Set(["ws-src"]), events: new Set(["NEW_TIME_ENTRY"]) });
    expect(await book.lookup(`${TOKEN}x`)).toBeUndefined();
    expect(await book.lookup(hashWebhookToken(TOKEN))).toBeUndefined();
  });

  it("lists registrations by workspace and deletes by clockify id", async () => {
    const app = temp.open();
    await insertWebhookRegistration(app, registration);
    await insertWebhookRegistration(app, { ...registration, clockifyWebhookId: "wh-2", eventType: "TIME_ENTRY_DELETED", token: "t2" });
    await insertWebhookRegistration(app, { ...registration, clockifyWebhookId: "wh-3", workspaceId: "ws-dst", token: "t3" });

    expect((await listWebhooksForWorkspace(app, "ws-src")).map((row) => row.clockifyWebhookId)).toEqual(["wh-1", "wh-2"]);
    expect(await deleteWebhookByClockifyId(app, "wh-1")).toBe(true);
    expect(await deleteWebhookByClockifyId(app, "wh-1")).toBe(false);
    expect((await listWebhooksForWorkspace(app, "ws-src")).map((row) => row.clockifyWebhookId)).toEqual(["wh-2"]);
    expect(await listWebhooksForWorkspace(app, "ws-dst")).toHaveLength(1);
  });

  it("rejects registering the same workspace, event and url twice", async () => {
    const app = temp.open();
    await insertWebhookRegistration(app, registration);
    await expect(insertWebhookRegistration(app, { ...registration, clockifyWebhookId: "wh-9" })).rejects.toThrow(/UNIQUE/);
  });
});
