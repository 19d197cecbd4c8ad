import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { listRecentReconcileRuns } from "../db/stored-rows.js";
import { ADMIN_TOKEN, listenService, type Listening } from "./listening.js";

let env: Listening | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function adminPost(l: Listening, token: string): Promise<{ status: number; retryAfter: string | undefined }> {
  const res = await request(`${l.base}/admin/reconcile`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }).toString(),
  });
  await res.body.dump();
  const retryAfter = res.headers["retry-after"];
  return { status: res.statusCode, retryAfter: typeof retryAfter === "string" ? retryAfter : undefined };
}

/** Guesses for `ms`, `concurrency` at a time, as fast as the server answers. */
async function guess(l: Listening, ms: number, concurrency: number): Promise<Array<{ status: number; retryAfter: string | undefined }>> {
  const answers: Array<{ status: number; retryAfter: string | undefined }> = [];
  const until = Date.now() + ms;
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) answers.push(await adminPost(l, `guess-${n++}-${"0".repeat(32)}`));
    }),
  );
  return answers;
}

const logLines = (l: Listening) => l.records() as Array<{ msg: string; count?: number; sources?: string }>;

describe("admin token guessing (brute force)", () => {
  it("gets 10 wrong tries per address, then 429 with Retry-After, even for the right token, and one log line", async () => {
    env = await listenService({ adminToken: ADMIN_TOKEN, http: { summaryIntervalMs: 60_000 } });
    const answers = await guess(env, 1000, 8);
    const checked = answers.filter((a) => a.status === 403).length;
    const throttled = answers.filter((a) => a.status === 429);
    console.log(`brute force: ${answers.length} guesses in 1 s, ${checked} checked (403), ${throttled.length} refused unchecked (429)`);
    expect(checked).toBe(10);
    expect(throttled.length).toBe(answers.length - 10);
    expect(throttled.length).toBeGreaterThan(50);
    expect(throttled.every((a) => Number(a.retryAfter) >= 1 && Number(a.retryAfter) <= 6)).toBe(true);

    // While throttled, even the right token is not looked at: a guess can't be told right from wrong.
    expect((await adminPost(env, ADMIN_TOKEN)).status).toBe(429);
    await env.service.statusActions.idle();
    expect(listRecentReconcileRuns(env.database)).toEqual([]);

    // One line for the first wrong token; the rest waits for the minute's summary, not a line each.
    const refused = logLines(env).filter((e) => e.msg.startsWith("token refused"));
    expect(refused).toHaveLength(1);
    const metrics = await env.service.metrics.registry.metrics();
    expect(metrics).toContain('http_auth_failures_total{surface="admin",outcome="wrong_token"} 10');
    expect(metrics).toContain(`http_auth_failures_total{surface="admin",outcome="throttled"} ${throttled.length + 1}`);
  });

  it("lets the address try again as its bucket refills, and sums the attempts up in one line per interval", async () => {
    env = await listenService({ adminToken: ADMIN_TOKEN, http: { authFailureBurst: 3, authFailureRefillMs: 300, summaryIntervalMs: 500 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await adminPost(env, "wrong-wrong-wrong-wrong-wrong-wrong!")).status);
    expect(statuses).toEqual([403, 403, 403, 429, 429]);
    await new Promise((r) => setTimeout(r, 350));
    const right = await adminPost(env, ADMIN_TOKEN);
    expect(right.status).toBe(303);
    await new Promise((r) => setTimeout(r, 600));
    const summary = logLines(env).filter((e) => e.msg.startsWith("tokens refused: "));
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({ count: 4, sources: "1" });
    expect(summary[0]?.msg).toBe("tokens refused: 4 wrong or throttled attempts from 1 address(es) in the last 0.5 s");
  });
});

describe("ADMIN_TOKEN length", () => {
  it("stops the server at start with one clear line when ADMIN_TOKEN is shorter than 32 characters", async () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
      cwd: root,
      env: { ...process.env, ADMIN_TOKEN: "short-admin-token-123", CLOCKIFY_SYNC_CONFIG: "/nonexistent/config.json" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    // A bad setting is a bad config: 2, which a supervisor does not retry.
    expect(code).toBe(2);
    expect(output.trim()).toBe(
      "clockify-sync: ADMIN_TOKEN: expected at least 32 characters (make one with: openssl rand -hex 32), got a string of length 21",
    );
  });
});
