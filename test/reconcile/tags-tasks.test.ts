import { afterEach, describe, expect, it } from "vitest";
import type { TimeEntryDto } from "../../src/sandbox/index.js";
import { mirrorSourceEntry } from "../../src/sync/entries/mirror.js";
import type { SourceEntry } from "../../src/sync/model.js";
import { formatSummary } from "../../src/sync/reconcile/summary.js";
import { seedBase, startHarness, writes, type Harness } from "./support.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HOUR = 3_600_000;
const TAG_CREATE = "/v1/workspaces/{workspaceId}/tags";
const TASK_CREATE = "/v1/workspaces/{workspaceId}/projects/{projectId}/tasks";

/**
 * A source project "Website" with a task "Design" (new to the destination) and "Build" (DONE there),
 * and `count` finished entries all carrying task Design and tag "urgent" (new to the destination).
 */
function seed(harness: Harness, count: number): { entries: TimeEntryDto[]; dstWebsite: string } {
  const { world } = harness.sim;
  const src = harness.source.workspaceId;
  const dst = harness.destination.workspaceId;
  const website = world.addProject(src, { name: "Website", clientId: harness.source.clientId });
  const design = world.addTask(src, website.id, { name: "Design" });
  world.addTask(src, website.id, { name: "Build" });
  const urgent = world.addTag(src, { name: "urgent" });
  const dstWebsite = world.addProject(dst, { name: "Website" }).id;
  world.addTask(dst, dstWebsite, { name: "Build", status: "DONE" });
  const entries: TimeEntryDto[] = [];
  for (let i = 0; i < count; i++) {
    const start = seedBase() + i * HOUR;
    entries.push(
      world.createTimeEntry(src, harness.user.id, {
        start: new Date(start).toISOString(),
        end: new Date(start + HOUR / 2).toISOString(),
        description: `entry ${i}`,
        projectId: website.id,
        taskId: design.id,
        tagIds: [urgent.id],
      }),
    );
  }
  return { entries, dstWebsite };
}

const posts = (harness: Harness, route: string) => writes(harness.sim).filter((r) => r.method === "POST" && r.route === route).length;

describe("tags and tasks missing in the destination", () => {
  it("are created once by a run with 8 workers, and every copy carries them", async () => {
    h = await startHarness();
    const { dstWebsite } = seed(h, 24);
    const dst = h.destination.workspaceId;

    const summary = await h.run({ concurrency: 8 });
    expect(summary.outcome, summary.error).toBe("succeeded");
    expect(summary.counts.created).toBe(24);
    expect(summary.tagsAndTasks).toEqual({ created: { tags: ["urgent"], tasks: ["Website: Design"] }, leftOff: { tags: [], tasks: [] } });
    expect(formatSummary(summary)).toContain("created 1 tag(s), 1 task(s)");

    const tags = h.sim.world.listTags(dst);
    const tasks = h.sim.world.listTasks(dst, dstWebsite);
    expect(tags.map((t) => t.name)).toEqual(["urgent"]);
    expect(tasks.map((t) => t.name).sort()).toEqual(["Build", "Design"]);
    const design = tasks.find((t) => t.name === "Design");
    const copies = h.sim.world.listTimeEntries(dst);
    expect(copies).toHaveLength(24);
    for (const copy of copies) expect({ taskId: copy.taskId, tagIds: copy.tagIds }).toEqual({ taskId: design?.id, tagIds: [tags[0]?.id] });

    // A second run finds them: nothing more created, nothing to report.
    const again = await h.run({ concurrency: 8 });
    expect(again.outcome).toBe("succeeded");
    expect(again.tagsAndTasks).toBeUndefined();
    expect({ tags: posts(h, TAG_CREATE), tasks: posts(h, TASK_CREATE) }).toEqual({ tags: 1, tasks: 1 });
  });

  it("are created once when 8 entries race through the webhook path on two runtimes, a DONE task matched", async () => {
    h = await startHarness();
    const { entries, dstWebsite } = seed(h, 8);
    const dst = h.destination.workspaceId;
    const website = h.sim.world.listProjects(h.source.workspaceId)[0];
    // Two runtimes (the worker's and a run's) share the locks but not their caches.
    const runtimes = [h.runtime(), h.runtime()];
    const asSource = (e: TimeEntryDto, i: number): SourceEntry => ({
      id: e.id,
      workspaceId: e.workspaceId,
      userId: e.userId,
      start: e.timeInterval.start,
      end: e.timeInterval.end ?? null,
      description: e.description,
      billable: e.billable,
      project: { id: website?.id ?? "", name: "Website", clientId: h?.source.clientId ?? null },
      taskName: i % 2 === 0 ? "Design" : "Build",
      tagNames: ["urgent", "rush"],
    });
    const outcomes = await Promise.all(entries.map((e, i) => mirrorSourceEntry(runtimes[i % 2] ?? runtimes[0]!, asSource(e, i), { confirmed: true })));
    expect(outcomes.map((o) => o.kind)).toEqual(Array(8).fill("created"));

    expect(h.sim.world.listTags(dst).map((t) => t.name).sort()).toEqual(["rush", "urgent"]);
    const tasks = h.sim.world.listTasks(dst, dstWebsite);
    expect(tasks.map((t) => t.name).sort()).toEqual(["Build", "Design"]);
    const build = tasks.find((t) => t.name === "Build");
    expect(build?.status).toBe("DONE");
    expect({ tags: posts(h, TAG_CREATE), tasks: posts(h, TASK_CREATE) }).toEqual({ tags: 2, tasks: 1 });
    const onBuild = h.sim.world.listTimeEntries(dst).filter((c) => c.taskId === build?.id);
    expect(onBuild).toHaveLength(4);
  });

  it("are only announced by a dry run", async () => {
    h = await startHarness();
    seed(h, 3);
    const summary = await h.run({ dryRun: true });
    expect(summary.outcome, summary.error).toBe("succeeded");
    expect(summary.tagsAndTasks?.created).toEqual({ tags: ["urgent"], tasks: ["Website: Design"] });
    expect(formatSummary(summary)).toContain("would create 1 tag(s), 1 task(s)");
    expect(writes(h.sim)).toEqual([]);
  });

  it("are left off when creation is switched off, and the summary names them", async () => {
    h = await startHarness({ pair: { createMissingDestinationTags: false, createMissingDestinationTasks: false } });
    seed(h, 6);
    const dst = h.destination.workspaceId;

    const summary = await h.run({ concurrency: 8 });
    expect(summary.outcome, summary.error).toBe("succeeded");
    expect(summary.counts.created).toBe(6);
    expect(summary.tagsAndTasks).toEqual({ created: { tags: [], tasks: [] }, leftOff: { tags: ["urgent"], tasks: ["Website: Design"] } });
    const text = formatSummary(summary);
    expect(text).toContain('1 tag(s) not in the destination, left off the copies: "urgent"');
    expect(text).toContain('1 task(s) not in the destination, left off the copies: "Website: Design"');
    expect(text).not.toContain("created 1 tag(s)");

    expect(h.sim.world.listTags(dst)).toEqual([]);
    for (const copy of h.sim.world.listTimeEntries(dst)) expect({ taskId: copy.taskId, tags: copy.tagIds ?? [] }).toEqual({ taskId: null, tags: [] });
    expect({ tags: posts(h, TAG_CREATE), tasks: posts(h, TASK_CREATE) }).toEqual({ tags: 0, tasks: 0 });
  });
});
