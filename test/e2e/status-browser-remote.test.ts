import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { seedAcme, WS } from "../status/seed.js";
import { ADMIN_TOKEN, listenService, REMOTE_CLIENT, VIEW_TOKEN, type Listening } from "../http/listening.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = !existsSync(CHROMIUM) && !process.env["CI"];
if (skip) {
  console.warn(`test/e2e/status-browser-remote.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium). In CI (CI set) it runs.`);
}

describe.skipIf(skip)("the status page from another host, in a real browser", () => {
  let browser: Browser;
  let env: Listening | undefined;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] });
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it("is refused without the token, and shown once the browser answers the prompt with STATUS_VIEW_TOKEN", async () => {
    env = await listenService({ adminToken: ADMIN_TOKEN, statusViewToken: VIEW_TOKEN });
    await seedAcme(env.database);
    // Another host, as the server sees it through a reverse proxy on this one (tests stay on loopback).
    const url = `http://127.0.0.1:${env.port}/`;

    // Without the token, or with a wrong one, the browser gets the challenge and no page. (Under automation
    // Chromium has no prompt to show: it either shows the 401 or fails the navigation on the credentials.)
    for (const httpCredentials of [undefined, { username: "ops", password: `${VIEW_TOKEN}-wrong` }]) {
      const stranger = await browser.newContext({ extraHTTPHeaders: REMOTE_CLIENT, ...(httpCredentials ? { httpCredentials } : {}) });
      const page = await stranger.newPage();
      const statuses: number[] = [];
      page.on("response", (res) => statuses.push(res.status()));
      const outcome = await page.goto(url).then(
        (res) => `status ${res?.status()}`,
        (error: unknown) => String(error),
      );
      expect(outcome).toMatch(/status 401|ERR_INVALID_AUTH_CREDENTIALS/);
      expect(statuses.length).toBeGreaterThan(0);
      expect(statuses.every((s) => s === 401)).toBe(true);
      await stranger.close();
    }

    // What the browser's login prompt sends: any user name, the token as the password.
    const operator = await browser.newContext({ extraHTTPHeaders: REMOTE_CLIENT, httpCredentials: { username: "ops", password: VIEW_TOKEN } });
    const page = await operator.newPage();
    const shown = await page.goto(url);
    expect(shown?.status()).toBe(200);
    expect(((await page.locator('[data-pair="acme"] h2').textContent()) ?? "").trim()).toBe("Pair acme");
    expect(await page.content()).toContain(WS.SRC);
    await operator.close();
  });
});
