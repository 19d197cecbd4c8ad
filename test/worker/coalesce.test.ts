import { describe, expect, it } from "vitest";
import type { SourceEntry } from "../../src/sync/model.js";
import { planEntryEvents, type PendingEntryEvent } from "../../src/worker/coalesce.js";

const state = (description: string, end: string | null = "2026-11-20T10:00:00Z"): SourceEntry => ({
  id: "e1",
  workspaceId: "w",
  userId: "u",
  start: "2026-11-20T09:00:00Z",
  end,
  description,
  billable: false,
  project: { id: "p", name: "P", clientId: "c" },
  taskName: null,
  tagNames: [],
});
const ev = (eventType: string, description: string, end?: string | null): PendingEntryEvent => ({
  eventType,
  entry: state(description, end),
  bodyKey: `${eventType}:${description}:${end}`,
});
const past = (e: PendingEntryEvent) => ({ eventType: e.eventType, bodyKey: e.bodyKey });

describe("planEntryEvents", () => {
  it("applies a single event's state", () => {
    const plan = planEntryEvents([ev("NEW_TIME_ENTRY", "a")], [], false);
    expect(plan).toEqual({ kind: "apply", entry: state("a") });
  });

  it("coalesces a burst of edits into its newest state", () => {
    const plan = planEntryEvents([ev("NEW_TIME_ENTRY", "a"), ev("TIME_ENTRY_UPDATED", "b")], [], false);
    expect(plan).toEqual({ kind: "apply", entry: state("b") });
  });

  it("treats identical redeliveries as one", () => {
    const e = ev("TIME_ENTRY_UPDATED", "b");
    expect(planEntryEvents([e, e, e], [past(e)], false)).toEqual({ kind: "apply", entry: state("b") });
  });

  it("uses the later life stage when deliveries arrive out of order", () => {
    const plan = planEntryEvents([ev("TIME_ENTRY_UPDATED", "b"), ev("NEW_TIME_ENTRY", "a")], [], false);
    expect(plan).toEqual({ kind: "apply", entry: state("b") });
  });

  it("reads the source when two edits disagree", () => {
    const plan = planEntryEvents([ev("TIME_ENTRY_UPDATED", "b"), ev("TIME_ENTRY_UPDATED", "c")], [], false);
    expect(plan.kind).toBe("read");
  });

  it("skips a late event older than one already applied", () => {
    const applied = ev("TIME_ENTRY_UPDATED", "b");
    expect(planEntryEvents([ev("NEW_TIME_ENTRY", "a")], [past(applied)], false).kind).toBe("skip");
    expect(planEntryEvents([ev("TIMER_STOPPED", "a")], [past(applied)], false).kind).toBe("skip");
  });

  it("reads the source when an edit may be older than an applied edit", () => {
    const applied = ev("TIME_ENTRY_UPDATED", "b");
    expect(planEntryEvents([ev("TIME_ENTRY_UPDATED", "c")], [past(applied)], false).kind).toBe("read");
  });

  it("trusts a stop after a start without a read", () => {
    const started = ev("NEW_TIMER_STARTED", "a", null);
    expect(planEntryEvents([ev("TIMER_STOPPED", "a")], [past(started)], false)).toEqual({
      kind: "apply",
      entry: state("a"),
    });
  });

  it("deletes when the last word is a delete, whatever came before", () => {
    expect(planEntryEvents([ev("NEW_TIME_ENTRY", "a"), ev("TIME_ENTRY_DELETED", "a")], [], false)).toEqual({
      kind: "delete",
    });
    expect(planEntryEvents([ev("TIME_ENTRY_DELETED", "a"), ev("TIME_ENTRY_UPDATED", "b")], [], false)).toEqual({
      kind: "delete",
    });
  });

  it("never resurrects a tombstoned entry from an event; only a read may", () => {
    expect(planEntryEvents([ev("TIME_ENTRY_UPDATED", "b")], [], true)).toEqual({ kind: "read", why: "tombstoned" });
  });

  it.each(["TIME_ENTRY_RESTORED", "TIME_ENTRY_SPLIT"])("reads the source on %s", (type) => {
    expect(planEntryEvents([ev(type, "a")], [], false).kind).toBe("read");
  });

  it("asks to look for the new part of a split entry, also when the split comes with a restore", () => {
    expect(planEntryEvents([ev("TIME_ENTRY_SPLIT", "a")], [], false)).toEqual({ kind: "read", why: "split", split: true });
    expect(planEntryEvents([ev("TIME_ENTRY_SPLIT", "a")], [], true)).toEqual({ kind: "read", why: "split", split: true });
    const both = [ev("TIME_ENTRY_SPLIT", "a"), ev("TIME_ENTRY_RESTORED", "a")];
    expect(planEntryEvents(both, [], false)).toEqual({ kind: "read", why: "restored", split: true });
    expect(planEntryEvents([ev("TIME_ENTRY_RESTORED", "a")], [], true)).toEqual({ kind: "read", why: "restored" });
    // A delete after the split wins: there is nothing left to split.
    expect(planEntryEvents([ev("TIME_ENTRY_SPLIT", "a"), ev("TIME_ENTRY_DELETED", "a")], [], false)).toEqual({ kind: "delete" });
  });

  it("reads the source on a delete whose body is not the entry (a bulk delete's list of ids)", () => {
    const batch: PendingEntryEvent = { eventType: "TIME_ENTRY_DELETED", entry: null, bodyKey: "ids" };
    expect(planEntryEvents([batch], [], false)).toEqual({ kind: "read", why: "delete without the entry's body" });
    expect(planEntryEvents([ev("TIME_ENTRY_UPDATED", "b"), batch], [], false).kind).toBe("read");
    // ...while a delete with the entry's body is trusted as it always was.
    expect(planEntryEvents([ev("TIME_ENTRY_DELETED", "a")], [], false)).toEqual({ kind: "delete" });
  });

  it("reads the source when a body lacked what the decision needs", () => {
    const incomplete: PendingEntryEvent = { eventType: "NEW_TIME_ENTRY", entry: null, bodyKey: "x" };
    expect(planEntryEvents([incomplete], [], false)).toEqual({ kind: "read", why: "incomplete body" });
  });
});

describe("planEntryEvents and redeliveries", () => {
  it("reads the source before acting on a delete it has applied before (it may predate a restore)", () => {
    const del = ev("TIME_ENTRY_DELETED", "a");
    expect(planEntryEvents([del], [past(del), past(ev("TIME_ENTRY_RESTORED", "a"))], false)).toEqual({
      kind: "read",
      why: "delete seen before",
    });
  });
});

describe("planEntryEvents and running timers", () => {
  it("applies the stop of a timer that was edited while it ran", () => {
    const editedWhileRunning = ev("TIME_ENTRY_UPDATED", "typed later", null);
    const plan = planEntryEvents([ev("TIMER_STOPPED", "typed later")], [{ ...past(editedWhileRunning), running: true }], false);
    expect(plan).toEqual({ kind: "apply", entry: state("typed later") });
  });
  it("prefers the stopped state over a running edit in the same burst", () => {
    const plan = planEntryEvents([ev("TIME_ENTRY_UPDATED", "x", null), ev("TIMER_STOPPED", "x")], [], false);
    expect(plan).toEqual({ kind: "apply", entry: state("x") });
  });
});
