import { createHash } from "node:crypto";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { STATUS_PAGE_SCRIPT } from "../../src/http/status-page-script.js";
import { STATUS_PAGE_STYLE } from "../../src/http/status-page-style.js";
import type { ReloadOutcome } from "../../src/status/actions.js";
import { useTempDatabases } from "../db/temp-database.js";
import {
  activityConfig,
  HOSTILE_DESCRIPTION,
  HOSTILE_PROJECT,
  LONG_DESCRIPTION,
  LONG_DESTINATION_ID,
  LONG_ID,
  PROBLEM_MESSAGES,
  seedActivity,
  seedProblems,
} from "../status/activity-seed.js";
import { NOW, seedAcme } from "../status/seed.js";
import { statusApp, type StatusApp, type StatusAppOptions } from "./status-app.js";

const ADMIN_TOKEN = "status-page-activity-admin-token-0123456789";
const OUR_SCRIPT = `<script>${STATUS_PAGE_SCRIPT}</script>`;
const temp = useTempDatabases();
const opened: StatusApp[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

async function open(options: Partial<StatusAppOptions> = {}, seed: "activity" | "none" = "activity"): Promise<StatusApp> {
  const database = temp.open();
  if (seed === "activity") {
    await seedActivity(database);
    await seedProblems(database);
  }
  const app = statusApp(database, { config: activityConfig(), adminToken: ADMIN_TOKEN, now: () => NOW, ...options });
  opened.push(app);
  return app;
}

const rowOf = (html: string, entityId: string): string =>
  [...html.matchAll(/<tr data-event="\d+">(.*?)<\/tr>/g)].map((m) => m[1] ?? "").find((row) => row.includes(`<code>${entityId}</code>`)) ?? "";

/** The text of a row's cell, by its data-label. */
const cellOf = (row: string, label: string): string =>
  new RegExp(`<td data-label="${label.replace(/[()]/g, "\\$&")}"[^>]*><div>(.*?)</div></td>`).exec(row)?.[1] ?? "(no such cell)";

const sha = (text: string) => createHash("sha256").update(text).digest("base64");

describe("status page: recent activity in words", () => {
  it("shows per event the description (shortened), project, start in the config's time zone, duration and outcome", async () => {
    const { app } = await open();
    const html = (await request(app).get("/")).text;
    expect(html).toContain(`<th scope="col">Start (Europe/Berlin)</th>`);

    const long = rowOf(html, LONG_ID);
    expect(cellOf(long, "Event")).toBe("New entry");
    expect(cellOf(long, "Description")).toBe(`${LONG_DESCRIPTION.slice(0, 79).trimEnd()}…`.replace(/'/g, "&#39;"));
    expect(long).toContain(`title="${LONG_DESCRIPTION.replace(/'/g, "&#39;")}"`);
    expect(cellOf(long, "Project")).toBe("Website relaunch");
    // 09:00 UTC is 10:00 in Berlin in November; the UTC instant stays in the title.
    expect(cellOf(long, "Start (Europe/Berlin)")).toBe("2026-11-20 10:00");
    expect(long).toContain(`title="2026-11-20 09:00:00 UTC"`);
    expect(cellOf(long, "Duration")).toBe("1 h 30 min");
    expect(cellOf(long, "Outcome")).toBe("Copied to the destination");
    expect(long).toContain('class="text outcome-changed" title="created"');
    // The ids stay at hand.
    expect(cellOf(long, "Ids")).toBe(`<code>${LONG_ID}</code><code>→ ${LONG_DESTINATION_ID}</code>`);
    expect(cellOf(long, "Applied")).toBe(`2 h ago<br><span class="muted">after 1.5 s</span>`);

    const running = rowOf(html, "run-1");
    expect(cellOf(running, "Event")).toBe("Timer started");
    expect(cellOf(running, "Duration")).toBe(`<span class="muted">running</span>`);
    expect(cellOf(running, "Outcome")).toBe("Not mirrored: the timer is still running");

    const project = rowOf(html, "proj-1");
    expect(cellOf(project, "Project")).toBe("Mobile app");
    expect(cellOf(project, "Outcome")).toBe("Counterpart project created");
    expect(cellOf(project, "Start (Europe/Berlin)")).toBe(`<span class="muted">—</span>`);

    const gone = rowOf(html, "gone-1");
    expect(cellOf(gone, "Pair")).toBe("retired");
    expect(cellOf(gone, "Description")).toBe(`<span class="muted">(no description)</span>`);
    expect(cellOf(gone, "Project")).toBe(`<span class="muted">(no project)</span>`);
    expect(cellOf(gone, "Duration")).toBe("20 s");
    expect(cellOf(gone, "Outcome")).toBe("Dropped: the pair is no longer configured");
    expect(gone).toContain("outcome-attention");

    // A body the webhook schemas refuse shows "—", never a guess.
    const stub = rowOf(html, "stub-1");
    for (const label of ["Description", "Project", "Start (Europe/Berlin)", "Duration"]) expect(cellOf(stub, label)).toBe(`<span class="muted">—</span>`);
    expect(cellOf(stub, "Outcome")).toBe("Copy already up to date");
  });

  it("keeps descriptions, project names and problem messages inert: the only script is the page's own", async () => {
    const { app } = await open();
    const html = (await request(app).get("/")).text;
    expect(html.split(OUR_SCRIPT)).toHaveLength(2);
    const rest = html.replace(OUR_SCRIPT, "");
    // Text, not tags: "onerror=" may appear, but only after an escaped "&lt;".
    expect(rest.match(/<script|<img|<b>|onerror="/gi) ?? []).toEqual([]);
    const hostile = rowOf(html, "hostile-1");
    expect(cellOf(hostile, "Description")).toBe(
      "&lt;script&gt;alert(&quot;description&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(5)&gt;",
    );
    expect(cellOf(hostile, "Project")).toBe("&lt;script&gt;alert(&quot;project&quot;)&lt;/script&gt;");
    expect(HOSTILE_DESCRIPTION.length).toBeLessThan(80);
    expect(HOSTILE_PROJECT).toContain("<script>");
    expect(html).toContain("is disabled in Clockify &lt;b&gt;bold&lt;/b&gt;");
  });

  it("allows exactly its script and stylesheet by hash, fetches only to itself, and the script parses", async () => {
    const { app } = await open();
    const res = await request(app).get("/");
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src 'sha256-${sha(STATUS_PAGE_SCRIPT)}'`);
    expect(csp).toContain(`style-src 'sha256-${sha(STATUS_PAGE_STYLE)}'`);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.text).toContain(`<style>${STATUS_PAGE_STYLE}</style>`);
    // Parsed by V8, not run: a syntax error would leave the buttons to the no-script forms silently.
    expect(() => new Function(STATUS_PAGE_SCRIPT)).not.toThrow();
    // The token lives in a variable: nothing that outlives the page is touched.
    expect(STATUS_PAGE_SCRIPT).not.toMatch(/localStorage|sessionStorage|document\.cookie|indexedDB/);
  });

  it("has no script and no dialog when read-only", async () => {
    const { app } = await open({ adminToken: undefined });
    const html = (await request(app).get("/")).text;
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<dialog");
    expect(html).not.toContain("<form");
  });
});

describe("status page: the checks' problems come first", () => {
  it("shows errors then warnings, each with pair, check, message and since when, above everything else", async () => {
    const { app } = await open();
    const html = (await request(app).get("/")).text;
    const at = (marker: string) => {
      const i = html.indexOf(marker);
      expect(i, marker).toBeGreaterThan(-1);
      return i;
    };
    expect(at('id="problems"')).toBeLessThan(at('id="actions"'));
    expect(at('id="actions"')).toBeLessThan(at('id="warnings"'));
    expect(at('id="warnings"')).toBeLessThan(at('<section class="pair"'));
    expect(at('<section class="pair"')).toBeLessThan(at('id="activity"'));

    const problems = [...html.matchAll(/<li class="problem problem-(\w+)" data-pair="([^"]+)" data-check="([^"]+)">(.*?)<\/li>/g)];
    expect(problems.map((m) => [m[1], m[2], m[3]])).toEqual([
      ["error", "acme", "source.key"],
      ["warning", "acme", "webhooks"],
      ["warning", "globex", "destination.settings"],
    ]);
    const first = problems[0]?.[4] ?? "";
    expect(first).toContain(`<strong class="level">Error</strong>`);
    expect(first).toContain(PROBLEM_MESSAGES.key);
    expect(first).toContain("failing since 2026-11-20 10:00:00 UTC (2 h ago)");
    expect(problems[1]?.[4]).toContain(`<strong class="level">Warning</strong>`);
    // A pair no longer configured has no say.
    expect(html).not.toContain("removed-pair");
    // Problems are not repeated among the pairs' warnings.
    const warnings = /<section class="warnings" id="warnings" data-live>(.*?)<\/section>/s.exec(html)?.[1] ?? "";
    expect(warnings).not.toContain("source.key");
  });

  it("says so when the checks found nothing", async () => {
    const { app } = await open({}, "none");
    expect((await request(app).get("/")).text).toContain("No problems found by the checks.");
  });
});

describe("POST /admin/reload", () => {
  const reloads = (answers: ReloadOutcome[]) => {
    const calls: number[] = [];
    return {
      calls,
      reload: () => {
        calls.push(1);
        return answers.shift() ?? { ok: false, message: "no more answers" };
      },
    };
  };
  const post = (app: StatusApp, token: string | undefined, json = false) => {
    const req = request(app.app).post("/admin/reload").type("form");
    if (json) req.set("accept", "application/json");
    return req.send(token === undefined ? {} : { token });
  };

  it("reloads with the token: a form is redirected to the page's message, the script gets JSON", async () => {
    const r = reloads([{ ok: true, pairs: ["acme", "globex"] }, { ok: true, pairs: ["acme"] }]);
    const app = await open({ reload: r.reload });
    const form = await post(app, ADMIN_TOKEN);
    expect(form.status).toBe(303);
    expect(form.headers["location"]).toBe("/?flash=reloaded&n=2");
    expect((await request(app.app).get("/?flash=reloaded&n=2")).text).toContain("Config reloaded; 2 pair(s) running.");

    const json = await post(app, ADMIN_TOKEN, true);
    expect(json.status).toBe(200);
    expect(json.headers["content-type"]).toMatch(/^application\/json/);
    expect(json.body).toEqual({ ok: true, message: "Config reloaded; 1 pair(s) running: acme." });
    expect(r.calls).toHaveLength(2);
  });

  it("shows a refused reload's message (escaped), says the old config keeps running, answers 409", async () => {
    const message = `config file: pairs[0].source.apiKey: required <b>x</b>`;
    const r = reloads([{ ok: false, message }, { ok: false, message }]);
    const app = await open({ reload: r.reload });
    const form = await post(app, ADMIN_TOKEN);
    expect(form.status).toBe(409);
    expect(form.text).toContain("<h1>Config not reloaded</h1>");
    expect(form.text).toContain("pairs[0].source.apiKey: required &lt;b&gt;x&lt;/b&gt;. The config in effect keeps running.");
    const json = await post(app, ADMIN_TOKEN, true);
    expect(json.status).toBe(409);
    expect(json.body).toEqual({
      ok: false,
      reason: "refused",
      message: `Config not reloaded: ${message}. The config in effect keeps running.`,
    });
  });

  it("says when this process cannot reload at all", async () => {
    const app = await open();
    const json = await post(app, ADMIN_TOKEN, true);
    expect(json.status).toBe(409);
    expect(json.body.message).toContain("this process cannot reload its config");
  });

  it("needs the admin token, like every admin action, and is throttled with them", async () => {
    const r = reloads([{ ok: true, pairs: ["acme"] }]);
    const app = await open({ reload: r.reload, http: { authFailureBurst: 3, authFailureRefillMs: 60_000 } });
    expect((await post(app, undefined)).status).toBe(403);
    expect((await post(app, "wrong")).text).toContain("Nothing was changed");
    const json = await post(app, `${ADMIN_TOKEN}x`, true);
    expect(json.status).toBe(403);
    expect(json.body).toMatchObject({ ok: false, reason: "wrong-token" });
    // Three wrong tokens: now even the right one is not looked at.
    const throttled = await post(app, ADMIN_TOKEN, true);
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toMatch(/^\d+$/);
    expect(r.calls).toEqual([]);
    expect(app.logs.join("")).not.toContain(ADMIN_TOKEN);

    const disabled = await open({ adminToken: undefined, reload: r.reload });
    const refused = await post(disabled, "");
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("ADMIN_TOKEN is not set");
    expect(r.calls).toEqual([]);
  });
});

describe("admin actions answer the page's script in JSON", () => {
  it("reconcile and retry: the flash's sentence as JSON; a browser's own form POST still gets the redirect", async () => {
    const database = temp.open();
    await seedAcme(database);
    const app = statusApp(database, { config: activityConfig(), adminToken: ADMIN_TOKEN });
    opened.push(app);
    const json = (path: string) => request(app.app).post(path).set("accept", "application/json").type("form").send({ token: ADMIN_TOKEN });

    const started = await json("/admin/reconcile");
    expect(started.status).toBe(200);
    expect(started.body).toEqual({ ok: true, message: expect.stringContaining("Reconciliation started") });
    await app.actions.idle();
    expect(app.reconcileCalls()).toBe(1);

    expect((await json("/admin/deadletters/4/retry")).body).toEqual({ ok: true, message: "1 dead letter(s) queued again; the worker picks them up at once." });
    expect((await json("/admin/deadletters/retry-all")).body.message).toBe("Nothing was retried: no such dead letter (perhaps it was retried already).");
    const bad = await json("/admin/deadletters/x/retry");
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ ok: false, reason: "bad-request" });

    const browserForm = await request(app.app)
      .post("/admin/reconcile")
      .set("accept", "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8")
      .type("form")
      .send({ token: ADMIN_TOKEN });
    expect(browserForm.status).toBe(303);
  });
});
