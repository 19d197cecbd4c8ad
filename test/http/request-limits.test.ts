import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_HTTP_LIMITS } from "../../src/http/limits.js";
import { globexEntry, listenService, metricsText, rawConnection, SECRET, webhookHead, type Listening } from "./listening.js";

let env: Listening | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const inboxCount = (l: Listening) => (l.database.sqlite.prepare("select count(*) as n from inbox").get() as { n: number }).n;

async function deliver(l: Listening, id: string): Promise<Response> {
  return fetch(`${l.base}/webhooks/clockify`, {
    method: "POST",
    headers: { "content-type": "application/json", "clockify-signature": SECRET, "clockify-webhook-event-type": "NEW_TIME_ENTRY" },
    body: globexEntry(id),
    signal: AbortSignal.timeout(5000),
  });
}

describe("the server's timeouts", () => {
  it("are those of DEFAULT_HTTP_LIMITS: 10 s for headers, 15 s for a request, 5 s keep-alive", async () => {
    env = await listenService();
    expect(env.server.headersTimeout).toBe(10_000);
    expect(env.server.requestTimeout).toBe(15_000);
    expect(env.server.keepAliveTimeout).toBe(5_000);
    expect(DEFAULT_HTTP_LIMITS.timeoutCheckMs).toBeLessThanOrEqual(1_000);
  });

  it("cut a token holder's body that trickles in, within the request timeout, and store nothing", async () => {
    env = await listenService({ http: { requestTimeoutMs: 1500, headersTimeoutMs: 1000, timeoutCheckMs: 250 } });
    const body = globexEntry("entry-slow");
    const conn = await rawConnection(env.port);
    conn.socket.write(webhookHead(SECRET, body.length));
    // One byte every 100 ms: the body would take minutes.
    let sent = 0;
    const trickle = setInterval(() => {
      if (!conn.socket.destroyed && sent < body.length) conn.socket.write(body[sent++] ?? "");
    }, 100);
    const closedAfter = await conn.closed;
    clearInterval(trickle);
    console.log(`slow body: cut after ${closedAfter} ms (request timeout 1500 ms, ${sent} of ${body.length} bytes sent)`);
    expect(closedAfter).toBeGreaterThanOrEqual(1400);
    expect(closedAfter).toBeLessThan(1500 + 250 + 500);
    expect(conn.answer()).toMatch(/^HTTP\/1\.1 408 /);
    expect(inboxCount(env)).toBe(0);
    // Its place in the body budget is free again.
    expect((await deliver(env, "entry-after-slow")).status).toBe(200);
  });

  it("cut a connection whose headers stall, within the headers timeout", async () => {
    env = await listenService({ http: { requestTimeoutMs: 3000, headersTimeoutMs: 1000, timeoutCheckMs: 250 } });
    const conn = await rawConnection(env.port);
    conn.socket.write("POST /webhooks/clockify HTTP/1.1\r\nHost: 127.0.0.1\r\nClockify-Signature: ");
    const closedAfter = await conn.closed;
    expect(closedAfter).toBeGreaterThanOrEqual(900);
    expect(closedAfter).toBeLessThan(1000 + 250 + 500);
    expect(conn.answer()).toMatch(/^HTTP\/1\.1 408 /);
  });
});

describe("a delivery refused by its headers", () => {
  it.each([
    ["a wrong token", "wrong-token-000000000000000000000001", "NEW_TIME_ENTRY", 401, "unauthorized"],
    ["no token", "", "NEW_TIME_ENTRY", 401, "unauthorized"],
    ["a bad event type", SECRET, "new_time_entry", 400, "invalid Clockify-Webhook-Event-Type header"],
  ])("with %s is answered at once, before a byte of its 1 MiB body is sent, and closed", async (_name, token, event, status, error) => {
    env = await listenService();
    const conn = await rawConnection(env.port);
    // Headers only: a server that waited for the body would never answer.
    conn.socket.write(webhookHead(token, 1024 * 1024, event));
    const closedAfter = await conn.closed;
    expect(closedAfter).toBeLessThan(1000);
    const answer = conn.answer();
    expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(answer.toLowerCase()).toContain("connection: close");
    expect(answer).toContain(JSON.stringify({ error }));
    expect(await metricsText(env)).toContain(`webhook_rejected_total{status="${status}"} 1`);
  });

  it("over 1 MiB by its Content-Length is refused with 413 from a token holder without reading it", async () => {
    env = await listenService();
    const conn = await rawConnection(env.port);
    conn.socket.write(webhookHead(SECRET, 1024 * 1024 + 1));
    expect(await conn.closed).toBeLessThan(1000);
    expect(conn.answer()).toMatch(/^HTTP\/1\.1 413 /);
  });
});

describe("the budget of bodies in memory", () => {
  it("answers 503 with Retry-After beyond maxBodies stalled bodies, and takes deliveries again once they end", async () => {
    env = await listenService({ http: { maxBodies: 3 } });
    const body = globexEntry("entry-stalled");
    const stalled = await Promise.all([0, 1, 2].map(() => rawConnection(env?.port ?? 0)));
    for (const conn of stalled) conn.socket.write(webhookHead(SECRET, body.length) + body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 100));

    const busy = await deliver(env, "entry-busy");
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toBe("5");
    expect(busy.headers.get("connection")).toBe("close");
    expect(await busy.json()).toEqual({ error: "too many deliveries in progress, retry later" });

    // One stalled sender finishes its body, another gives up: both free their place.
    stalled[0]?.socket.write(body.slice(10));
    stalled[1]?.socket.destroy();
    await stalled[1]?.closed;
    for (let i = 0; i < 100 && !stalled[0]?.answer(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(stalled[0]?.answer()).toMatch(/^HTTP\/1\.1 200 /);
    const ok = await deliver(env, "entry-ok");
    expect(ok.status).toBe(200);
    expect(await metricsText(env)).toContain('webhook_rejected_total{status="503"} 1');
    stalled[2]?.socket.destroy();
  });

  it("counts declared bytes: two stalled 1 MiB bodies fill a 2 MiB budget even with room for more bodies", async () => {
    env = await listenService({ http: { maxBodies: 10, maxBodyBytes: 2 * 1024 * 1024 } });
    const big = await Promise.all([0, 1].map(() => rawConnection(env?.port ?? 0)));
    for (const conn of big) conn.socket.write(webhookHead(SECRET, 1024 * 1024) + "{");
    await new Promise((r) => setTimeout(r, 100));
    expect((await deliver(env, "entry-small")).status).toBe(503);
    for (const conn of big) conn.socket.destroy();
    await Promise.all(big.map((c) => c.closed));
    await new Promise((r) => setTimeout(r, 50));
    expect((await deliver(env, "entry-small-2")).status).toBe(200);
  });
});
