import { afterEach, describe, expect, it } from "vitest";
import { formatSummary } from "../../src/sync/reconcile/summary.js";
import { NOT_CREATABLE } from "../../src/sync/entries/plan-entry.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";
import { CREATE_ENTRY, UPDATE_ENTRY, inboxRows, settle } from "./support/e2e.js";

/** Entry types end to end: a BREAK is copied as a BREAK, time off (HOLIDAY, TIME_OFF) is skipped and counted. */

let m: MirrorEnv;
afterEach(async () => {
  await m.close();
});

const HOUR = 3_600_000;
const src = () => m.source.workspaceId;
const dst = () => m.destination.workspaceId;
const copies = () => m.sim.world.listTimeEntries(dst());
const typesOfCopies = () => copies().map((e) => [e.description, e.type]).sort();

describe("entry types through webhooks", () => {
  it("copies a BREAK as a BREAK, mirrors a change of type, and skips a HOLIDAY without failing", async () => {
    m = await startMirror();
    const { world } = m.sim;
    const project = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    const dstProject = world.addProject(dst(), { name: "Website" });
    const at = (hour: number) => `2026-11-20T${String(hour).padStart(2, "0")}:00:00Z`;

    world.createTimeEntry(src(), m.user.id, { start: at(12), end: at(13), description: "lunch", projectId: project.id, type: "BREAK" }, { emit: true });
    const work = world.createTimeEntry(src(), m.user.id, { start: at(9), end: at(10), description: "work", projectId: project.id }, { emit: true });
    await settle(m);
    expect(typesOfCopies()).toEqual([
      ["lunch", "BREAK"],
      ["work", "REGULAR"],
    ]);
    expect(copies().every((c) => c.projectId === dstProject.id)).toBe(true);

    m.sim.stats.reset();
    world.updateTimeEntry(src(), work.id, { start: at(9), end: at(10), description: "work", projectId: project.id, type: "BREAK" }, { emit: true });
    await settle(m);
    expect(typesOfCopies()).toEqual([
      ["lunch", "BREAK"],
      ["work", "BREAK"],
    ]);
    expect(m.sim.stats.count(UPDATE_ENTRY)).toBe(1);
    world.updateTimeEntry(src(), work.id, { start: at(9), end: at(10), description: "work", projectId: project.id }, { emit: true });
    await settle(m);
    expect(typesOfCopies()).toEqual([
      ["lunch", "BREAK"],
      ["work", "REGULAR"],
    ]);

    m.sim.stats.reset();
    // Approved time off as Clockify puts it into the timesheet: usually without a project.
    world.createTimeEntry(src(), m.user.id, { start: "2026-11-23T08:00:00Z", end: "2026-11-23T16:00:00Z", description: "vacation", type: "HOLIDAY" }, { emit: true });
    world.createTimeEntry(src(), m.user.id, { start: "2026-11-24T08:00:00Z", end: "2026-11-24T12:00:00Z", projectId: project.id, type: "TIME_OFF" }, { emit: true });
    await settle(m);
    expect(copies()).toHaveLength(2);
    expect(m.sim.stats.count(CREATE_ENTRY)).toBe(0);
    const timeOffRows = inboxRows(m).filter((r) => r.eventType === "NEW_TIME_ENTRY").slice(-2);
    expect(timeOffRows.map((r) => [r.status, r.outcome])).toEqual([
      ["done", `skipped: ${NOT_CREATABLE}`],
      ["done", `skipped: ${NOT_CREATABLE}`],
    ]);
    expect(inboxRows(m).filter((r) => r.status !== "done")).toEqual([]);
  });
});

describe("entry types through reconcile", () => {
  it("creates the BREAK as a BREAK, counts the time off as skipped, fails nothing, and mirrors a later change of type", async () => {
    m = await startMirror({ register: false });
    const { world } = m.sim;
    const project = world.addProject(src(), { name: "Website", clientId: m.source.clientId });
    world.addProject(dst(), { name: "Website" });
    const base = Math.floor(Date.now() / HOUR) * HOUR - 72 * HOUR;
    const entry = (offset: number, description: string, extra: { type?: "BREAK" | "HOLIDAY" | "TIME_OFF"; projectId?: string | null } = {}) =>
      world.createTimeEntry(src(), m.user.id, {
        start: new Date(base + offset * HOUR).toISOString(),
        end: new Date(base + offset * HOUR + HOUR / 2).toISOString(),
        description,
        projectId: project.id,
        ...extra,
      });
    const work = entry(0, "work");
    entry(2, "coffee", { type: "BREAK" });
    entry(4, "public holiday", { type: "HOLIDAY", projectId: null });
    entry(6, "doctor", { type: "TIME_OFF" });

    const [first] = await m.service.reconcileNow("cli");
    if (!first) throw new Error("no summary");
    expect(first.outcome, first.error).toBe("succeeded");
    expect(first.counts).toMatchObject({ created: 2, failed: 0, skipped: 2 });
    expect(first.notCreatable).toBe(2);
    expect(formatSummary(first)).toContain("failed 0, skipped 2 (2 time off/holiday: not creatable through the API)");
    expect(typesOfCopies()).toEqual([
      ["coffee", "BREAK"],
      ["work", "REGULAR"],
    ]);

    world.updateTimeEntry(src(), work.id, {
      start: new Date(base).toISOString(),
      end: new Date(base + HOUR / 2).toISOString(),
      description: "work",
      projectId: project.id,
      type: "BREAK",
    });
    const [second] = await m.service.reconcileNow("cli");
    expect(second?.counts).toMatchObject({ created: 0, updated: 1, unchanged: 1, failed: 0, skipped: 2 });
    expect(typesOfCopies()).toEqual([
      ["coffee", "BREAK"],
      ["work", "BREAK"],
    ]);

    const [third] = await m.service.reconcileNow("cli");
    expect(third?.counts).toMatchObject({ created: 0, updated: 0, unchanged: 2, failed: 0, skipped: 2 });
    expect(copies()).toHaveLength(2);
  });
});
