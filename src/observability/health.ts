import { now as clockNow } from "../clock.js";
import type { AppDatabase } from "../db/connection.js";
import { inboxStats } from "../db/inbox.js";
import { publicProblem } from "../doctor/headlines.js";
import type { CheckResult } from "../doctor/model.js";
import type { StorageHealth } from "./storage-health.js";

/**
 * What /healthz reports: whether webhooks can be stored and applied, how far behind the inbox is, and the
 * checks' problems. A pair with an error makes the service "degraded" (200: intake works, mirroring
 * does not); only "cannot store webhooks" is 503.
 */
export async function describeHealth(facts: { database: AppDatabase; storage: StorageHealth; workerRunning: boolean; problems: readonly CheckResult[] }) {
  const { storage, workerRunning, problems } = facts;
  let databaseOk = true;
  let stats = { depth: 0, oldestPendingReceivedAt: null as number | null, dead: 0 };
  try {
    stats = await inboxStats(facts.database);
  } catch {
    databaseOk = false;
  }
  // Reads alone cannot tell: a full disk still serves every read. The write path is judged by what
  // the last inbox commit did, and the worker's by its last write.
  const intakeWrites = storage.state("intake");
  const workerWrites = storage.state("worker");
  const storageFact = (state: typeof intakeWrites) =>
    state.ok
      ? "ok"
      : { error: state.code, failures: state.failures, sinceSeconds: Math.max(0, Math.round((clockNow() - (state.since ?? clockNow())) / 1000)) };
  return {
    healthy: databaseOk && workerRunning && intakeWrites.ok,
    degraded: !workerWrites.ok || problems.some((p) => p.level === "error"),
    database: !databaseOk ? "unreachable" : intakeWrites.ok && workerWrites.ok ? "ok" : "failing",
    storage: { intake: storageFact(intakeWrites), worker: storageFact(workerWrites) },
    worker: workerRunning ? "running" : "stopped",
    inboxDepth: stats.depth,
    oldestPendingAgeSeconds:
      stats.oldestPendingReceivedAt === null ? 0 : Math.max(0, Math.round((clockNow() - stats.oldestPendingReceivedAt) / 1000)),
    deadLetters: stats.dead,
    problems: problems.map(publicProblem),
  };
}
