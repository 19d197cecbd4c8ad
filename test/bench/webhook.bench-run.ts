/** Benchmark 1: webhook acknowledgement, real endpoint vs a bare Express handler, same run. */
import { readFileSync } from "node:fs";
import autocannon, { type Result } from "autocannon";
import { join } from "node:path";
import { forkBenchChild, fmt, log, percentile, REPO_ROOT, sleep, type BenchTable } from "./common.js";

interface Ready {
  ready: true;
  port: number;
  token: string;
  workspaceId: string;
  userId: string;
}

/** real: the service as shipped (intake fsyncs each commit); unsynced: the same with synchronous=NORMAL, as before. */
type Target = "real" | "unsynced" | "bare";

interface RunResult {
  label: string;
  target: Target;
  rate: number | undefined;
  reqPerSec: number;
  p50: number;
  p99: number;
  /** autocannon's own histogram (whole ms; corrected for coordinated omission at a fixed rate). */
  acP99: number;
  ok: number;
  non2xx: number;
  errors: number;
  inboxRows: number;
  /** 2xx answers the server sent (includes requests whose answer autocannon no longer awaited at the end). */
  serverAcks: number;
}

const template = JSON.parse(
  readFileSync(join(REPO_ROOT, "test/fixtures/clockify/webhook-examples/NEW_TIME_ENTRY.jamstack-netlify.json"), "utf8"),
) as Record<string, unknown> & { project: Record<string, unknown> };

let sequence = 0;
/** A distinct, valid NEW_TIME_ENTRY body: unique entry id, the configured pair's workspace and user. */
function body(workspaceId: string, userId: string): string {
  sequence++;
  const id = `bench${process.pid.toString(16)}${sequence.toString(16).padStart(12, "0")}`;
  return JSON.stringify({
    ...template,
    id,
    workspaceId,
    userId,
    description: `bench ${sequence}`,
    project: { ...template.project, workspaceId },
  });
}

async function startServer(kind: Target) {
  const child = forkBenchChild("./webhook-server.bench-run.ts", [kind]);
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once("message", (m) => resolve(m as Ready));
    child.once("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  const inboxCount = () =>
    new Promise<{ count: number; acknowledged: number }>((resolve) => {
      child.once("message", (m) => resolve(m as { count: number; acknowledged: number }));
      child.send("count");
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.send("exit");
    });
  return { ready, inboxCount, stop };
}

async function load(
  server: Awaited<ReturnType<typeof startServer>>,
  target: Target,
  label: string,
  options: { rate?: number; connections: number; duration: number },
): Promise<RunResult> {
  const { port, token, workspaceId, userId } = server.ready;
  const before = await server.inboxCount();
  const times: number[] = [];
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: options.connections,
        duration: options.duration,
        ...(options.rate ? { overallRate: options.rate } : {}),
        requests: [
          {
            method: "POST",
            path: "/webhooks/clockify",
            headers: {
              "content-type": "application/json",
              "clockify-signature": token,
              "clockify-webhook-event-type": "NEW_TIME_ENTRY",
            },
            setupRequest: (req) => ({ ...req, body: body(workspaceId, userId) }),
          },
        ],
      },
      (error, r) => (error ? reject(error) : resolve(r)),
    );
    instance.on("response", (_c, _s, _b, responseTime) => times.push(responseTime));
  });
  await sleep(300); // requests cut off at the end still finish on the server side
  const after = await server.inboxCount();
  const inboxRows = after.count - before.count;
  const serverAcks = after.acknowledged - before.acknowledged;
  times.sort((a, b) => a - b);
  const out: RunResult = {
    label,
    target,
    rate: options.rate,
    reqPerSec: result["2xx"] / result.duration,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    acP99: result.latency.p99,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    inboxRows,
    serverAcks,
  };
  log(
    `  ${target} ${label}: ${fmt(out.reqPerSec)} req/s, p50 ${fmt(out.p50, 2)} ms, p99 ${fmt(out.p99, 2)} ms, ` +
      `2xx ${out.ok}, non-2xx ${out.non2xx}, errors ${out.errors}, server 2xx ${serverAcks}, inbox +${inboxRows}`,
  );
  return out;
}

export async function webhookBenchmark(): Promise<BenchTable> {
  const duration = 10;
  const plan: { label: string; rate?: number; connections: number }[] = [
    { label: "1,000 req/s offered", rate: 1000, connections: 10 },
    { label: "3,000 req/s offered", rate: 3000, connections: 50 },
    { label: "max (50 connections)", connections: 50 },
  ];
  const results: RunResult[] = [];
  for (const target of ["bare", "unsynced", "real"] as const) {
    log(`webhook: starting ${target} server`);
    const server = await startServer(target);
    // Warm-up (JIT, SQLite page cache), not reported.
    await load(server, target, "warm-up 2 s", { connections: 10, duration: 2 });
    for (const step of plan) results.push(await load(server, target, step.label, { ...step, duration }));
    await server.stop();
  }
  const get = (target: Target, label: string) => {
    const r = results.find((x) => x.target === target && x.label === label);
    if (!r) throw new Error(`missing result ${target} ${label}`);
    return r;
  };
  const rows: BenchTable["rows"] = [];
  for (const step of plan) {
    const real = get("real", step.label);
    const bare = get("bare", step.label);
    rows.push({
      metric: `${step.label}: req/s answered 2xx (real / bare)`,
      measured: `${fmt(real.reqPerSec)} / ${fmt(bare.reqPerSec)}`,
    });
    rows.push({
      metric: `${step.label}: p50 / p99 latency, real`,
      measured: `${fmt(real.p50, 2)} / ${fmt(real.p99, 2)} ms (autocannon p99 ${real.acP99} ms)`,
    });
    rows.push({
      metric: `${step.label}: p50 / p99 latency, bare`,
      measured: `${fmt(bare.p50, 2)} / ${fmt(bare.p99, 2)} ms (autocannon p99 ${bare.acP99} ms)`,
    });
    rows.push({
      metric: `${step.label}: real 2xx seen by autocannon / 2xx sent by server / non-2xx / errors / inbox rows added`,
      measured: `${real.ok} / ${real.serverAcks} / ${real.non2xx} / ${real.errors} / ${real.inboxRows}`,
    });
  }
  const unsynced = get("unsynced", plan[2]!.label);
  const synced = get("real", plan[2]!.label);
  const bareMax = get("bare", plan[2]!.label);
  rows.push({
    metric: "cost of durable acks, max (50 connections): req/s with fsync / without, and each as a ratio to bare",
    measured:
      `${fmt(synced.reqPerSec)} / ${fmt(unsynced.reqPerSec)} req/s; ` +
      `${fmt(synced.reqPerSec / bareMax.reqPerSec, 2)}× / ${fmt(unsynced.reqPerSec / bareMax.reqPerSec, 2)}× bare`,
  });
  const u1k = get("unsynced", plan[0]!.label);
  rows.push({
    metric: "cost of durable acks, 1,000 req/s offered: p99 with fsync / without",
    measured: `${fmt(get("real", plan[0]!.label).p99, 2)} / ${fmt(u1k.p99, 2)} ms`,
  });
  const r1k = get("real", plan[0]!.label);
  const b1k = get("bare", plan[0]!.label);
  const ratio = r1k.p99 / b1k.p99;
  rows.push({
    metric: "p99 ratio real / bare at 1,000 req/s offered",
    measured: `${fmt(ratio, 2)}× (${fmt(r1k.p99, 2)} ms vs ${fmt(b1k.p99, 2)} ms)`,
    target: "≤ 2×",
    pass: ratio <= 2,
  });
  const r3k = get("real", plan[1]!.label);
  const rMax = get("real", plan[2]!.label);
  const sustained = Math.max(r3k.reqPerSec, rMax.reqPerSec);
  const lossless = (r: RunResult) => r.non2xx === 0 && r.inboxRows === r.serverAcks && r.ok <= r.serverAcks;
  rows.push({
    metric: "sustained webhooks/s, real (best of 3,000 offered and max run, 10 s each)",
    measured: `${fmt(sustained)} req/s`,
    target: "≥ 3,000 /s",
    pass: sustained >= 3000,
  });
  rows.push({
    metric: "nothing lost: inbox rows added == 2xx sent by the server (≥ 2xx autocannon saw), no non-2xx; per real run rows/2xx",
    measured: results
      .filter((r) => r.target === "real" && !r.label.startsWith("warm"))
      .map((r) => `${r.inboxRows}/${r.serverAcks}${r.non2xx ? ` (${r.non2xx} non-2xx)` : ""}`)
      .join(", "),
    target: "equal, 0 non-2xx",
    pass: results.filter((r) => r.target === "real").every(lossless),
  });
  return {
    title: "1. Webhook acknowledgement",
    rows,
    notes: [
      "Server in a child Node process running the compiled JavaScript (as `npm start` does), autocannon in the parent process: they share the machine's cores.",
      "Real: createService + app.listen (no worker, nothing calls Clockify), token check, zod parse, SQLite inbox insert (WAL; the deliveries of one event-loop turn share one transaction, each answered only after it commits and, on the intake connection's synchronous=FULL, after the WAL is fsynced). Unsynced: the same server with the intake connection at synchronous=NORMAL (no fsync per commit), as before durable acks, logs at info level to a discarding stream. Bare: Express handler answering 200 `{}` without reading the body.",
      "Every request is a distinct valid NEW_TIME_ENTRY delivery (unique entry id, registered token). Latency percentiles are computed from every response time (hrtime, sub-ms); autocannon's own p99 (whole ms, coordinated-omission corrected at fixed rates) is shown beside them.",
      "2xx are counted on the server (response 'finish') as well as by autocannon: autocannon stops with up to one request per connection in flight, which the server still stores and answers, so its 2xx count is short by at most the connection count.",
      `1,000 req/s runs use 10 connections, 3,000 req/s and max runs 50 connections; each run ${duration} s after a 2 s warm-up.`,
    ],
  };
}
