/**
 * Polling mode's cost: Clockify requests per hour, idle and under a steady edit rate, with the change feed
 * and with the listing fallback.
 *
 * Time is compressed: polls run back to back (`pollNow`), each standing for one polling interval; a poll's
 * requests are counted exactly (the simulator's request log), and an hour is `60 / interval` polls. The
 * simulator shows deletions 100 ms late instead of a minute and the poller waits 400 ms for them, so the
 * deletion delay is compressed too; nothing else depends on wall time.
 */
import { intervalForBudget, UNBUDGETED_INTERVAL_MINUTES } from "../../src/polling/interval.js";
import { startPollingEnv, type PollingEnv } from "../polling/polling-env.js";
import { fmt, log, sleep, type BenchTable } from "./common.js";

const POLLS = 20;
const FREE_PER_HOUR = 30;

interface Cost {
  method: "feed" | "listing";
  /** The poller's own requests per poll (feed pages, or the listing's reconciliation). */
  pollRequests: number;
  /** Every request per poll, the worker's reads and writes of the changes included. */
  allRequests: number;
  changesPerPoll: number;
}

/** Polls until the poller is idle (new entries are read again a while, see dueRechecks). */
async function settle(env: PollingEnv): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const report = await env.poll();
    if (report.workspaces.every((w) => w.changes === 0)) return;
    await sleep(100);
  }
}

async function measure(method: "feed" | "listing", editsPerPoll: number): Promise<Cost> {
  const env = await startPollingEnv({ method });
  try {
    const { world } = env.sim;
    const ws = env.source.workspaceId;
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const entries = Array.from({ length: 10 }, (_, i) =>
      world.createTimeEntry(ws, env.user.id, { start: `${day}T0${i}:00:00Z`, end: `${day}T0${i}:30:00Z`, description: `e${i}`, projectId: env.projectId }),
    );
    await settle(env);
    env.sim.stats.reset();
    let pollRequests = 0;
    let n = 0;
    for (let poll = 0; poll < POLLS; poll++) {
      for (let k = 0; k < editsPerPoll; k++) {
        const entry = entries[n++ % entries.length]!;
        world.updateTimeEntry(ws, entry.id, { start: entry.timeInterval.start, end: entry.timeInterval.end, description: `edit ${n}`, projectId: env.projectId });
      }
      // Edits land in the feed's log by wall time; a poll in the same millisecond still sees them (the
      // window end rounds up to the second), the pause only keeps the polls' windows apart.
      await sleep(20);
      pollRequests += (await env.poll()).requests;
    }
    const allRequests = env.sim.stats.count();
    log(`polling ${method}, ${editsPerPoll} edit(s) a poll: ${pollRequests} poll requests, ${allRequests} in all over ${POLLS} polls`);
    return { method, pollRequests: pollRequests / POLLS, allRequests: allRequests / POLLS, changesPerPoll: editsPerPoll };
  } finally {
    await env.close();
  }
}

const perHour = (perPoll: number, minutes: number) => (perPoll * 60) / minutes;

function rowsFor(idle: Cost, busy: Cost): BenchTable["rows"] {
  const head = idle.method === "feed" ? "change feed" : "listing fallback";
  const freeMinutes = intervalForBudget(FREE_PER_HOUR, Math.ceil(idle.pollRequests));
  const perChange = (busy.allRequests - idle.allRequests) / busy.changesPerPoll;
  const freeIdle = perHour(idle.allRequests, freeMinutes);
  return [
    { metric: `${head}: idle poll`, measured: `${fmt(idle.pollRequests, 1)} requests` },
    {
      metric: `${head}: idle, every ${UNBUDGETED_INTERVAL_MINUTES} min (no budget)`,
      measured: `${fmt(perHour(idle.allRequests, UNBUDGETED_INTERVAL_MINUTES))} requests/hour`,
    },
    {
      metric: `${head}: idle, Free workspace (${FREE_PER_HOUR}/h) default every ${freeMinutes} min`,
      measured: `${fmt(freeIdle, 1)} requests/hour`,
      target: `≤ ${FREE_PER_HOUR / 2}/hour (half the budget)`,
      pass: freeIdle <= FREE_PER_HOUR / 2,
    },
    { metric: `${head}: each edit adds (reads + writes, all paths)`, measured: `${fmt(perChange, 1)} requests` },
    {
      metric: `${head}: 1 edit per interval, every ${UNBUDGETED_INTERVAL_MINUTES} min`,
      measured: `${fmt(perHour(busy.allRequests, UNBUDGETED_INTERVAL_MINUTES))} requests/hour`,
    },
  ];
}

export async function pollingBenchmark(): Promise<BenchTable> {
  const feedIdle = await measure("feed", 0);
  const feedBusy = await measure("feed", 1);
  const listingIdle = await measure("listing", 0);
  const listingBusy = await measure("listing", 1);
  return {
    title: "Polling mode: requests per hour",
    rows: [...rowsFor(feedIdle, feedBusy), ...rowsFor(listingIdle, listingBusy)],
    notes: [
      `Compressed time: ${POLLS} polls back to back, each standing for one interval; an hour is 60 / interval polls.`,
      "One pair, one member, 10 entries in the window; an edit changes one entry's description before a poll.",
      "Requests are the simulator's count of everything the service sent (poll pages or listings, and the worker's reads and writes).",
      "Latency is not measured here: a change is mirrored at the next poll (on average half an interval, at most one);",
      "a deletion waits for the feed's delay as well (the poller allows 2 minutes after Clockify's 'about one minute').",
    ],
  };
}
