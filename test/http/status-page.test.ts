import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/index.js";
import { claimEntities, deadLetterEvents, enqueueDeliveries, listDeadLetters } from "../../src/db/inbox.js";
import { STATUS_PAGE_SCRIPT } from "../../src/http/status-page-script.js";
import { getInboxEvent, listRecentReconcileRuns } from "../db/stored-rows.js";
import { startServiceHarness, type ServiceHarness } from "../helpers/harness.js";
import { event, seedAcme, statusConfig, WS } from "../status/seed.js";

const ADMIN_TOKEN = "correct-horse-battery-staple-42-and-more";
const HOSTILE_PAIR = `<script>alert("pair")</script>`;
const HOSTILE_ENTITY = "<script>alert(1)</script>";
const HOSTILE_ERROR = `<img src=x onerror="alert(2)">`;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * A service on a real SQLite file, not listening (supertest drives its app), worker stopped. Clockify is
 * an address where nothing listens: a reconciliation fails fast, and records itself as failed.
 */
async function startPage(options: { adminToken?: string; config?: Config } = {}): Promise<ServiceHarness> {
  const env = await startServiceHarness({
    config: options.config ?? statusConfig(),
    prefix: "clockify-sync-status-page-",
    service: { backoff: { baseDelayMs: 1, maxDelayMs: 2 }, adminToken: options.adminToken },
  });
  cleanups.push(() => env.close());
  return env;
}

const fact = (html: string, pairId: string, name: string): string | undefined => {
  const section = html.split(`<section class="pair" data-pair="${pairId}">`)[1]?.split("</section>")[0] ?? "";
  return new RegExp(`data-fact="${name}">([^<]*)<`).exec(section)?.[1];
};

describe("GET / (status page)", () => {
  it("renders each pair's facts, recent activity and dead letters as a phone-friendly page", async () => {
    const env = await startPage({ adminToken: ADMIN_TOKEN });
    await seedAcme(env.database);
    const res = await request(env.service.app).get("/");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(res.headers["cache-control"]).toBe("no-store");
    const html = res.text;
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(fact(html, "acme", "mapped-projects")).toBe("2");
    expect(fact(html, "acme", "entries-live")).toBe("3");
    expect(fact(html, "acme", "entries-tombstones")).toBe("1");
    expect(fact(html, "acme", "inbox-depth")).toBe("1");
    expect(fact(html, "acme", "dead-letters")).toBe("1");
    expect(fact(html, "acme", "last-reconcile-requests")).toBe("7");
    expect(fact(html, "globex", "entries-live")).toBe("0");
    expect(html).toContain("created 1, updated 2, deleted 0, adopted 0, unchanged 40, failed 0");
    expect(html).toContain(WS.SRC);
    // Recent activity: the outcome in words, latency, source entity and destination ids.
    const row = /<tr data-event="3">(.*?)<\/tr>/.exec(html)?.[1] ?? "";
    expect(row).toContain("Copied to the destination");
    expect(row).toContain("after 1.5 s");
    expect(row).toContain("<code>e3</code><code>→ dst-e3</code>");
    // Dead letter with its error and a Retry form; the Reconcile form; warnings.
    expect(html).toContain("locked period");
    expect(html).toContain('action="/admin/deadletters/4/retry"');
    expect(html).toContain('action="/admin/deadletters/retry-all"');
    expect(html).toContain('action="/admin/reconcile"');
    expect(html).toContain('type="password" name="token"');
    expect(html).toContain("has never sent a webhook, though the pair has webhookSecrets");
  });

  it("escapes every value: a hostile pair id, entity id, error text and flash never become markup", async () => {
    const base = statusConfig();
    const pair = base.pairs[0];
    if (!pair) throw new Error("no pair");
    const env = await startPage({ adminToken: ADMIN_TOKEN, config: { ...base, pairs: [{ ...pair, id: HOSTILE_PAIR }] } });
    await enqueueDeliveries(env.database, [[event(HOSTILE_PAIR, WS.SRC, HOSTILE_ENTITY)]]);
    const claimed = await claimEntities(env.database, { limit: 10, leaseMs: 1000 });
    await deadLetterEvents(env.database, claimed.flatMap((c) => c.rows.map((r) => r.id)), HOSTILE_ERROR);

    const html = (await request(env.service.app).get("/?flash=<script>alert(3)</script>&n=1")).text;
    // The page's own script is the only one (and exactly the one the CSP's hash allows).
    expect(html.split(`<script>${STATUS_PAGE_SCRIPT}</script>`)).toHaveLength(2);
    expect(html.replace(`<script>${STATUS_PAGE_SCRIPT}</script>`, "")).not.toMatch(/<script|<img|onerror="/i);
    expect(html).toContain("&lt;script&gt;alert(&quot;pair&quot;)&lt;/script&gt;");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(2)&quot;&gt;");
    // An unknown flash code shows nothing at all: the query can't put words on the page.
    expect(html).not.toContain('id="flash"');
  });

  it("is read-only without ADMIN_TOKEN: no forms, and every admin POST answers 403 and changes nothing", async () => {
    const env = await startPage();
    await seedAcme(env.database);
    const html = (await request(env.service.app).get("/")).text;
    expect(html).not.toContain("<form");
    expect(html).toContain("Read-only: set ADMIN_TOKEN");
    for (const path of ["/admin/reconcile", "/admin/deadletters/4/retry", "/admin/deadletters/retry-all"]) {
      const res = await request(env.service.app).post(path).type("form").send({ token: "" });
      expect(res.status).toBe(403);
      expect(res.text).toContain("ADMIN_TOKEN is not set");
    }
    await env.service.statusActions.idle();
    expect((await listDeadLetters(env.database)).map((r) => r.id)).toEqual([4]);
    expect(listRecentReconcileRuns(env.database).map((r) => r.trigger)).toEqual(["cli", "schedule"]);
  });

  it("answers 403 to a wrong or missing token and changes nothing", async () => {
    const env = await startPage({ adminToken: ADMIN_TOKEN });
    await seedAcme(env.database);
    const attempts = [
      { path: "/admin/reconcile", body: { token: "wrong" } },
      { path: "/admin/reconcile", body: { token: ADMIN_TOKEN.slice(0, -1) } },
      { path: "/admin/reconcile", body: { token: `${ADMIN_TOKEN} ` } },
      { path: "/admin/reconcile", body: {} },
      { path: "/admin/deadletters/4/retry", body: { token: "wrong" } },
      { path: "/admin/deadletters/retry-all", body: { token: ADMIN_TOKEN.toUpperCase() } },
    ];
    for (const { path, body } of attempts) {
      const res = await request(env.service.app).post(path).type("form").send(body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(403);
      expect(res.text).toContain("Nothing was changed");
    }
    // A token in JSON or the query string is not a form field either.
    expect((await request(env.service.app).post("/admin/reconcile").send({ token: ADMIN_TOKEN })).status).toBe(403);
    expect((await request(env.service.app).post(`/admin/reconcile?token=${ADMIN_TOKEN}`)).status).toBe(403);
    await env.service.statusActions.idle();
    expect(getInboxEvent(env.database, 4)).toMatchObject({ status: "dead", attempts: 1 });
    expect(listRecentReconcileRuns(env.database)).toHaveLength(2);
    expect(env.logs.join("")).not.toContain(ADMIN_TOKEN);
  });

  it("with the right token: retries a dead letter, redirects 303 to / with a flash, then retries all", async () => {
    const env = await startPage({ adminToken: ADMIN_TOKEN });
    await seedAcme(env.database);
    const res = await request(env.service.app).post("/admin/deadletters/4/retry").type("form").send({ token: ADMIN_TOKEN });
    expect(res.status).toBe(303);
    expect(res.headers["location"]).toBe("/?flash=retried&n=1");
    expect(getInboxEvent(env.database, 4)).toMatchObject({ status: "pending", attempts: 0, lastError: null });
    const page = await request(env.service.app).get(res.headers["location"] as string);
    expect(page.text).toContain("1 dead letter(s) queued again");

    // Retrying it again finds nothing to do and says so.
    const again = await request(env.service.app).post("/admin/deadletters/4/retry").type("form").send({ token: ADMIN_TOKEN });
    expect(again.headers["location"]).toBe("/?flash=retried&n=0");

    await enqueueDeliveries(env.database, [[event("acme", WS.SRC, "x1"), event("acme", WS.SRC, "x2")]]);
    const claimed = await claimEntities(env.database, { limit: 10, leaseMs: 1000 });
    await deadLetterEvents(env.database, claimed.flatMap((c) => c.rows.map((r) => r.id)), "boom");
    expect(await listDeadLetters(env.database)).not.toHaveLength(0);
    const all = await request(env.service.app).post("/admin/deadletters/retry-all").type("form").send({ token: ADMIN_TOKEN });
    expect(all.status).toBe(303);
    expect(all.headers["location"]).toMatch(/^\/\?flash=retried&n=[1-9]\d*$/);
    expect(await listDeadLetters(env.database)).toEqual([]);

    const bad = await request(env.service.app).post("/admin/deadletters/abc/retry").type("form").send({ token: ADMIN_TOKEN });
    expect(bad.status).toBe(400);
  });

  it("with the right token: starts a reconciliation in the background (trigger admin) and redirects at once", async () => {
    const env = await startPage({ adminToken: ADMIN_TOKEN });
    const res = await request(env.service.app).post("/admin/reconcile").type("form").send({ token: ADMIN_TOKEN });
    expect(res.status).toBe(303);
    expect(res.headers["location"]).toBe("/?flash=reconcile-started");
    await env.service.statusActions.idle();
    // The API is unreachable here, so the runs fail; what matters is that they ran and recorded themselves.
    const runs = listRecentReconcileRuns(env.database);
    expect(runs.map((r) => [r.pairId, r.trigger, r.dryRun])).toEqual(
      expect.arrayContaining([
        ["acme", "admin", false],
        ["globex", "admin", false],
      ]),
    );
    expect(runs.every((r) => r.outcome !== "running")).toBe(true);
    const page = await request(env.service.app).get("/?flash=reconcile-started");
    expect(page.text).toContain("Reconciliation started");
  });
});
