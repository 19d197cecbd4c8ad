import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listEntryMappings, listRecentReconcileRuns } from "../db/stored-rows.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";

const CHROMIUM = "/usr/bin/chromium";
const ADMIN_TOKEN = "browser-test-admin-token-7f3a-0123456789";

// Without the browser a developer's machine skips this file, loudly; CI must have it, so there it runs
// (and fails at launch if the browser is missing).
const skip = !existsSync(CHROMIUM) && !process.env["CI"];
if (skip) {
  console.warn(`test/e2e/status-browser.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium). In CI (CI set) it runs.`);
}

describe.skipIf(skip)("status page in a real browser", () => {
  let browser: Browser;
  let m: MirrorEnv;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    m = await startMirror({ adminToken: ADMIN_TOKEN });
    base = new URL(m.webhookUrl).origin;
    // A phone-sized viewport: the page must work there.
    page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  });
  afterEach(async () => {
    await page?.close();
    // A run started from the page must be over before its database closes.
    await m.service.statusActions.idle();
    await m.close();
  });

  /** Three entries mirrored through the webhooks, as in real use. */
  async function seedMirroredEntries(): Promise<void> {
    const { world } = m.sim;
    const ws = m.source.workspaceId;
    const project = world.addProject(ws, { name: "Website", clientId: m.source.clientId });
    world.addProject(m.destination.workspaceId, { name: "Website" });
    for (const [i, description] of ["homepage", "pricing page", "blog"].entries()) {
      world.createTimeEntry(
        ws,
        m.user.id,
        { start: `2026-11-2${i}T09:00:00Z`, end: `2026-11-2${i}T10:00:00Z`, description, projectId: project.id },
        { emit: true },
      );
    }
    await m.settle();
    expect(listEntryMappings(m.database, "acme").filter((e) => e.state === "live")).toHaveLength(3);
  }

  const text = async (selector: string) => ((await page.locator(selector).textContent()) ?? "").trim();

  it("shows the mirror's facts, refuses a wrong token, and reconciles with the right one", async () => {
    await seedMirroredEntries();
    const response = await page.goto(`${base}/`);
    expect(response?.status()).toBe(200);

    expect(await text('[data-pair="acme"] h2')).toBe("Pair acme");
    expect(await text('[data-pair="acme"] [data-fact="entries-live"]')).toBe("3");
    expect(await text('[data-pair="acme"] [data-fact="inbox-depth"]')).toBe("0");
    expect(await text('[data-pair="acme"] [data-fact="dead-letters"]')).toBe("0");
    expect(await text('[data-pair="acme"] [data-fact="last-reconcile"]')).toBe("none yet");
    expect(await text('[data-pair="acme"] [data-fact="last-webhook-source"]')).toContain(m.source.workspaceId);
    expect(await page.locator("#activity tbody tr").count()).toBeGreaterThanOrEqual(3);
    expect(await text("#activity")).toContain("Copied to the destination");
    expect(await text("#activity")).toContain("pricing page");
    // One script, the page's own (its hash is in the CSP), and nothing overflows the phone's width.
    expect(await page.locator("script").count()).toBe(1);
    // (A string: this project's TypeScript has no DOM types.)
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);

    // The page asks for the token at the first button and keeps it in memory; a wrong one is refused.
    const reconcile = page.getByRole("button", { name: "Reconcile now" });
    await reconcile.click();
    await page.locator("#token-input").fill("not-the-token");
    const [refused] = await Promise.all([
      page.waitForResponse(`${base}/admin/reconcile`),
      page.getByRole("button", { name: "Use token" }).click(),
    ]);
    expect(refused.status()).toBe(403);
    await page.locator("#action-result", { hasText: "Wrong admin token" }).waitFor();
    expect(listRecentReconcileRuns(m.database)).toEqual([]);

    await reconcile.click();
    await page.locator("#token-input").fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Use token" }).click();
    await page.locator("#action-result", { hasText: "Reconciliation started" }).waitFor();

    await m.service.statusActions.idle();
    const runs = listRecentReconcileRuns(m.database);
    expect(runs.map((r) => [r.pairId, r.trigger, r.outcome, r.dryRun])).toEqual([["acme", "admin", "succeeded", false]]);
    expect(runs[0]).toMatchObject({ unchanged: 3, created: 0, deleted: 0 });

    await page.goto(`${base}/`);
    expect(await text('[data-pair="acme"] [data-fact="last-reconcile"]')).toMatch(/ · admin$/);
    expect(await text('[data-pair="acme"] [data-fact="last-reconcile-outcome"]')).toMatch(/^succeeded/);
    expect(await text('[data-pair="acme"] [data-fact="last-reconcile-counts"]')).toContain("unchanged 3");
  });
});
