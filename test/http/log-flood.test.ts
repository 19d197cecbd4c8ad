import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { eventLabel } from "../../src/observability/metrics.js";
import { globexEntry, listenService, SECRET, type Listening } from "./listening.js";

let env: Listening | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function post(l: Listening, token: string, event: string, body: string): Promise<number> {
  const res = await request(`${l.base}/webhooks/clockify`, {
    method: "POST",
    headers: { "content-type": "application/json", "clockify-signature": token, "clockify-webhook-event-type": event },
    body,
  });
  await res.body.dump();
  return res.statusCode;
}

/** Runs `n` calls of `send`, `concurrency` at a time. */
async function flood(n: number, concurrency: number, send: (i: number) => Promise<number>): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) statuses.push(await send(next++));
    }),
  );
  return statuses;
}

/** 0 → "A", 25 → "Z", 26 → "BA": distinct names that fit Clockify's event syntax. */
function letters(n: number): string {
  let out = "";
  do {
    out = String.fromCharCode(65 + (n % 26)) + out;
    n = Math.floor(n / 26);
  } while (n > 0);
  return out;
}

const lines = (l: Listening, message: string) =>
  (l.records() as Array<{ msg: string; count?: number; kinds?: Record<string, number> }>).filter((e) => e.msg.startsWith(message));

describe("rejected webhooks (log flooding)", () => {
  it("log the first rejection and then one summary per interval, and count every one in /metrics", async () => {
    env = await listenService({ http: { summaryIntervalMs: 400 } });
    const l = env;
    const started = Date.now();
    const statuses = await flood(600, 20, (i) =>
      i % 3 === 0 ? post(l, SECRET, "not_an_event", "{}") : post(l, `wrong-token-${i}-0000000000000000000000`, "NEW_TIME_ENTRY", globexEntry("e")),
    );
    const elapsed = Date.now() - started;
    expect(statuses.filter((s) => s === 401)).toHaveLength(400);
    expect(statuses.filter((s) => s === 400)).toHaveLength(200);
    await new Promise((r) => setTimeout(r, 900));

    const first = lines(l, "webhook rejected");
    const summaries = lines(l, "webhooks rejected: ");
    console.log(`log flooding: 600 rejected deliveries in ${elapsed} ms wrote ${first.length + summaries.length} log lines`);
    expect(first).toHaveLength(1);
    // At most one line per 400 ms interval that saw rejections (and one for the interval cut short).
    expect(summaries.length).toBeGreaterThanOrEqual(1);
    expect(summaries.length).toBeLessThanOrEqual(Math.ceil(elapsed / 400) + 2);
    // Every rejection after the first is in a summary, by status.
    const counted = summaries.reduce((sum, s) => sum + (s.count ?? 0), 0);
    expect(counted).toBe(599);
    const byStatus = summaries.reduce<Record<string, number>>((acc, s) => {
      for (const [k, v] of Object.entries(s.kinds ?? {})) acc[k] = (acc[k] ?? 0) + v;
      return acc;
    }, {});
    expect((byStatus["401"] ?? 0) + (byStatus["400"] ?? 0)).toBe(599);

    const metrics = await (await fetch(`${l.base}/metrics`)).text();
    expect(metrics).toContain('webhook_rejected_total{status="401"} 400');
    expect(metrics).toContain('webhook_rejected_total{status="400"} 200');
    expect(metrics).toContain('webhook_events_received_total{event="(unauthenticated)",outcome="rejected"} 400');

    // After a quiet interval, the next rejection is logged at once again.
    await new Promise((r) => setTimeout(r, 500));
    expect(await post(l, "wrong-again-00000000000000000000000", "NEW_TIME_ENTRY", "{}")).toBe(401);
    expect(lines(l, "webhook rejected")).toHaveLength(2);
  });
});

describe("the event label (metric cardinality)", () => {
  it("is the event type only for events the service handles: 2,000 invented names add no series", async () => {
    env = await listenService();
    const l = env;
    expect(await post(l, SECRET, "NEW_TIME_ENTRY", globexEntry("entry-1"))).toBe(200);
    const before = await (await fetch(`${l.base}/metrics`)).text();

    // globex's config secret speaks for any event type, so each invented name is acknowledged as unused.
    const statuses = await flood(2000, 20, (i) => post(l, SECRET, `INVENTED_EVENT_${letters(i)}`, "{}"));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(await post(l, SECRET, "NEW_TIME_ENTRY", globexEntry("entry-2"))).toBe(200);

    const after = await (await fetch(`${l.base}/metrics`)).text();
    console.log(`metric cardinality: /metrics ${before.length} bytes before, ${after.length} bytes after 2,000 invented event names`);
    expect(after).not.toContain("INVENTED_EVENT");
    expect(after).toContain('webhook_events_received_total{event="(unknown)",outcome="ignored"} 2000');
    expect(after).toContain('webhook_events_received_total{event="NEW_TIME_ENTRY",outcome="stored"} 2');
    // The same series as before, plus the one "(unknown)" line (and counters' digits).
    expect(after.length - before.length).toBeLessThan(200);
  });

  it("maps a header to itself only for handled events", () => {
    expect(eventLabel("TIME_ENTRY_UPDATED")).toBe("TIME_ENTRY_UPDATED");
    expect(eventLabel(" NEW_PROJECT ")).toBe("NEW_PROJECT");
    for (const header of ["NEW_CLIENT", "new_time_entry", "", undefined, "X".repeat(64)]) expect(eventLabel(header)).toBe("(unknown)");
  });
});
