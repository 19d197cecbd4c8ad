import { createHash } from "node:crypto";
import { createServer } from "node:http";
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import {
  CLIENT,
  CONFIG_SECRET,
  OTHER_USER,
  TOKEN,
  USER,
  WS,
  entryBody,
  exampleBodies,
  exampleHeaders,
  inboxRows,
  projectBody,
  startRouteService,
  type InboxRecord,
  type Json,
} from "./harness.js";
import type { ServiceHarness } from "../helpers/harness.js";

const PATH = "/webhooks/clockify";

interface Post {
  token?: string;
  event?: string;
  /** Sent byte for byte; objects are JSON-encoded; undefined sends no body at all. */
  body?: string | Buffer | object;
  headers?: Record<string, string>;
}

let env: ServiceHarness;
beforeEach(async () => {
  env = await startRouteService();
});
afterEach(async () => {
  await env.close();
});

function post({ token, event, body, headers = {} }: Post) {
  let req = request(env.service.app).post(PATH);
  if (token !== undefined) req = req.set("Clockify-Signature", token);
  if (event !== undefined) req = req.set("Clockify-Webhook-Event-Type", event);
  req = req.set("Content-Type", "application/json");
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  if (body === undefined) return req;
  // Superagent would JSON-encode a Buffer under a JSON content type, so bytes go out as their (UTF-8) text.
  const payload = typeof body === "string" ? body : Buffer.isBuffer(body) ? body.toString("utf8") : JSON.stringify(body);
  return req.send(payload);
}

const rows = (): InboxRecord[] => inboxRows(env.database);
/** What a row says, without the body. */
const summary = (r: InboxRecord) => `${r.pair_id}/${r.side}/${r.event_type}/${r.entity_id}`;

describe("POST /webhooks/clockify: stored", () => {
  it("answers 200 only after one pending inbox row per concerned pair holds the exact body", async () => {
    const body = JSON.stringify(entryBody());
    const res = await post({ token: TOKEN.SRC, event: "TIMER_STOPPED", body });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ stored: 2, duplicates: 0 });
    expect(rows()).toEqual([
      { pair_id: "acme", workspace_id: WS.SRC, side: "source", event_type: "TIMER_STOPPED", entity_id: "entry-0000000000000000001", body, status: "pending", attempts: 0 },
      { pair_id: "globex", workspace_id: WS.SRC, side: "source", event_type: "TIMER_STOPPED", entity_id: "entry-0000000000000000001", body, status: "pending", attempts: 0 },
    ]);
  });

  it("stores the body byte for byte, whitespace and escapes included", async () => {
    const body = `{ "id":"e-raw", "workspaceId":"${WS.SRC}",\n  "userId":"${USER}", "description":"caf\\u00e9 \u{1F680}",\n  "timeInterval":{"start":"2026-01-01T08:00:00Z","end":null} }\n`;
    const res = await post({ token: TOKEN.SRC, event: "NEW_TIMER_STARTED", body });
    expect(res.status).toBe(200);
    expect(rows().map((r) => r.body)).toEqual([body, body]);
  });

  it.each(["NEW_CLIENT", "USER_UPDATED", "PROJECT_DELETED", "NEW_TAG", "TASK_UPDATED", "NOT_A_CLOCKIFY_EVENT"])(
    "acknowledges %s with 200 and stores nothing, whatever the body",
    async (event) => {
      for (const body of [entryBody(), projectBody(), "not json at all", ""]) {
        const res = await post({ token: TOKEN.SRC, event, body });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ ignored: `event ${event} is not used` });
      }
      expect(rows()).toEqual([]);
    },
  );
});

describe("POST /webhooks/clockify: 401", () => {
  const valid = { event: "NEW_TIME_ENTRY", body: entryBody() };
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "a" ? "b" : "a") + s.slice(i + 1);
  const sha256Hex = (s: string) => createHash("sha256").update(s).digest("hex");

  const badTokens: Array<[string, string | undefined]> = [
    ["no token header", undefined],
    ["an empty token", ""],
    ["an unknown token", "A".repeat(32)],
    ["the token with its last character changed", flip(TOKEN.SRC, TOKEN.SRC.length - 1)],
    ["the token with its first character changed", flip(TOKEN.SRC, 0)],
    ["the token with a middle character changed", flip(TOKEN.SRC, 16)],
    ["the token in lower case", TOKEN.SRC.toLowerCase()],
    ["the token minus its last character", TOKEN.SRC.slice(0, -1)],
    ["the token with a prefix", `x${TOKEN.SRC}`],
    ["the token with a suffix", `${TOKEN.SRC}x`],
    ["the token padded on both sides", `00${TOKEN.SRC}00`],
    ["the token twice", TOKEN.SRC + TOKEN.SRC],
    ["the token as a bearer credential", `Bearer ${TOKEN.SRC}`],
    ["the token's SHA-256, which is what the database holds", sha256Hex(TOKEN.SRC)],
    ["the config secret with a suffix", `${CONFIG_SECRET}=`],
    ["a 10 KB token", "k".repeat(10_000)],
  ];

  it("stores the same delivery when the real token signs it (control)", async () => {
    const res = await post({ token: TOKEN.SRC, ...valid });
    expect(res.status).toBe(200);
    expect(rows()).toHaveLength(2);
  });

  it.each(badTokens)("rejects %s with a bare 401 and stores nothing", async (_name, token) => {
    const res = await post({ ...valid, ...(token === undefined ? {} : { token }) });
    expect(res.status).toBe(401);
    // The same answer for every bad token: nothing says which part was wrong.
    expect(res.body).toEqual({ error: "unauthorized" });
    expect(res.headers["www-authenticate"]).toBeUndefined();
    expect(rows()).toEqual([]);
    // Neither the presented token nor anything containing the real one ends up in the log.
    const log = env.logs.join("");
    expect(log).toContain("webhook rejected");
    expect(log).not.toContain(TOKEN.SRC.slice(0, 12));
    if (token) expect(log).not.toContain(token);
  });

  it("authenticates before anything else: a bad token with a bad header and body is still 401", async () => {
    for (const [event, body] of [
      [undefined, undefined],
      ["timer_stopped", "{"],
      ["NEW_CLIENT", "[]"],
      ["NEW_PROJECT", projectBody({ workspaceId: WS.STRANGER })],
    ] as const) {
      const res = await post({ token: "nope", ...(event ? { event } : {}), ...(body ? { body } : {}) });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: "unauthorized" });
    }
    expect(rows()).toEqual([]);
  });

  it("leaves a 100 KB token to Node's header limit (431) on the default server; stores nothing", async () => {
    const res = await post({ token: "t".repeat(100 * 1024), ...valid });
    expect(res.status).toBe(431);
    expect(rows()).toEqual([]);
  });

  it("rejects a 100 KB token with 401 when the server admits headers that large", async () => {
    const server = createServer({ maxHeaderSize: 512 * 1024 }, env.service.app);
    const long = "t".repeat(100 * 1024);
    const res = await request(server)
      .post(PATH)
      .set("Clockify-Signature", long)
      .set("Clockify-Webhook-Event-Type", "NEW_TIME_ENTRY")
      .set("Content-Type", "application/json")
      .send(JSON.stringify(entryBody()));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: "unauthorized" });
    expect(rows()).toEqual([]);
    // The same server does let a large valid delivery through, so the 401 is the token's doing.
    const ok = await request(server)
      .post(PATH)
      .set("Clockify-Signature", TOKEN.SRC)
      .set("Clockify-Webhook-Event-Type", "NEW_TIME_ENTRY")
      .set("X-Padding", long)
      .set("Content-Type", "application/json")
      .send(JSON.stringify(entryBody()));
    expect(ok.status).toBe(200);
  });
});

describe("POST /webhooks/clockify: 400", () => {
  const invalidJson: Array<[string, string | undefined]> = [
    ["malformed JSON", "{id: 'entry-1'}"],
    ["truncated JSON", JSON.stringify(entryBody()).slice(0, -7)],
    ["a trailing comma", JSON.stringify(entryBody()).replace(/}$/, ",}")],
    ["an empty body", ""],
    ["whitespace only", "  \n"],
    ["no body at all", undefined],
    ["plain text", "TIMER_STOPPED"],
  ];

  it.each(invalidJson)("rejects %s with 400 and stores nothing", async (_name, body) => {
    const res = await post({ token: TOKEN.SRC, event: "TIMER_STOPPED", ...(body === undefined ? {} : { body }) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: "body is not valid JSON" });
    expect(rows()).toEqual([]);
  });

  const start = (timeInterval: Json) => ({ timeInterval });
  const invalidEntries: Array<[string, string, RegExp]> = [
    ["a JSON array", "[]", /: \(root\): /],
    ["an array holding a valid entry", JSON.stringify([entryBody()]), /: \(root\): /],
    ["a JSON number", "42", /: \(root\): /],
    ["a JSON string", JSON.stringify(JSON.stringify(entryBody())), /: \(root\): /],
    ["JSON null", "null", /: \(root\): /],
    ["JSON true", "true", /: \(root\): /],
    ["an empty object", "{}", /: id: /],
    ["a body without id", JSON.stringify({ ...entryBody(), id: undefined }), /: id: /],
    ["an empty id", JSON.stringify(entryBody({ id: "" })), /: id: /],
    ["a numeric id", JSON.stringify(entryBody({ id: 12345 })), /: id: /],
    ["a null id", JSON.stringify(entryBody({ id: null })), /: id: /],
    ["an id longer than 64 characters", JSON.stringify(entryBody({ id: "e".repeat(65) })), /: id: /],
    ["a null workspaceId", JSON.stringify(entryBody({ workspaceId: null })), /: workspaceId: /],
    ["a body without userId", JSON.stringify({ ...entryBody(), userId: undefined }), /: userId: /],
    ["a null userId", JSON.stringify(entryBody({ userId: null })), /: userId: /],
    ["a numeric description", JSON.stringify(entryBody({ description: 7 })), /: description: /],
    ["billable as a string", JSON.stringify(entryBody({ billable: "yes" })), /: billable: /],
    ["no timeInterval", JSON.stringify({ ...entryBody(), timeInterval: undefined }), /: timeInterval: /],
    ["a null timeInterval", JSON.stringify(entryBody(start(null))), /: timeInterval: /],
    ["a null start", JSON.stringify(entryBody(start({ start: null }))), /: timeInterval\.start: /],
    ["a start that is not a date", JSON.stringify(entryBody(start({ start: "yesterday" }))), /: timeInterval\.start: /],
    ["a start that is only a date", JSON.stringify(entryBody(start({ start: "2026-11-20" }))), /: timeInterval\.start: /],
    ["a start in epoch milliseconds", JSON.stringify(entryBody(start({ start: 1_795_000_000_000 }))), /: timeInterval\.start: /],
    ["a start without a zone", JSON.stringify(entryBody(start({ start: "2026-11-20T09:00:00" }))), /: timeInterval\.start: /],
    ["an end that is not a date", JSON.stringify(entryBody(start({ start: "2026-11-20T09:00:00Z", end: "later" }))), /: timeInterval\.end: /],
    ["an embedded project without id", JSON.stringify(entryBody({ project: { name: "Website", clientId: "" } })), /: project\.id: /],
    ["tags that are not a list", JSON.stringify(entryBody({ tags: "billable" })), /: tags: /],
    ["a tag without a name", JSON.stringify(entryBody({ tags: [{ id: "tag-1" }] })), /: tags\.0\.name: /],
  ];

  it.each(invalidEntries)("rejects an entry event with %s: 400 naming the field, nothing stored", async (_name, body, where) => {
    const res = await post({ token: TOKEN.SRC, event: "NEW_TIME_ENTRY", body });
    expect(res.status).toBe(400);
    const error = (res.body as { error: string }).error;
    expect(error.startsWith("invalid NEW_TIME_ENTRY body: ")).toBe(true);
    expect(error).toMatch(where);
    expect(rows()).toEqual([]);
  });

  const invalidProjects: Array<[string, Record<string, unknown>, RegExp]> = [
    ["no name", { ...projectBody(), name: undefined }, /: name: /],
    ["an empty name", projectBody({ name: "" }), /: name: /],
    ["a null name", projectBody({ name: null }), /: name: /],
    ["a numeric clientId", projectBody({ clientId: 42 }), /: clientId: /],
    ["archived as a string", projectBody({ archived: "no" }), /: archived: /],
    ["a null id", projectBody({ id: null }), /: id: /],
  ];

  it.each(invalidProjects)("rejects a project event with %s: 400, nothing stored", async (_name, body, where) => {
    const res = await post({ token: TOKEN.DST, event: "PROJECT_UPDATED", body });
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toMatch(/^invalid PROJECT_UPDATED body: /);
    expect((res.body as { error: string }).error).toMatch(where);
    expect(rows()).toEqual([]);
  });

  it("rejects a missing or empty event header with 400", async () => {
    for (const event of [undefined, ""]) {
      const res = await post({ token: TOKEN.SRC, ...(event === undefined ? {} : { event }), body: entryBody() });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: "missing Clockify-Webhook-Event-Type header" });
    }
    expect(rows()).toEqual([]);
  });

  it.each([
    "timer_stopped",
    "Timer_Stopped",
    "TIMER-STOPPED",
    "TIMER STOPPED",
    "TIMER_STOPPED,TIMER_STOPPED",
    "TIMER_STOPPED2",
    "_TIMER_STOPPED",
    "T",
    "TÏMER_STOPPED",
    `T${"A".repeat(64)}`,
    "<script>",
  ])("rejects the event header %j with 400 and stores nothing", async (event) => {
    const res = await post({ token: TOKEN.SRC, event, body: entryBody() });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: "invalid Clockify-Webhook-Event-Type header" });
    expect(rows()).toEqual([]);
  });

  it("rejects with 400 a body from another workspace than the token's, and stores nothing", async () => {
    // TOKEN.DST belongs to a webhook of the customer workspace; the body claims the agency workspace.
    const res = await post({ token: TOKEN.DST, event: "NEW_TIME_ENTRY", body: entryBody({ workspaceId: WS.SRC }) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: "workspaceId does not match the webhook's workspace" });
    const project = await post({ token: TOKEN.SRC, event: "NEW_PROJECT", body: projectBody({ workspaceId: WS.DST }) });
    expect(project.status).toBe(400);
    expect(project.body).toEqual({ error: "workspaceId does not match the webhook's workspace" });
    expect(rows()).toEqual([]);
  });

  it("accepts a config secret for both workspaces of its pair, and for no third one", async () => {
    const fromSource = await post({ token: CONFIG_SECRET, event: "NEW_TIME_ENTRY", body: entryBody({ id: "e-from-secret" }) });
    expect(fromSource.status).toBe(200);
    const fromDestination = await post({ token: CONFIG_SECRET, event: "NEW_PROJECT", body: projectBody({ workspaceId: WS.DST }) });
    expect(fromDestination.status).toBe(200);
    expect(rows().map(summary)).toEqual([
      "acme/source/NEW_TIME_ENTRY/e-from-secret",
      "globex/source/NEW_TIME_ENTRY/e-from-secret",
      "acme/destination/NEW_PROJECT/proj-0000000000000000009",
      "initech/destination/NEW_PROJECT/proj-0000000000000000009",
    ]);

    // globex's destination and initech's source are configured workspaces, but not acme's.
    const before = rows().length;
    for (const [event, body] of [
      ["NEW_PROJECT", projectBody({ workspaceId: WS.DST2 })],
      ["NEW_TIME_ENTRY", entryBody({ workspaceId: WS.OTHER_SRC })],
      ["NEW_TIME_ENTRY", entryBody({ workspaceId: WS.STRANGER })],
    ] as const) {
      const res = await post({ token: CONFIG_SECRET, event, body });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: "workspaceId does not match the webhook's workspace" });
    }
    expect(rows()).toHaveLength(before);
    // Control: the same globex delivery signed by that workspace's own webhook is stored.
    const control = await post({ token: TOKEN.DST2, event: "NEW_PROJECT", body: projectBody({ workspaceId: WS.DST2 }) });
    expect(control.status).toBe(200);
    expect(control.body).toEqual({ stored: 1, duplicates: 0 });
  });
});

describe("POST /webhooks/clockify: body size", () => {
  const MIB = 1024 * 1024;
  /** A valid entry body padded with an unknown field to exactly `size` bytes. */
  const paddedEntry = (size: number) => {
    const shell = JSON.stringify({ ...entryBody({ id: `e-${size}` }), padding: "" });
    return Buffer.from(shell.replace('"padding":""', `"padding":"${"p".repeat(size - Buffer.byteLength(shell))}"`));
  };

  it("accepts a body of exactly 1 MiB", async () => {
    const body = paddedEntry(MIB);
    expect(body.length).toBe(MIB);
    const res = await post({ token: TOKEN.SRC, event: "NEW_TIME_ENTRY", body });
    expect(res.status).toBe(200);
    expect(rows().map((r) => r.body.length)).toEqual([MIB, MIB]);
  });

  it("rejects a body one byte over 1 MiB with 413 and stores nothing", async () => {
    const body = paddedEntry(MIB + 1);
    const res = await post({ token: TOKEN.SRC, event: "NEW_TIME_ENTRY", body });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: "body larger than 1 MiB" });
    expect(rows()).toEqual([]);
  });

  it("rejects a 5 MiB body with 413 from a token holder, and with 401 from anyone else", async () => {
    const body = Buffer.alloc(5 * MIB, 0x20);
    expect((await post({ token: TOKEN.SRC, event: "NEW_TIME_ENTRY", body })).status).toBe(413);
    // The token is checked before the body is read, so a stranger learns nothing about size limits.
    expect((await post({ token: "unknown", event: "NEW_TIME_ENTRY", body })).status).toBe(401);
    expect(rows()).toEqual([]);
  });
});

describe("POST /webhooks/clockify: redelivery", () => {
  it("stores an identical redelivery once and says the second one was a duplicate", async () => {
    const body = JSON.stringify(entryBody());
    const first = await post({ token: TOKEN.SRC, event: "TIME_ENTRY_UPDATED", body });
    const second = await post({ token: TOKEN.SRC, event: "TIME_ENTRY_UPDATED", body });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ stored: 2, duplicates: 0 });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ stored: 0, duplicates: 2 });
    expect(rows().map(summary)).toEqual(["acme/source/TIME_ENTRY_UPDATED/entry-0000000000000000001", "globex/source/TIME_ENTRY_UPDATED/entry-0000000000000000001"]);
  });

  it("stores the same body again under another event type, and a body differing in one byte", async () => {
    const body = JSON.stringify(entryBody());
    await post({ token: TOKEN.SRC, event: "TIMER_STOPPED", body });
    const otherType = await post({ token: TOKEN.SRC, event: "TIME_ENTRY_DELETED", body });
    expect(otherType.body).toEqual({ stored: 2, duplicates: 0 });
    const otherBytes = await post({ token: TOKEN.SRC, event: "TIMER_STOPPED", body: `${body}\n` });
    expect(otherBytes.body).toEqual({ stored: 2, duplicates: 0 });
    expect(rows().map((r) => `${r.pair_id}/${r.event_type}`)).toEqual([
      "acme/TIMER_STOPPED",
      "globex/TIMER_STOPPED",
      "acme/TIME_ENTRY_DELETED",
      "globex/TIME_ENTRY_DELETED",
      "acme/TIMER_STOPPED",
      "globex/TIMER_STOPPED",
    ]);
  });

  it("counts a duplicate per pair when another webhook of the workspace sent the same event", async () => {
    // Same workspace, different token (acme's config secret): still the same delivery for each pair.
    const body = JSON.stringify(entryBody());
    await post({ token: TOKEN.SRC, event: "NEW_TIME_ENTRY", body });
    const again = await post({ token: CONFIG_SECRET, event: "NEW_TIME_ENTRY", body });
    expect(again.body).toEqual({ stored: 0, duplicates: 2 });
    expect(rows()).toHaveLength(2);
  });
});

describe("POST /webhooks/clockify: fan-out", () => {
  it("gives an entry event to every pair mirroring that user out of that workspace, whatever their client", async () => {
    // The entry's project belongs to acme's client; client filtering happens later, in the worker.
    const res = await post({ token: TOKEN.SRC, event: "NEW_TIME_ENTRY", body: entryBody({ id: "e-fan" }) });
    expect(res.body).toEqual({ stored: 2, duplicates: 0 });
    expect(rows().map(summary)).toEqual(["acme/source/NEW_TIME_ENTRY/e-fan", "globex/source/NEW_TIME_ENTRY/e-fan"]);
  });

  it("gives an entry of the other source workspace only to its pair", async () => {
    const res = await post({ token: TOKEN.OTHER_SRC, event: "NEW_TIME_ENTRY", body: entryBody({ id: "e-init", workspaceId: WS.OTHER_SRC }) });
    expect(res.body).toEqual({ stored: 1, duplicates: 0 });
    expect(rows().map(summary)).toEqual(["initech/source/NEW_TIME_ENTRY/e-init"]);
  });

  it("ignores with 200 an entry of a user no pair mirrors", async () => {
    const res = await post({ token: TOKEN.SRC, event: "NEW_TIME_ENTRY", body: entryBody({ userId: OTHER_USER }) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ignored: "no pair concerns this event" });
    expect(rows()).toEqual([]);
  });

  it("ignores entry events of a destination workspace", async () => {
    const res = await post({ token: TOKEN.DST, event: "TIMER_STOPPED", body: entryBody({ workspaceId: WS.DST }) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ignored: "no pair concerns this event" });
    expect(rows()).toEqual([]);
  });

  it("refuses the token of a registration in a workspace no pair uses (a removed pair's webhook)", async () => {
    const res = await post({ token: TOKEN.STRANGER, event: "TIMER_STOPPED", body: entryBody({ workspaceId: WS.STRANGER }) });
    expect(res.status).toBe(401);
    expect(rows()).toEqual([]);
  });

  it.each(["NEW_PROJECT", "PROJECT_UPDATED"])("gives a destination %s to every pair mirroring into that workspace", async (event) => {
    const res = await post({ token: TOKEN.DST, event, body: projectBody({ id: "p-dst", workspaceId: WS.DST }) });
    expect(res.body).toEqual({ stored: 2, duplicates: 0 });
    expect(rows().map(summary)).toEqual([`acme/destination/${event}/p-dst`, `initech/destination/${event}/p-dst`]);
    const other = await post({ token: TOKEN.DST2, event, body: projectBody({ id: "p-dst2", workspaceId: WS.DST2 }) });
    expect(other.body).toEqual({ stored: 1, duplicates: 0 });
    expect(rows().map(summary).slice(2)).toEqual([`globex/destination/${event}/p-dst2`]);
  });

  it("gives a source NEW_PROJECT only to the pair whose client it belongs to", async () => {
    const acme = await post({ token: TOKEN.SRC, event: "NEW_PROJECT", body: projectBody({ id: "p-a", workspaceId: WS.SRC, clientId: CLIENT.ACME }) });
    expect(acme.body).toEqual({ stored: 1, duplicates: 0 });
    const globex = await post({ token: TOKEN.SRC, event: "NEW_PROJECT", body: projectBody({ id: "p-g", workspaceId: WS.SRC, clientId: CLIENT.GLOBEX }) });
    expect(globex.body).toEqual({ stored: 1, duplicates: 0 });
    expect(rows().map(summary)).toEqual(["acme/source/NEW_PROJECT/p-a", "globex/source/NEW_PROJECT/p-g"]);

    for (const [id, clientId] of [
      ["p-none", ""],
      ["p-null", null],
      ["p-initech", CLIENT.INITECH],
    ] as const) {
      const res = await post({ token: TOKEN.SRC, event: "NEW_PROJECT", body: projectBody({ id, workspaceId: WS.SRC, clientId }) });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ignored: "no pair concerns this event" });
    }
    expect(rows()).toHaveLength(2);
  });

  it("ignores PROJECT_UPDATED from a source workspace", async () => {
    const res = await post({ token: TOKEN.SRC, event: "PROJECT_UPDATED", body: projectBody({ workspaceId: WS.SRC, clientId: CLIENT.ACME }) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ignored: "no pair concerns this event" });
    expect(rows()).toEqual([]);
  });
});

describe("POST /webhooks/clockify: real captured bodies", () => {
  const examples = exampleBodies();

  it("has the captured bodies the brief names", () => {
    expect(examples.map((e) => e.file)).toEqual(
      expect.arrayContaining([
        "TIMER_STOPPED.odoo-clockify.body.json",
        "NEW_TIME_ENTRY.jamstack-netlify.json",
        "TIME_ENTRY_DELETED.restoretime-s2-sanitized.json",
      ]),
    );
  });

  it.each(examples.map((e) => [e.file, e] as const))("stores %s for a pair built from its ids", async (_file, example) => {
    const { id, workspaceId, userId, project } = example.parsed;
    const config = parseConfig(
      {
        pairs: [
          {
            id: "captured",
            source: { apiKey: "key", workspaceId, userId, clientId: project?.clientId || "some-client" },
            destination: { workspaceId: "ws-mirror-destination" },
          },
        ],
      },
      {},
    );
    const token = "Capt0red0Token0000000000000000001";
    const local = await startRouteService(config, { [token]: workspaceId });
    try {
      // The captured request's own headers, where there are some (the token was redacted there).
      const captured = example.file.startsWith("TIMER_STOPPED.odoo") ? exampleHeaders("TIMER_STOPPED.odoo-clockify.headers.json") : {};
      const res = await request(local.service.app)
        .post(PATH)
        .set("Content-Type", captured["content-type"] ?? "application/json")
        .set("User-Agent", captured["user-agent"] ?? "Vert.x-WebClient/4.2.5")
        .set("Clockify-Signature", token)
        .set("Clockify-Webhook-Event-Type", captured["clockify-webhook-event-type"] ?? example.eventType)
        .send(example.raw.toString("utf8"));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ stored: 1, duplicates: 0 });
      expect(inboxRows(local.database)).toEqual([
        {
          pair_id: "captured",
          workspace_id: workspaceId,
          side: "source",
          event_type: example.eventType,
          entity_id: id,
          body: example.raw.toString("utf8"),
          status: "pending",
          attempts: 0,
        },
      ]);

      // The same capture for someone else's user concerns no pair.
      const other = example.raw.toString("utf8").replaceAll(userId, "someone-else");
      const ignored = await request(local.service.app)
        .post(PATH)
        .set("Content-Type", "application/json")
        .set("Clockify-Signature", token)
        .set("Clockify-Webhook-Event-Type", example.eventType)
        .send(other);
      expect(ignored.status).toBe(200);
      expect(ignored.body).toEqual({ ignored: "no pair concerns this event" });
      expect(inboxRows(local.database)).toHaveLength(1);
    } finally {
      await local.close();
    }
  });
});

describe("POST /webhooks/clockify: failures of its own", () => {
  it("answers 503 and stores nothing once intake has stopped", async () => {
    env.service.receiver.stopAccepting();
    const res = await post({ token: TOKEN.SRC, event: "NEW_TIME_ENTRY", body: entryBody() });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: "shutting down, retry later" });
    expect(rows()).toEqual([]);
  });

  it("never acknowledges a delivery the inbox failed to store", async () => {
    env.database.sqlite.exec("create trigger inbox_full before insert on inbox begin select raise(abort, 'disk full'); end");
    const res = await post({ token: TOKEN.SRC, event: "NEW_TIME_ENTRY", body: entryBody() });
    // Clockify redelivers on any non-2xx answer; 503 says "try again", not "your body was bad".
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: "could not store the event, retry later" });
    expect(rows()).toEqual([]);
  });
});

describe("deliveries arriving together (group commit)", () => {
  const deliver = (body: object, event = "NEW_TIME_ENTRY") =>
    env.service.receiver.receive({ token: TOKEN.SRC, eventType: event, body: Buffer.from(JSON.stringify(body)) });

  it("answers each delivery of one commit as if it had been stored alone", async () => {
    const first = entryBody({ id: "entry-0000000000000000101" });
    const second = entryBody({ id: "entry-0000000000000000102" });
    // Started in the same turn of the event loop: one transaction stores them all.
    const answers = await Promise.all([deliver(first), deliver(second), deliver(first), deliver(entryBody({ id: "entry-0000000000000000101", description: "edited" }), "TIME_ENTRY_UPDATED")]);
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [200, { stored: 2, duplicates: 0 }],
      [200, { stored: 2, duplicates: 0 }],
      [200, { stored: 0, duplicates: 2 }],
      [200, { stored: 2, duplicates: 0 }],
    ]);
    expect(rows().map((r) => `${r.pair_id}/${r.event_type}/${r.entity_id}`)).toEqual([
      "acme/NEW_TIME_ENTRY/entry-0000000000000000101",
      "globex/NEW_TIME_ENTRY/entry-0000000000000000101",
      "acme/NEW_TIME_ENTRY/entry-0000000000000000102",
      "globex/NEW_TIME_ENTRY/entry-0000000000000000102",
      "acme/TIME_ENTRY_UPDATED/entry-0000000000000000101",
      "globex/TIME_ENTRY_UPDATED/entry-0000000000000000101",
    ]);
  });

  it("answers 503 to every delivery of a commit that failed, and stores none of them", async () => {
    env.database.sqlite.exec("create trigger inbox_full before insert on inbox begin select raise(abort, 'disk full'); end");
    const answers = await Promise.all([deliver(entryBody({ id: "entry-0000000000000000201" })), deliver(entryBody({ id: "entry-0000000000000000202" }))]);
    expect(answers.map((a) => a.status)).toEqual([503, 503]);
    expect(rows()).toEqual([]);
    env.database.sqlite.exec("drop trigger inbox_full");
    // The next turn commits again: the failure did not wedge intake.
    expect((await deliver(entryBody({ id: "entry-0000000000000000203" }))).status).toBe(200);
  });
});
