import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClockifyClient } from "../../src/clockify/client.js";
import type { ChangeKind } from "../../src/clockify/change-feed.js";
import { changeFeedSettings } from "../../src/sandbox/change-feed.js";
import { startSimulator, type Simulator } from "../../src/sandbox/index.js";

let sim: Simulator;
let ws: string;
let userId: string;
let client: ClockifyClient;
let apiKey: string;
beforeEach(async () => {
  sim = await startSimulator();
  const user = sim.world.addUser({ name: "Ada" });
  userId = user.id;
  apiKey = user.apiKey;
  ws = sim.world.addWorkspace({ name: "Agency", ownerId: user.id, plan: "PRO" }).id;
  client = new ClockifyClient({ baseUrl: sim.apiBaseUrl, apiKey: user.apiKey, backoff: { maxRetries: 0 } });
  changeFeedSettings(sim.world).deletedDelayMs = 0;
});
afterEach(async () => {
  await sim.close();
});

const HOUR = 3_600_000;
const feed = (kind: ChangeKind, start: number, end: number) =>
  client.entityChangesPage(ws, kind, { types: ["TIME_ENTRY"], start: new Date(start), end: new Date(end), page: 0, limit: 50 });
const ids = async (kind: ChangeKind, start: number, end: number) =>
  (await feed(kind, start, end)).map((line) => line.document?.id);
const entry = () => sim.world.createTimeEntry(ws, userId, { start: "2026-11-01T09:00:00Z", end: "2026-11-01T10:00:00Z" });

describe("the simulated change feed (/entities/*)", () => {
  it("lists a creation, an update and a deletion with the entry as the line's document", async () => {
    const before = Date.now() - 1000;
    const old = entry();
    const mid = Date.now() + 1000;
    await new Promise((r) => setTimeout(r, 1100));
    sim.world.updateTimeEntry(ws, old.id, { start: "2026-11-01T09:00:00Z", end: "2026-11-01T11:00:00Z", description: "later" });
    sim.world.deleteTimeEntry(ws, entry().id);
    const after = Date.now() + 1000;
    expect(await ids("created", before, mid)).toEqual([old.id]);
    const updated = await feed("updated", mid, after);
    expect(updated).toEqual([expect.objectContaining({ id: old.id, documentCode: "TIME_ENTRY", updatedAt: expect.any(String) })]);
    expect(updated[0]?.document).toMatchObject({ id: old.id, description: "later", userId });
  });

  it("follows the spec's notes: created+updated only in /created, created+deleted in neither", async () => {
    const start = Date.now() - 1000;
    const edited = entry();
    sim.world.updateTimeEntry(ws, edited.id, { start: "2026-11-01T09:00:00Z", end: "2026-11-01T12:00:00Z" });
    const gone = entry();
    sim.world.deleteTimeEntry(ws, gone.id);
    const end = Date.now() + 1000;
    expect(await ids("created", start, end)).toEqual([edited.id]);
    expect(await ids("updated", start, end)).toEqual([]);
    expect(await ids("deleted", start, end)).toEqual([]);
  });

  it("shows a deletion only after its delay", async () => {
    const e = entry();
    await new Promise((r) => setTimeout(r, 1100));
    // The query keeps whole seconds (start rounds down): this still starts after the creation.
    const start = Date.now();
    changeFeedSettings(sim.world).deletedDelayMs = 60_000;
    sim.world.deleteTimeEntry(ws, e.id);
    expect(await ids("deleted", start, Date.now() + 1000)).toEqual([]);
    changeFeedSettings(sim.world).deletedDelayMs = 0;
    expect(await ids("deleted", start, Date.now() + 1000)).toEqual([e.id]);
  });

  it("answers a bare [] for an empty log, pages from 0, and wants a type", async () => {
    const base = `${sim.apiBaseUrl}/workspaces/${ws}/entities/created`;
    const headers = { "x-api-key": apiKey };
    const empty = await fetch(`${base}?type=TIME_ENTRY`, { headers });
    expect(await empty.json()).toEqual([]);
    const noType = await fetch(base, { headers });
    expect(noType.status).toBe(400);
    for (let i = 0; i < 3; i++) entry();
    const window = `start=${new Date(Date.now() - HOUR).toISOString().slice(0, 19)}Z&end=${new Date(Date.now() + HOUR).toISOString().slice(0, 19)}Z`;
    const page = async (n: number) => (await (await fetch(`${base}?type=TIME_ENTRY&${window}&page=${n}&limit=2`, { headers })).json()) as unknown;
    expect(await page(0)).toEqual({ response: [expect.anything(), expect.anything()] });
    expect(await page(1)).toEqual({ response: [expect.anything()] });
    expect(await page(2)).toEqual([]);
  });

  it.each([403, 404] as const)("refuses every feed with %i when the plan lacks it", async (status) => {
    changeFeedSettings(sim.world).refuse = status;
    await expect(feed("deleted", Date.now() - HOUR, Date.now())).rejects.toMatchObject({ status });
  });
});
