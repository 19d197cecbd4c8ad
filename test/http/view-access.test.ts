import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { seedAcme, WS } from "../status/seed.js";
import { ADMIN_TOKEN, listenService, REMOTE_CLIENT, VIEW_TOKEN, type Listening, type ListenOptions } from "./listening.js";

// Tests only talk to 127.0.0.1. A remote client is one relayed by a reverse proxy on this host (the usual
// setup): it arrives from loopback carrying X-Forwarded-For. Peer addresses themselves are unit-tested.

let env: Listening | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function start(options: ListenOptions = {}): Promise<Listening> {
  env = await listenService(options);
  await seedAcme(env.database);
  return env;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

async function get(l: Listening, path: string, { from = "remote", headers = {} }: { from?: "remote" | "local"; headers?: Record<string, string> } = {}): Promise<Answer> {
  const relayed = from === "remote" ? REMOTE_CLIENT : {};
  const res = await request(`http://127.0.0.1:${l.port}${path}`, { headers: { ...relayed, ...headers } });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });

/** Every Clockify id and error text seedAcme put in the database. */
const CLOCKIFY_SECRETS = [WS.SRC, WS.DST, "e1", "e6", "d-e1", "dst-e1", "hook-1", "locked period", "Clockify PUT failed"];

describe("who may read the status page and /metrics", () => {
  it("this host reads both without a token; another host needs one, and gets neither page nor ids without", async () => {
    const l = await start({ adminToken: ADMIN_TOKEN });
    expect((await get(l, "/", { from: "local" })).status).toBe(200);
    expect((await get(l, "/metrics", { from: "local" })).status).toBe(200);

    for (const path of ["/", "/metrics", "/?flash=retried&n=1"]) {
      const res = await get(l, path);
      expect(res.status, path).toBe(401);
      expect(res.headers["www-authenticate"]).toBe('Basic realm="clockify-sync", charset="UTF-8"');
      for (const id of CLOCKIFY_SECRETS) expect(res.text).not.toContain(id);
    }
  });

  it("lets another host in with ADMIN_TOKEN or STATUS_VIEW_TOKEN, as a bearer token or a Basic password", async () => {
    const l = await start({ adminToken: ADMIN_TOKEN, statusViewToken: VIEW_TOKEN });
    for (const headers of [bearer(ADMIN_TOKEN), bearer(VIEW_TOKEN), basic("ops", VIEW_TOKEN), basic("", ADMIN_TOKEN)]) {
      const page = await get(l, "/", { headers });
      expect(page.status, headers.authorization).toBe(200);
      expect(page.text).toContain(WS.SRC);
      expect((await get(l, "/metrics", { headers })).status).toBe(200);
    }
    for (const headers of [bearer(`${VIEW_TOKEN}x`), basic(VIEW_TOKEN, "wrong"), { authorization: VIEW_TOKEN }]) {
      expect((await get(l, "/metrics", { headers })).status, headers.authorization).toBe(401);
    }
    // The view token reads; it is not the admin token, so the page's buttons still refuse it.
    const post = await request(`http://127.0.0.1:${l.port}/admin/reconcile`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...REMOTE_CLIENT, ...bearer(VIEW_TOKEN) },
      body: new URLSearchParams({ token: VIEW_TOKEN }).toString(),
    });
    await post.body.dump();
    expect(post.statusCode).toBe(403);
  });

  it("treats a loopback request relayed by a proxy as remote", async () => {
    const l = await start({ adminToken: ADMIN_TOKEN });
    for (const header of ["x-forwarded-for", "forwarded", "x-real-ip"]) {
      const res = await get(l, "/metrics", { from: "local", headers: { [header]: "203.0.113.9" } });
      expect(res.status, header).toBe(401);
    }
  });

  it("throttles wrong tokens per address like the admin form: 429 with Retry-After after 10", async () => {
    const l = await start({ adminToken: ADMIN_TOKEN });
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await get(l, "/metrics", { headers: bearer(`wrong-${i}-${"0".repeat(32)}`) })).status);
    expect(statuses).toEqual([...Array.from({ length: 10 }, () => 401), 429, 429, 429, 429]);
    const throttled = await get(l, "/metrics", { headers: bearer(ADMIN_TOKEN) });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    // This host is not locked out by someone else's guessing.
    expect((await get(l, "/metrics", { from: "local" })).status).toBe(200);
  });

  it("without any token configured, serves this host only and tells others how to open it", async () => {
    const l = await start();
    expect((await get(l, "/", { from: "local" })).status).toBe(200);
    const res = await get(l, "/");
    expect(res.status).toBe(403);
    expect(res.text).toContain("STATUS_VIEW_TOKEN");
    expect(res.text).toContain("STATUS_PUBLIC=true");
  });

  it("with STATUS_PUBLIC, serves both to anyone", async () => {
    const l = await start({ statusPublic: true });
    expect((await get(l, "/")).status).toBe(200);
    expect((await get(l, "/metrics")).status).toBe(200);
  });
});

describe("/healthz", () => {
  it("is open to every host and shows no Clockify id or error text, even with dead letters", async () => {
    const l = await start({ adminToken: ADMIN_TOKEN });
    const res = await get(l, "/healthz");
    expect([200, 503]).toContain(res.status);
    const report = JSON.parse(res.text) as { deadLetters: number };
    expect(report.deadLetters).toBeGreaterThanOrEqual(1);
    for (const id of CLOCKIFY_SECRETS) expect(res.text).not.toContain(id);
    // Short ids (user, client, projects) would match inside other words: no key or value is one.
    const strings = (value: unknown): string[] =>
      typeof value === "string" ? [value] : typeof value === "object" && value !== null ? Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]) : [];
    const shortIds = new Set(["u1", "c1", "c2", "sp1", "sp2", "dp1", "dp2", "e7"]);
    expect(strings(report).filter((s) => shortIds.has(s))).toEqual([]);
    // And not the secrets of the service itself.
    expect(res.text).not.toContain(ADMIN_TOKEN);
  });
});
