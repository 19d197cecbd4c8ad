import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listBlocked } from "../../src/db/blocked.js";
import { listDeadLetters } from "../../src/db/inbox.js";
import { formatReport } from "../../src/cli/status.js";
import { collectStatus } from "../../src/status/collect.js";
import { retryBlockedNotPlanned } from "../../src/sync/reconcile/apply-all.js";
import { formatSummary, type RunCountsSummary } from "../../src/sync/reconcile/summary.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";
import { inboxRows, settle } from "./support/e2e.js";

const DAY = 86_400_000;

let m: MirrorEnv;
beforeEach(async () => {
  m = await startMirror();
  // The destination key's user is a plain member there: the lock binds it (owners and admins bypass it).
  const owner = m.sim.world.addUser({ name: "Olga Owner", email: "olga@example.com" });
  m.sim.world.addMember(m.destination.workspaceId, owner.id, "OWNER");
  m.sim.world.addMember(m.destination.workspaceId, m.user.id, "MEMBER");
});
afterEach(async () => {
  await m.close();
});

const src = () => m.source.workspaceId;
const dst = () => m.destination.workspaceId;
const copies = () => m.sim.world.listTimeEntries(dst());

/** An entry `daysAgo` days ago (3: inside the 30-day reconcile window), mirrored while nothing was locked. */
async function mirroredEntry(daysAgo = 3) {
  const { world } = m.sim;
  const source = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
  world.addProject(dst(), { name: "Website" });
  const day = Math.floor(Date.now() / DAY) * DAY - daysAgo * DAY;
  const fields = { start: new Date(day + 9 * 3_600_000).toISOString(), end: new Date(day + 10 * 3_600_000).toISOString(), projectId: source.id };
  const entry = world.createTimeEntry(src(), m.user.id, { ...fields, description: "before the lock" }, { emit: true });
  await settle(m);
  expect(copies().map((c) => c.description)).toEqual(["before the lock"]);
  return { entry, fields, startAt: Date.parse(fields.start) };
}

async function reconcile() {
  const [summary] = await m.service.reconcileNow("cli");
  if (!summary) throw new Error("no summary");
  return summary;
}

describe("a locked period in the destination", () => {
  it("records a refused edit as blocked, not dead or failed, and applies it once the lock lifts", async () => {
    const { entry, fields, startAt } = await mirroredEntry();
    m.sim.world.setRules(dst(), { lockedBefore: Date.now() - DAY });

    m.sim.world.updateTimeEntry(src(), entry.id, { ...fields, description: "edited in a locked week" }, { emit: true });
    await settle(m);

    expect(m.sim.stats.count({ status: 403 })).toBeGreaterThan(0);
    expect(await listDeadLetters(m.database)).toEqual([]);
    expect(inboxRows(m).every((r) => r.status === "done")).toBe(true);
    expect(inboxRows(m).at(-1)?.outcome).toMatch(/^blocked by lock/);
    const [blocked, ...others] = await listBlocked(m.database);
    expect(others).toEqual([]);
    expect(blocked).toMatchObject({ pairId: "acme", sourceEntryId: entry.id, kind: "lock", action: "write", entryStartAt: startAt, attempts: 1 });
    expect(copies().map((c) => c.description)).toEqual(["before the lock"]);

    const report = await collectStatus(m.database, m.config);
    expect(report.blockedTotal).toBe(1);
    expect(report.pairs[0]?.blockedCopies).toBe(1);
    expect(report.blocked[0]).toMatchObject({ sourceEntryId: entry.id, kind: "lock", entryStartAt: startAt });
    expect(formatReport(report)).toContain(`entry ${entry.id} of ${new Date(startAt).toISOString().slice(0, 10)}`);
    const page = await (await fetch(`${m.base}/`)).text();
    expect(page).toContain(`data-blocked="${entry.id}"`);
    expect(page).toContain("locked period");

    const locked = await reconcile();
    expect(locked.counts).toMatchObject({ failed: 0, blocked: 1, updated: 0 });
    expect(locked.outcome, locked.error).toBe("succeeded");
    expect(formatSummary(locked)).toContain("blocked 1");
    expect(await listBlocked(m.database)).toMatchObject([{ sourceEntryId: entry.id, attempts: 2, firstTriedAt: blocked?.firstTriedAt }]);

    m.sim.world.setRules(dst(), { lockedBefore: null });
    const lifted = await reconcile();
    expect(lifted.counts).toMatchObject({ failed: 0, updated: 1 });
    expect(lifted.counts.blocked ?? 0).toBe(0);
    expect(copies().map((c) => c.description)).toEqual(["edited in a locked week"]);
    expect(await listBlocked(m.database)).toEqual([]);
    expect((await collectStatus(m.database, m.config)).blockedTotal).toBe(0);
    expect(await (await fetch(`${m.base}/`)).text()).toContain("No copy is blocked");
  });

  it("blocks a delete in a locked period and deletes the copy after the lock lifts", async () => {
    const { entry, startAt } = await mirroredEntry();
    m.sim.world.setRules(dst(), { lockedBefore: Date.now() - DAY });

    m.sim.world.deleteTimeEntry(src(), entry.id, { emit: true });
    await settle(m);

    expect(await listDeadLetters(m.database)).toEqual([]);
    expect(await listBlocked(m.database)).toMatchObject([{ sourceEntryId: entry.id, kind: "lock", action: "delete", entryStartAt: startAt }]);
    expect(copies()).toHaveLength(1);
    expect((await reconcile()).counts).toMatchObject({ failed: 0, blocked: 1 });

    m.sim.world.setRules(dst(), { lockedBefore: null });
    const lifted = await reconcile();
    expect(lifted.counts).toMatchObject({ failed: 0, deleted: 1 });
    expect(copies()).toEqual([]);
    expect(await listBlocked(m.database)).toEqual([]);
  });

  it("lets an admin's key write into the locked period: nothing is blocked", async () => {
    m.sim.world.addMember(m.destination.workspaceId, m.user.id, "ADMIN");
    const { entry, fields } = await mirroredEntry();
    m.sim.world.setRules(dst(), { lockedBefore: Date.now() - DAY });
    m.sim.world.updateTimeEntry(src(), entry.id, { ...fields, description: "an admin may" }, { emit: true });
    await settle(m);
    expect(await listBlocked(m.database)).toEqual([]);
    expect(copies().map((c) => c.description)).toEqual(["an admin may"]);
  });
});

describe("an approved entry in the destination", () => {
  it("blocks the edit of its copy as approved, even for an admin, and applies it once the approval is withdrawn", async () => {
    m.sim.world.addMember(m.destination.workspaceId, m.user.id, "ADMIN");
    const { entry, fields } = await mirroredEntry();
    const [copy] = copies();
    if (!copy) throw new Error("no copy");
    m.sim.world.setRules(dst(), { approvedEntryIds: [copy.id] });

    m.sim.world.updateTimeEntry(src(), entry.id, { ...fields, description: "edited after approval" }, { emit: true });
    await settle(m);
    expect(await listDeadLetters(m.database)).toEqual([]);
    expect(await listBlocked(m.database)).toMatchObject([{ sourceEntryId: entry.id, kind: "approval", action: "write" }]);
    expect((await reconcile()).counts).toMatchObject({ failed: 0, blocked: 1 });
    expect(copies().map((c) => c.description)).toEqual(["before the lock"]);

    m.sim.world.setRules(dst(), { approvedEntryIds: [] });
    expect((await reconcile()).counts).toMatchObject({ failed: 0, updated: 1 });
    expect(copies().map((c) => c.description)).toEqual(["edited after approval"]);
    expect(await listBlocked(m.database)).toEqual([]);
  });
});

describe("a blocked copy older than the reconcile window", () => {
  it("is read again from the source and applied once the lock lifts", async () => {
    const { entry, fields } = await mirroredEntry(45);
    m.sim.world.setRules(dst(), { lockedBefore: Date.now() - 40 * DAY });
    m.sim.world.updateTimeEntry(src(), entry.id, { ...fields, description: "edited last month" }, { emit: true });
    await settle(m);
    expect((await listBlocked(m.database)).map((b) => b.sourceEntryId)).toEqual([entry.id]);

    const runtime = m.service.runtimes.get("acme");
    if (!runtime) throw new Error("no runtime");
    const counts = (): RunCountsSummary => ({ created: 0, updated: 0, deleted: 0, adopted: 0, unchanged: 0, failed: 0, skipped: 0 });
    // Planned by the run already: left to the plan.
    const planned = counts();
    await retryBlockedNotPlanned(runtime, [{ kind: "skip", sourceId: entry.id, reason: "in the window" }], planned);
    expect(planned).toEqual(counts());

    const stillLocked = counts();
    expect(await retryBlockedNotPlanned(runtime, [], stillLocked)).toBeUndefined();
    expect(stillLocked).toMatchObject({ blocked: 1, failed: 0 });
    expect(await listBlocked(m.database)).toMatchObject([{ sourceEntryId: entry.id, attempts: 2 }]);

    m.sim.world.setRules(dst(), { lockedBefore: null });
    const lifted = counts();
    await retryBlockedNotPlanned(runtime, [], lifted);
    expect(lifted).toMatchObject({ updated: 1, failed: 0 });
    expect(lifted.blocked).toBeUndefined();
    expect(copies().map((c) => c.description)).toEqual(["edited last month"]);
    expect(await listBlocked(m.database)).toEqual([]);
  });
});
