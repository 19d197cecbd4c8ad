import { markHealingDue } from "../../src/polling/listing-poll.js";
import { describe, expect, it } from "vitest";
import { RateLimiterRegistry } from "../../src/clockify/rate-limiter.js";
import { parseConfig } from "../../src/config/index.js";
import { addApiUsage, apiUsageStore } from "../../src/db/api-usage.js";
import { formatReport } from "../../src/cli/status.js";
import { collectStatus } from "../../src/status/collect.js";
import { collectQuota } from "../../src/status/quota.js";
import { writeCursor } from "../../src/db/cursors.js";
import { useTempDatabases } from "../db/temp-database.js";
import { NOW, statusConfigJson, WS } from "./seed.js";

const databases = useTempDatabases();
const minute = Math.floor(NOW / 60_000);
const config = () =>
  parseConfig({ ...statusConfigJson(), clockify: { workspaces: [{ workspaceId: WS.DST, requestsPerHour: 30 }] } }, {});

describe("requests per workspace in status", () => {
  it("counts the minute and the hour of every configured workspace, and says what waits for a spent budget and until when", async () => {
    const database = databases.open();
    addApiUsage(database, [
      { workspaceId: WS.SRC, minute, requests: 7 },
      { workspaceId: WS.SRC, minute: minute - 30, requests: 100 },
      { workspaceId: WS.SRC, minute: minute - 60, requests: 1000 },
      { workspaceId: WS.DST, minute: minute - 50, requests: 20 },
      { workspaceId: WS.DST, minute: minute - 1, requests: 5 },
    ]);
    const usage = collectQuota(database, config(), NOW);
    expect(usage.find((u) => u.workspaceId === WS.SRC)).toEqual({
      workspaceId: WS.SRC,
      lastMinute: 7,
      lastHour: 107,
      perSecond: 50,
      perHour: null,
      bulkWaitsUntil: null,
      webhookWaitsUntil: null,
    });
    // 25 of 30: bulk work (24) waits until the 20 of minute -50 leave the hour; webhook work still goes.
    expect(usage.find((u) => u.workspaceId === WS.DST)).toMatchObject({ lastHour: 25, perHour: 30, bulkWaitsUntil: (minute + 10) * 60_000, webhookWaitsUntil: null });

    const text = formatReport(await collectStatus(database, config(), NOW));
    expect(text).toContain(`${WS.SRC}: 7 request(s) this minute (at most 50/s), 107 in the last hour`);
    expect(text).toContain(`${WS.DST}: 0 request(s) this minute (at most 50/s), 25 in the last hour of a budget of 30: reconciliation and checks wait until 2026-11-20 12:10:00 UTC (in 10 min)`);
  });

  it("sees what another process's limiter counted in the same database", () => {
    const database = databases.open();
    const other = new RateLimiterRegistry({ requestsPerSecond: 10, usage: apiUsageStore(database), now: () => NOW });
    const gate = other.forKey("another process's key");
    return Promise.all([gate.acquire({ workspaceId: WS.SRC2 }), gate.acquire({ workspaceId: WS.SRC2 })]).then(() => {
      other.close();
      expect(collectQuota(database, config(), NOW).find((u) => u.workspaceId === WS.SRC2)).toMatchObject({ lastMinute: 2, lastHour: 2 });
    });
  });

  it("shows polling when it is on: how often, and each source workspace's last feed and listing poll", async () => {
    const database = databases.open();
    const polling = parseConfig({ ...statusConfigJson(), polling: { enabled: true, intervalMinutes: 7 } }, {});
    await writeCursor(database, `poll:feed:${WS.SRC}:changes`, NOW - 60_000, NOW - 180_000);
    const report = await collectStatus(database, polling, NOW);
    expect(report.polling?.workspaces).toEqual([
      { workspaceId: WS.SRC, lastFeedPollAt: NOW - 180_000, lastListingPollAt: null, listingOwedSince: null },
      { workspaceId: WS.SRC2, lastFeedPollAt: null, lastListingPollAt: null, listingOwedSince: null },
    ]);
    expect(formatReport(report)).toContain(`${WS.SRC}: auto every 7 min; last feed poll 3 min ago, last listing poll never`);
    await markHealingDue(database, WS.SRC2, NOW - 600_000);
    expect(formatReport(await collectStatus(database, polling, NOW))).toContain(
      `${WS.SRC2}: auto every 7 min; last feed poll never, last listing poll never; a listing is owed since 10 min ago (the feed missed changes)`,
    );
    expect((await collectStatus(database, config(), NOW)).polling).toBeUndefined();
  });
});
