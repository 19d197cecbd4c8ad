import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/doctor/model.js";
import { checkTransitions, keepWhatWasNotChecked } from "../../src/doctor/transitions.js";

const r = (check: string, level: CheckResult["level"], inconclusive = false): CheckResult => ({
  pairId: "acme",
  check,
  level,
  message: `${check} ${level}`,
  ...(inconclusive ? { inconclusive: true as const } : {}),
});
const names = (results: CheckResult[]) => results.map((x) => `${x.check}:${x.level}`);

describe("keepWhatWasNotChecked", () => {
  it.each([
    { name: "a conclusive run replaces everything", previous: [r("source.client", "error")], fresh: [r("source.key", "ok"), r("source.client", "ok")], kept: ["source.key:ok", "source.client:ok"] },
    { name: "an outage keeps the errors it could not check", previous: [r("source.key", "ok"), r("source.client", "error")], fresh: [r("source.key", "warning", true)], kept: ["source.key:warning", "source.client:error"] },
    { name: "an outage keeps an error over its own could-not-check", previous: [r("destination.user", "error")], fresh: [r("destination.user", "warning", true)], kept: ["destination.user:error"] },
    { name: "an outage does not resurrect oks", previous: [r("source.client", "ok")], fresh: [r("source.key", "warning", true)], kept: ["source.key:warning"] },
  ])("$name", ({ previous, fresh, kept }) => {
    expect(names(keepWhatWasNotChecked(previous, fresh))).toEqual(kept);
  });
});

describe("checkTransitions", () => {
  it.each([
    { name: "a new error appears", previous: [r("source.client", "ok")], next: [r("source.client", "error")], appeared: ["source.client:error"], cleared: [] },
    { name: "the same error again is not news", previous: [r("source.client", "error")], next: [r("source.client", "error")], appeared: [], cleared: [] },
    { name: "a level change is news", previous: [r("reconcile", "warning")], next: [r("reconcile", "error")], appeared: ["reconcile:error"], cleared: [] },
    { name: "a fixed error clears", previous: [r("source.client", "error")], next: [r("source.client", "ok")], appeared: [], cleared: ["source.client:ok"] },
    { name: "a check no longer made clears", previous: [r("source.client", "error")], next: [], appeared: [], cleared: ["source.client:ok"] },
    { name: "the first run announces every problem", previous: [], next: [r("source.key", "ok"), r("destination.lock", "warning")], appeared: ["destination.lock:warning"], cleared: [] },
  ])("$name", ({ previous, next, appeared, cleared }) => {
    const t = checkTransitions(previous, next);
    expect(names(t.appeared)).toEqual(appeared);
    expect(names(t.cleared)).toEqual(cleared);
  });
});
