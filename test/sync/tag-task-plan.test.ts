import { describe, expect, it } from "vitest";
import { planDestinationName, tagCandidate, taskCandidate, type NameDecision, type NameFacts } from "../../src/sync/entries/tag-task-plan.js";

const live = (id: string) => ({ id, archived: false });
const archived = (id: string) => ({ id, archived: true });

describe("planDestinationName", () => {
  it.each<[string, NameFacts, NameDecision]>([
    ["missing, creation on → create", { sameNamed: [], mayCreate: true }, { kind: "create" }],
    ["missing, creation off → left off", { sameNamed: [], mayCreate: false }, { kind: "left-off" }],
    ["one of the name → match", { sameNamed: [live("t1")], mayCreate: true }, { kind: "match", id: "t1" }],
    ["creation off still matches", { sameNamed: [live("t1")], mayCreate: false }, { kind: "match", id: "t1" }],
    ["only an archived one → matched, not duplicated", { sameNamed: [archived("t1")], mayCreate: true }, { kind: "match", id: "t1" }],
    ["a live one wins over an archived one", { sameNamed: [archived("t0"), live("t2")], mayCreate: true }, { kind: "match", id: "t2" }],
    ["several live: the oldest id, whatever order", { sameNamed: [live("t3"), live("t1"), live("t2")], mayCreate: true }, { kind: "match", id: "t1" }],
    ["archived unknown counts as live", { sameNamed: [{ id: "t5" }, archived("t1")], mayCreate: true }, { kind: "match", id: "t5" }],
  ])("%s", (_name, facts, expected) => {
    expect(planDestinationName(facts)).toEqual(expected);
  });

  it("sees a DONE task as archived and an ACTIVE one as live", () => {
    const done = taskCandidate({ id: "a", name: "Design", status: "DONE" });
    const active = taskCandidate({ id: "b", name: "Design", status: "ACTIVE" });
    expect(planDestinationName({ sameNamed: [done, active], mayCreate: true })).toEqual({ kind: "match", id: "b" });
    expect(planDestinationName({ sameNamed: [done], mayCreate: true })).toEqual({ kind: "match", id: "a" });
  });

  it("sees a tag's archived flag, absent meaning live", () => {
    expect(tagCandidate({ id: "a", name: "x", archived: true })).toEqual({ id: "a", archived: true });
    expect(tagCandidate({ id: "a", name: "x" })).toEqual({ id: "a", archived: false });
  });
});
