import { describe, expect, it } from "vitest";
import { desired } from "../../src/sync/entries/desired.js";
import { oneUserScope, sourceEntry } from "./copies.js";
import type { DestinationLookup } from "../../src/sync/model.js";

const scope = oneUserScope;

const entry = sourceEntry;

const lookup = (over: Partial<DestinationLookup> = {}): DestinationLookup => ({
  projectFor: (id) => (id === "p-src" ? { id: "p-dst" } : undefined),
  taskFor: (projectId, name) => (projectId === "p-dst" && name === "Design" ? "t-dst" : undefined),
  tagFor: (name) => ({ urgent: "tag-u", billable: "tag-b" })[name],
  ...over,
});

describe("desired", () => {
  it.each([
    ["another user's entry", entry({ userId: "u2" }), "other-user"],
    ["a running timer", entry({ end: null }), "running"],
    ["an entry without project", entry({ project: null }), "no-project"],
    ["a project of another client", entry({ project: { id: "p-src", name: "Website", clientId: "client-b" } }), "other-client"],
    ["a project without client", entry({ project: { id: "p-src", name: "Website", clientId: null } }), "other-client"],
  ])("keeps %s out of the destination", (_name, source, reason) => {
    expect(desired(source, lookup(), scope)).toEqual({ kind: "absent", reason });
  });

  it("asks for the project when it is not mapped yet", () => {
    expect(desired(entry(), lookup({ projectFor: () => undefined }), scope)).toEqual({
      kind: "needs-project",
      sourceProjectId: "p-src",
      willBeCreated: false,
      projectName: "Website",
    });
  });

  it("mirrors start, end, description, billable, project, task and tags by name", () => {
    const result = desired(entry({ taskName: "Design", tagNames: ["urgent", "billable"] }), lookup(), scope);
    expect(result).toEqual({
      kind: "mirror",
      entry: {
        userId: "u1",
        start: "2026-11-20T09:00:00Z",
        end: "2026-11-20T10:00:00Z",
        description: "work",
        billable: true,
        projectId: "p-dst",
        taskId: "t-dst",
        tagIds: ["tag-b", "tag-u"],
      },
      missing: { tags: [] },
    });
  });

  it("leaves off a task or tags the destination does not have, and says which", () => {
    const result = desired(entry({ taskName: "Nope", tagNames: ["urgent", "ghost"] }), lookup(), scope);
    expect(result.kind).toBe("mirror");
    if (result.kind !== "mirror") return;
    expect(result.entry.taskId).toBeNull();
    expect(result.entry.tagIds).toEqual(["tag-u"]);
    expect(result.missing).toEqual({ task: "Nope", tags: ["ghost"] });
  });

  it("is deterministic in tag order and duplicates", () => {
    const a = desired(entry({ tagNames: ["urgent", "billable", "urgent"] }), lookup(), scope);
    const b = desired(entry({ tagNames: ["billable", "urgent"] }), lookup(), scope);
    expect(a).toEqual(b);
  });
});
