import { describe, expect, it } from "vitest";
import { describeOutcome, readSubject } from "../../src/status/activity.js";
import { collectStatus } from "../../src/status/collect.js";
import { formatEntryDuration, formatInZone } from "../../src/status/format.js";
import { shorten } from "../../src/http/status-page-html.js";
import { useTempDatabases } from "../db/temp-database.js";
import { activityConfig, HOSTILE_PROJECT, LONG_DESCRIPTION, LONG_DESTINATION_ID, LONG_ID, seedActivity, TIME_ZONE } from "./activity-seed.js";
import { NOW } from "./seed.js";

const temp = useTempDatabases();

describe("describeOutcome: the inbox's outcome column in words", () => {
  it.each([
    ["NEW_TIME_ENTRY", "created", "Copied to the destination", "changed"],
    ["TIME_ENTRY_UPDATED", "updated", "Copy updated", "changed"],
    ["TIME_ENTRY_UPDATED", "unchanged", "Copy already up to date", "quiet"],
    ["TIME_ENTRY_DELETED", "deleted", "Copy deleted", "changed"],
    ["NEW_TIME_ENTRY", "adopted", "Matched to a copy already there", "changed"],
    ["NEW_TIMER_STARTED", "absent: running", "Not mirrored: the timer is still running", "quiet"],
    ["NEW_TIME_ENTRY", "absent: other-user", "Not mirrored: another user's entry", "quiet"],
    ["NEW_TIME_ENTRY", "absent: other-client", "Not mirrored: its project belongs to another client", "quiet"],
    ["NEW_TIME_ENTRY", "absent: no-project", "Not mirrored: the entry has no project", "quiet"],
    ["NEW_PROJECT", "absent: other client", "Not mirrored: the project belongs to another client", "quiet"],
    ["NEW_PROJECT", "created", "Counterpart project created", "changed"],
    ["PROJECT_UPDATED", "renamed", "Source project renamed to match", "changed"],
    ["PROJECT_UPDATED", "mapped", "Matched to the project of the same name", "changed"],
    ["NEW_TIME_ENTRY", "skipped: nothing to apply", "Skipped: nothing to apply", "quiet"],
    ["PROJECT_UPDATED", "conflict: \u201cA\u201d is taken", "Name conflict: \u201cA\u201d is taken", "attention"],
    ["NEW_TIME_ENTRY", "no such pair", "Dropped: the pair is no longer configured", "attention"],
    ["TIME_ENTRY_UPDATED", "blocked by lock: the period is locked", "Blocked: the period is locked", "attention"],
    ["TIME_ENTRY_DELETED", "blocked by approval: approved", "Blocked: approved", "attention"],
    // A kind this page does not know yet stays visible as it is; a kind with a reason is not a plain kind.
    ["NEW_TIME_ENTRY", "teleported", "teleported", "quiet"],
    ["NEW_TIME_ENTRY", "created: oddly", "created: oddly", "quiet"],
    ["NEW_TIME_ENTRY", null, "—", "quiet"],
  ] as const)("%s %j → %s", (eventType, outcome, label, tone) => {
    expect(describeOutcome(eventType, outcome)).toEqual({ outcomeLabel: label, outcomeTone: tone });
  });
});

describe("readSubject: what the stored webhook body says", () => {
  const entry = (overrides: Record<string, unknown>) =>
    JSON.stringify({ id: "e1", workspaceId: "w", userId: "u", timeInterval: { start: "2026-11-20T09:00:00Z", end: "2026-11-20T09:45:00Z" }, ...overrides });

  it.each([
    ["an entry with project", "NEW_TIME_ENTRY", entry({ description: "call", projectId: "p", project: { id: "p", name: "Web", clientId: "c" } }),
      { subject: "entry", description: "call", projectName: "Web", durationMs: 45 * 60_000 }],
    ["an entry without description or project", "TIME_ENTRY_UPDATED", entry({}), { subject: "entry", description: "", projectName: null }],
    ["a running timer", "NEW_TIMER_STARTED", entry({ timeInterval: { start: "2026-11-20T09:00:00Z", end: null } }),
      { subject: "entry", endAt: null, durationMs: null, startAt: Date.parse("2026-11-20T09:00:00Z") }],
    ["a project", "PROJECT_UPDATED", JSON.stringify({ id: "p", workspaceId: "w", name: "Web" }), { subject: "project", projectName: "Web", startAt: null }],
    ["a stub body", "NEW_TIME_ENTRY", JSON.stringify({ id: "e1" }), { subject: "unreadable", description: null, projectName: null }],
    ["not JSON at all", "NEW_TIME_ENTRY", "{not json", { subject: "unreadable" }],
    ["an entry body under a project event", "NEW_PROJECT", entry({}), { subject: "unreadable" }],
    ["an event this project does not handle", "NEW_TAG", JSON.stringify({ id: "t", name: "x" }), { subject: "unreadable" }],
  ] as const)("%s", (_name, eventType, body, expected) => {
    expect(readSubject(eventType, body)).toMatchObject(expected);
  });
});

describe("formats", () => {
  it.each([
    [Date.parse("2026-11-20T09:00:00Z"), "Europe/Berlin", "2026-11-20 10:00"],
    [Date.parse("2026-07-01T22:30:00Z"), "Europe/Berlin", "2026-07-02 00:30"],
    [Date.parse("2026-11-20T09:05:00Z"), "America/New_York", "2026-11-20 04:05"],
    [Date.parse("2026-11-20T09:05:59Z"), "UTC", "2026-11-20 09:05"],
  ])("formatInZone(%i, %s) = %s", (ms, zone, expected) => {
    expect(formatInZone(ms, zone)).toBe(expected);
  });

  it.each([
    [20_000, "20 s"],
    [59_400, "59 s"],
    [45 * 60_000, "45 min"],
    [60 * 60_000, "1 h"],
    [90 * 60_000, "1 h 30 min"],
    [10 * 3_600_000 + 60_000, "10 h 1 min"],
  ])("formatEntryDuration(%i) = %s", (ms, expected) => {
    expect(formatEntryDuration(ms)).toBe(expected);
  });

  it("shortens long text on one line, by characters not bytes", () => {
    expect(shorten("a\n  b   c", 80)).toEqual({ text: "a b c", cut: false });
    expect(shorten("x".repeat(81), 80)).toEqual({ text: `${"x".repeat(79)}…`, cut: true });
    expect(shorten("\u{1F600}".repeat(5), 4).text).toBe("\u{1F600}\u{1F600}\u{1F600}…");
  });
});

describe("collectStatus: recent activity from the stored bodies", () => {
  it("gives description, project, start, duration and the outcome in words per applied event, newest first", async () => {
    const database = temp.open();
    await seedActivity(database);
    const report = await collectStatus(database, activityConfig(), NOW);
    expect(report.timeZone).toBe(TIME_ZONE);
    expect(report.recentActivity.map((a) => [a.entityId, a.eventLabel, a.subject, a.outcomeLabel])).toEqual([
      [LONG_ID, "New entry", "entry", "Copied to the destination"],
      ["gone-1", "Entry deleted", "entry", "Dropped: the pair is no longer configured"],
      ["hostile-1", "Entry edited", "entry", "Copy updated"],
      ["proj-1", "New project", "project", "Counterpart project created"],
      ["run-1", "Timer started", "entry", "Not mirrored: the timer is still running"],
      ["stub-1", "Entry edited", "unreadable", "Copy already up to date"],
    ]);
    expect(report.recentActivity[0]).toMatchObject({
      pairId: "acme",
      description: LONG_DESCRIPTION,
      projectName: "Website relaunch",
      startAt: Date.parse("2026-11-20T09:00:00Z"),
      endAt: Date.parse("2026-11-20T10:30:00Z"),
      durationMs: 90 * 60_000,
      destinationId: LONG_DESTINATION_ID,
      outcome: "created",
      latencyMs: 1500,
    });
    expect(report.recentActivity.find((a) => a.entityId === "hostile-1")?.projectName).toBe(HOSTILE_PROJECT);
    expect(report.recentActivity.find((a) => a.entityId === "run-1")).toMatchObject({ durationMs: null, endAt: null });
  });
});
