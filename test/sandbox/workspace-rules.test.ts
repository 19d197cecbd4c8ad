import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClockifyClient } from "../../src/clockify/client.js";
import { ClockifyError } from "../../src/clockify/errors.js";
import type { TimeEntryRequest } from "../../src/clockify/schemas.js";
import { startTwoWorkspaces, type TwoWorkspaces } from "../helpers/world.js";

let w: TwoWorkspaces;
let client: ClockifyClient;
const START = "2026-11-02T09:00:00Z";
const END = "2026-11-02T10:00:00Z";
/** A full TimeEntryRequest: the client sends the complete state (PUT is a full replacement). */
const entry = (extra: Partial<TimeEntryRequest> = {}): TimeEntryRequest => ({ start: START, end: END, billable: false, description: "", tagIds: [], ...extra });

beforeEach(async () => {
  w = await startTwoWorkspaces();
  client = new ClockifyClient({ baseUrl: w.sim.apiBaseUrl, apiKey: w.user.apiKey, backoff: { maxRetries: 0 } });
});
afterEach(async () => {
  await w.sim.close();
});

async function refusal(write: Promise<unknown>): Promise<string> {
  const error = await write.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof ClockifyError)) throw new Error("the write was not refused");
  return `${error.status} ${error.code ?? ""} ${error.detail}`;
}

describe("the simulator's workspace rules", () => {
  it("a required tag refuses an entry without one, and an update that adds it goes through", async () => {
    const ws = w.destination.workspaceId;
    const old = await client.createTimeEntry(ws, entry({ description: "untagged" }));
    w.sim.world.setRules(ws, { forceTags: true });
    expect(await refusal(client.createTimeEntry(ws, entry()))).toBe("400 501 Tag is required");
    const tag = w.sim.world.addTag(ws, { name: "billable" });
    const updated = await client.updateTimeEntry(ws, old.id, entry({ description: "tagged now", tagIds: [tag.id] }));
    expect(updated.tagIds).toEqual([tag.id]);
  });

  it("a lock binds members, not owners; deleting a locked entry is refused too", async () => {
    const ws = w.destination.workspaceId;
    const grace = w.sim.world.addUser({ name: "Grace" });
    w.sim.world.addMember(ws, grace.id, "MEMBER");
    const member = new ClockifyClient({ baseUrl: w.sim.apiBaseUrl, apiKey: grace.apiKey, backoff: { maxRetries: 0 } });
    const own = await member.createTimeEntry(ws, entry());
    w.sim.world.setRules(ws, { lockedBefore: Date.parse("2026-11-10T00:00:00Z") });
    expect(await refusal(member.createTimeEntry(ws, entry()))).toMatch(/^403 1003 Time entries before 2026-11-10/);
    expect(await refusal(member.deleteTimeEntry(ws, own.id))).toMatch(/^403 1003/);
    await expect(client.createTimeEntry(ws, entry())).resolves.toBeTruthy();
  });

  it("adding time for others needs the feature; a FREE workspace has none", async () => {
    const ws = w.destination.workspaceId;
    const grace = w.sim.world.addUser({ name: "Grace" });
    w.sim.world.addMember(ws, grace.id, "MEMBER");
    await expect(client.createTimeEntryForUser(ws, grace.id, entry())).resolves.toBeTruthy();
    w.sim.world.setPlan(ws, "FREE");
    expect(await refusal(client.createTimeEntryForUser(ws, grace.id, entry()))).toMatch(/^403 501 Access Denied: adding time for others/);
    expect((await client.getWorkspace(ws)).features).not.toContain("ADD_TIME_FOR_OTHERS");
  });
});
