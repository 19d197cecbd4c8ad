import { describe, expect, it } from "vitest";
import { createCompactor } from "../../src/sync/entries/compact.js";
import type { DestinationEntry, SourceEntry } from "../../src/sync/model.js";

const source = (id: string, tags: string[] = []): SourceEntry => ({
  id,
  workspaceId: "ws-1",
  userId: "user-1",
  start: "2026-11-20T09:00:00Z",
  end: "2026-11-20T10:00:00Z",
  description: `entry ${id}`,
  billable: true,
  project: { id: "p-1", name: "Website", clientId: "c-1" },
  taskName: "Design",
  tagNames: tags,
});

describe("createCompactor", () => {
  it("keeps every field's value and shares one project object between entries of the same project", () => {
    const compact = createCompactor();
    const [a, b] = [source("a", ["meeting"]), source("b")];
    const [ca, cb] = [compact.source(structuredClone(a)), compact.source(structuredClone(b))];
    expect(ca).toEqual(a);
    expect(cb).toEqual(b);
    expect(cb.project).toBe(ca.project);
    // A renamed project is another object: the name is part of the entry's content.
    const renamed = compact.source({ ...source("c"), project: { id: "p-1", name: "Web", clientId: "c-1" } });
    expect(renamed.project).not.toBe(ca.project);
    expect(renamed.project?.name).toBe("Web");
  });

  it("keeps destination content, and null for copies it cannot compare", () => {
    const compact = createCompactor();
    const d: DestinationEntry = { userId: "u", start: "a", end: "b", description: "x", billable: false, projectId: "dp", taskId: null, tagIds: ["t2", "t1"] };
    expect(compact.destination(structuredClone(d))).toEqual(d);
    expect(compact.destination(null)).toBeNull();
  });
});
