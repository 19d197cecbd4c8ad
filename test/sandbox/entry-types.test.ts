import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, Receiver, startWorld } from "./helpers.js";
import type { EntryBody, ErrorBody, TestWorld } from "./helpers.js";

/** API-NOTES §8 and §11: reads carry REGULAR, BREAK, HOLIDAY, TIME_OFF; create and update accept only the first two. */
type TypedEntry = EntryBody & { type: string };

let w: TestWorld;
let receiver: Receiver;
beforeAll(async () => {
  w = await startWorld();
  receiver = await Receiver.start();
});
afterAll(async () => {
  await w.sim.deliveries.idle();
  await receiver.close();
  await w.sim.close();
});

const entries = (userId: string) => `/workspaces/${w.ws}/user/${userId}/time-entries`;

describe("entry types", () => {
  it("seeds time off through the world API, lists it with its type and delivers it in webhooks", async () => {
    w.sim.world.addWebhook(w.ws, { url: receiver.url, webhookEvent: "NEW_TIME_ENTRY", triggerSourceType: "WORKSPACE_ID", triggerSource: [] });
    const holiday = w.sim.world.createTimeEntry(
      w.ws,
      w.member.id,
      { start: "2026-03-02T08:00:00Z", end: "2026-03-02T16:00:00Z", type: "HOLIDAY" },
      { emit: true },
    );
    const timeOff = w.sim.world.createTimeEntry(w.ws, w.member.id, { start: "2026-03-03T08:00:00Z", end: "2026-03-03T12:00:00Z", type: "TIME_OFF" });
    expect([holiday.type, timeOff.type]).toEqual(["HOLIDAY", "TIME_OFF"]);

    const listed = await call<TypedEntry[]>(w.sim, w.member.apiKey, "GET", `${entries(w.member.id)}?start=2026-03-01T00:00:00Z&end=2026-03-04T00:00:00Z`);
    expect(listed.status).toBe(200);
    expect(listed.body.map((e) => [e.id, e.type])).toEqual([
      [timeOff.id, "TIME_OFF"],
      [holiday.id, "HOLIDAY"],
    ]);
    const one = await call<TypedEntry>(w.sim, w.member.apiKey, "GET", `/workspaces/${w.ws}/time-entries/${holiday.id}`);
    expect(one.body.type).toBe("HOLIDAY");

    await w.sim.deliveries.idle();
    expect(receiver.bodies<{ id: string; type: string }>().map((b) => [b.id, b.type])).toEqual([[holiday.id, "HOLIDAY"]]);
  });

  it("creates and updates BREAK and REGULAR entries over HTTP", async () => {
    const made = await call<TypedEntry>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/time-entries`, {
      start: "2026-03-04T12:00:00Z",
      end: "2026-03-04T12:30:00Z",
      type: "BREAK",
    });
    expect(made.status).toBe(201);
    expect(made.body.type).toBe("BREAK");
    const path = `/workspaces/${w.ws}/time-entries/${made.body.id}`;
    const regular = await call<TypedEntry>(w.sim, w.owner.apiKey, "PUT", path, { start: "2026-03-04T12:00:00Z", end: "2026-03-04T12:30:00Z", type: "REGULAR" });
    expect(regular.body.type).toBe("REGULAR");
    // Full replacement: a PUT without type resets it, like any omitted field.
    await call(w.sim, w.owner.apiKey, "PUT", path, { start: "2026-03-04T12:00:00Z", end: "2026-03-04T12:30:00Z", type: "BREAK" });
    const reset = await call<TypedEntry>(w.sim, w.owner.apiKey, "PUT", path, { start: "2026-03-04T12:00:00Z", end: "2026-03-04T12:30:00Z" });
    expect(reset.body.type).toBe("REGULAR");
  });

  it.each(["HOLIDAY", "TIME_OFF", "SOMETHING"])("refuses type %s on create, create for another user and update (400, code 501)", async (type) => {
    const before = w.sim.world.countTimeEntries(w.ws);
    const body = { start: "2026-03-05T08:00:00Z", end: "2026-03-05T16:00:00Z", type };
    const own = await call<ErrorBody>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/time-entries`, body);
    const forOther = await call<ErrorBody>(w.sim, w.owner.apiKey, "POST", entries(w.member.id), body);
    const existing = w.sim.world.createTimeEntry(w.ws, w.owner.id, { start: "2026-03-05T08:00:00Z", end: "2026-03-05T09:00:00Z" });
    const update = await call<ErrorBody>(w.sim, w.owner.apiKey, "PUT", `/workspaces/${w.ws}/time-entries/${existing.id}`, body);
    for (const answer of [own, forOther, update]) {
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ code: 501, message: "type: type must be REGULAR or BREAK" });
    }
    expect(w.sim.world.countTimeEntries(w.ws)).toBe(before + 1);
    expect(w.sim.world.getTimeEntry(w.ws, existing.id)?.type).toBe("REGULAR");
  });
});
