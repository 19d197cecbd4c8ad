import { parseConfig } from "../../src/config/index.js";
import { changeFeedSettings } from "../../src/sandbox/change-feed.js";
import type { PollReport } from "../../src/polling/poller.js";
import { startServiceHarness, type ServiceHarness } from "../helpers/harness.js";
import { registerMirrorWebhooks } from "../helpers/mirror.js";
import { acmeConfigFile, startTwoWorkspaces, type TwoWorkspaces } from "../helpers/world.js";

/** A service in polling mode over the simulator, with no webhook registered anywhere. */
export interface PollingEnv extends TwoWorkspaces {
  harness: ServiceHarness;
  /** Source and destination projects of the same name. */
  projectId: string;
  destinationProjectId: string;
  /** One poll, then the worker applies what it pulled. */
  poll(): Promise<PollReport>;
  /** Polls until `done` holds (at most `tries` polls, a short pause between): deletions appear in the feed late. */
  pollUntil(done: () => boolean, tries?: number): Promise<PollReport[]>;
  destinationEntries(): ReturnType<TwoWorkspaces["sim"]["world"]["listTimeEntries"]>;
  close(): Promise<void>;
}

export interface PollingEnvOptions {
  method?: "auto" | "feed" | "listing";
  /** The simulator refuses the feed with this status (a plan without it). */
  refuseFeed?: 403 | 404;
  listingWindowDays?: number;
  /** Also register the webhooks (polling then only heals). */
  webhooks?: boolean;
  /** Feed pages one poll reads before it turns to a listing (default the poller's). */
  feedMaxPages?: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startPollingEnv(options: PollingEnvOptions = {}): Promise<PollingEnv> {
  const env = await startTwoWorkspaces();
  const feed = changeFeedSettings(env.sim.world);
  // Deletions reach the simulated feed 100 ms late instead of a minute; the poller waits 400 ms for them.
  feed.deletedDelayMs = 100;
  feed.refuse = options.refuseFeed;
  const raw = {
    ...acmeConfigFile(env),
    polling: { enabled: true, method: options.method ?? "auto", listingWindowDays: options.listingWindowDays ?? 7 },
  };
  const harness = await startServiceHarness({
    config: parseConfig(raw, {}),
    apiUrl: env.sim.apiBaseUrl,
    listen: true,
    prefix: "clockify-sync-poll-",
    service: {
      worker: { pollMs: 20, retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 30 } },
      // The timer's polls would race the test's: one at start, then not for an hour.
      polling: {
        intervalMs: 3_600_000,
        windows: { overlapMs: 2_000, deletedDelayMs: 400, firstLookBackMs: 60_000 },
        ...(options.feedMaxPages === undefined ? {} : { feedMaxPages: options.feedMaxPages }),
      },
    },
  });
  if (options.webhooks) {
    await registerMirrorWebhooks(env, harness.database, `${harness.base}/webhooks/clockify`);
    await harness.service.tokens.reload();
  }
  const { world } = env.sim;
  const projectId = world.addProject(env.source.workspaceId, { name: "Website", clientId: env.source.clientId }).id;
  const destinationProjectId = world.addProject(env.destination.workspaceId, { name: "Website" }).id;
  const poll = async () => {
    const report = await harness.service.poller.pollNow();
    await harness.service.worker.idle();
    return report;
  };
  return {
    ...env,
    harness,
    projectId,
    destinationProjectId,
    poll,
    async pollUntil(done, tries = 20) {
      const reports: PollReport[] = [];
      for (let i = 0; i < tries && !done(); i++) {
        if (i > 0) await pause(150);
        reports.push(await poll());
      }
      return reports;
    },
    destinationEntries: () => world.listTimeEntries(env.destination.workspaceId),
    async close() {
      await harness.close();
      await env.sim.close();
    },
  };
}
