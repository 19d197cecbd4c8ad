import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { listDeadLetters } from "../../src/db/inbox.js";
import type { ReloadOutcome } from "../../src/status/actions.js";
import { useTempDatabases } from "../db/temp-database.js";
import { activityConfig, HOSTILE_PROJECT, seedActivity, seedProblems } from "../status/activity-seed.js";
import { NOW, seedAcme } from "../status/seed.js";
import { statusApp, type StatusApp } from "./status-app.js";

const CHROMIUM = "/usr/bin/chromium";
const ADMIN_TOKEN = "status-page-browser-admin-token-0123456789";
/** Screenshots of the page at each width, kept for a person to look at (CI uploads the folder). */
export const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));

// Without the browser a developer's machine skips this file, loudly; CI must have it, so there it runs.
const skip = !existsSync(CHROMIUM) && !process.env["CI"];
if (skip) console.warn(`test/http/status-page-browser.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium).`);

const temp = useTempDatabases();

describe.skipIf(skip)("the status page in a real browser", () => {
  let browser: Browser;
  let env: StatusApp | undefined;
  let page: Page | undefined;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await page?.context().close();
    page = undefined;
    await env?.close();
    env = undefined;
  });

  async function openPage(width: number, height: number, reload?: () => ReloadOutcome): Promise<{ page: Page; base: string }> {
    const database = temp.open();
    await seedActivity(database);
    await seedAcme(database);
    await seedProblems(database);
    env = statusApp(database, { config: activityConfig(), adminToken: ADMIN_TOKEN, now: () => NOW, ...(reload ? { reload } : {}) });
    const base = await env.listen();
    const context = await browser.newContext({ viewport: { width, height } });
    const opened = await context.newPage();
    page = opened;
    pageErrors = [];
    // A CSP refusal (a wrong hash) or a script error shows up here; a refused action's status is no error of the page.
    const answered = /^Failed to load resource: the server responded with a status of (403|409)\b/;
    opened.on("console", (m) => (m.type() === "error" && !answered.test(m.text()) ? pageErrors.push(m.text()) : undefined));
    opened.on("pageerror", (e) => pageErrors.push(e.message));
    const res = await opened.goto(`${base}/`);
    expect(res?.status()).toBe(200);
    return { page: opened, base };
  }

  /** Every cell of every list row, with its box; `inside` is false for one cut off or scrolled away. */
  const cellBoxes = (p: Page) =>
    p.evaluate<Array<{ table: string; label: string; width: number; height: number; inside: boolean; clipped: boolean }>>(`
      [...document.querySelectorAll("table.list tbody td")].map((td) => {
        const r = td.getBoundingClientRect();
        const box = td.closest(".box").getBoundingClientRect();
        return {
          table: td.closest("table").id,
          label: td.dataset.label,
          width: r.width,
          height: r.height,
          inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.right <= window.innerWidth + 0.5 && r.left >= -0.5,
          clipped: td.firstElementChild.scrollWidth > td.firstElementChild.clientWidth + 1,
        };
      })`);

  for (const [width, height] of [
    [1280, 900],
    [390, 844],
  ] as const) {
    it(`fits ${width} px: no horizontal overflow, every cell of every row in sight (screenshot kept)`, async () => {
      const { page: p } = await openPage(width, height);
      expect(await p.evaluate<boolean>("document.documentElement.classList.contains('js')")).toBe(true);
      expect(await p.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(await p.evaluate<number>("window.innerWidth"));
      const cells = await cellBoxes(p);
      const activity = cells.filter((c) => c.table === "activity");
      expect(activity.length).toBe(9 * 9);
      expect(cells.some((c) => c.table === "dead-letters")).toBe(true);
      expect(cells.filter((c) => !c.inside || c.clipped || c.width === 0 || c.height === 0)).toEqual([]);
      // The problems sit above everything but the title; the error is the first of them.
      const firstProblem = p.locator("#problems li").first();
      expect(await firstProblem.getAttribute("class")).toBe("problem problem-error");
      const problemTop = (await firstProblem.boundingBox())?.y ?? Infinity;
      expect(problemTop).toBeLessThan((await p.locator("#actions").boundingBox())?.y ?? -1);
      // A hostile project name is text on the page, and no script but the page's own ran.
      expect(await p.getByText(HOSTILE_PROJECT).count()).toBe(1);
      expect(pageErrors).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await p.screenshot({ path: `${ARTIFACTS}status-page-${width}.png`, fullPage: true });
    });
  }

  it("asks the admin token once, keeps it only in memory, forgets a wrong one, and shows each action's outcome", async () => {
    const answers: ReloadOutcome[] = [{ ok: true, pairs: ["acme", "globex"] }, { ok: false, message: "pairs[1].id: duplicate id \u201cacme\u201d" }];
    const { page: p } = await openPage(390, 844, () => answers.shift() ?? { ok: false, message: "no more answers" });
    const dialog = p.locator("#token-dialog");
    const result = (text: string) => p.locator("#action-result", { hasText: text }).waitFor();
    // Without script each form had its own field; with it there is none left to type into.
    expect(await p.locator('form[data-admin] input[name="token"]').count()).toBe(0);

    // A wrong token: refused, and forgotten, so the next button asks again.
    await p.getByRole("button", { name: "Reconcile now" }).click();
    await dialog.waitFor({ state: "visible" });
    await p.locator("#token-input").fill("not-the-token");
    await p.getByRole("button", { name: "Use token" }).click();
    await result("Wrong admin token");
    expect(env?.reconcileCalls()).toBe(0);

    await p.getByRole("button", { name: "Reconcile now" }).click();
    await dialog.waitFor({ state: "visible" });
    await p.locator("#token-input").fill(ADMIN_TOKEN);
    await p.locator("#token-input").press("Enter");
    await result("Reconciliation started");
    await env?.actions.idle();
    expect(env?.reconcileCalls()).toBe(1);
    expect(await p.locator("#token-held").isVisible()).toBe(true);

    // Held now: the next buttons do not ask.
    await p.getByRole("button", { name: "Reload config" }).click();
    await result("Config reloaded; 2 pair(s) running: acme, globex.");
    expect(await dialog.isVisible()).toBe(false);
    await p.getByRole("button", { name: "Reload config" }).click();
    await result("Config not reloaded: pairs[1].id: duplicate id \u201cacme\u201d. The config in effect keeps running.");
    expect(await p.locator("#action-result").getAttribute("class")).toBe("refused");

    await p.getByRole("button", { name: "Retry", exact: true }).click();
    await result("1 dead letter(s) queued again");
    // The page fetched itself again: the dead letter is gone from it, the token still held.
    await p.getByText("No dead letters.").waitFor();
    expect(await listDeadLetters(temp.open("sync.db"))).toEqual([]);
    expect(await dialog.isVisible()).toBe(false);

    // Nothing that outlives the page holds it, and it is nowhere in the document.
    expect(await p.evaluate<number>("localStorage.length + sessionStorage.length")).toBe(0);
    expect(await p.evaluate<string>("document.cookie")).toBe("");
    expect(await p.context().cookies()).toEqual([]);
    expect(await p.content()).not.toContain(ADMIN_TOKEN);
    expect(pageErrors).toEqual([]);

    // A new page session (reload) asks again.
    await p.reload();
    await p.getByRole("button", { name: "Reconcile now" }).click();
    await dialog.waitFor({ state: "visible" });
    await p.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(env?.reconcileCalls()).toBe(1);
  });
});
