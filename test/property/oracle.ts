import { expect } from "vitest";
import type { TimeEntryDto } from "../../src/sandbox/index.js";
import type { World } from "./world.js";

/**
 * The convergence property's oracle: what the destination must hold, worked out from the SOURCE state
 * with desired()'s scope rules, independently of the service's own bookkeeping.
 */

interface Names {
  projects: Map<string, string>;
  tasks: Map<string, string>;
  tags: Map<string, string>;
}

function namesIn(w: World, workspaceId: string): Names {
  const { world } = w.m.sim;
  return {
    projects: new Map(world.listProjects(workspaceId).map((p) => [p.id, p.name])),
    tasks: new Map(world.listTasks(workspaceId).map((t) => [t.id, t.name])),
    tags: new Map(world.listTags(workspaceId).map((t) => [t.id, t.name])),
  };
}

/**
 * What a copy looks like by content, owner and labels by name: the multiset key. An unknown id shows as
 * itself, so a copy pointing at a task or tag of the wrong workspace cannot pass.
 */
function contentKey(e: TimeEntryDto, owner: string, names: Names): string {
  const name = (map: Map<string, string>, id: string | null) => (id === null ? null : (map.get(id) ?? `?${id}`));
  return JSON.stringify({
    owner,
    start: Date.parse(e.timeInterval.start),
    end: Date.parse(e.timeInterval.end ?? ""),
    description: e.description,
    billable: e.billable,
    project: name(names.projects, e.projectId),
    task: name(names.tasks, e.taskId),
    tags: (e.tagIds ?? []).map((id) => name(names.tags, id)).sort(),
  });
}

/**
 * Each listed member's finished entries on a project of the pair's client, owned by that member's
 * destination user, with the source's task and tags (created in the destination when missing there).
 */
export function expectedCopies(w: World): string[] {
  const { world } = w.m.sim;
  const clientProjects = new Set(world.listProjects(w.src).filter((p) => p.clientId === w.m.source.clientId).map((p) => p.id));
  const names = namesIn(w, w.src);
  const members = [
    { source: w.m.user.id, destination: w.m.user.id },
    { source: w.team.bob, destination: w.team.robert },
  ];
  return members
    .flatMap(({ source, destination }) =>
      world
        .listTimeEntries(w.src, source)
        .filter((e) => e.timeInterval.end !== null && e.projectId !== null && clientProjects.has(e.projectId))
        .map((e) => contentKey(e, w.ownerNames.get(destination) ?? destination, names)),
    )
    .sort();
}

export function actualCopies(w: World): string[] {
  const names = namesIn(w, w.dst);
  const handMade = new Set(w.handMade.map((e) => e.id));
  return w.m.sim.world
    .listTimeEntries(w.dst)
    .filter((e) => !handMade.has(e.id))
    .map((e) => contentKey(e, w.ownerNames.get(e.userId) ?? e.userId, names))
    .sort();
}

/** Names the destination holds more than once: tags in the workspace, tasks within a project. */
export function duplicateNames(w: World): string[] {
  const { world } = w.m.sim;
  const twice = (labels: string[]) => labels.filter((label, i) => labels.indexOf(label) !== i);
  const tags = twice(world.listTags(w.dst).map((t) => `tag "${t.name}"`));
  const tasks = world.listProjects(w.dst).flatMap((p) => twice(world.listTasks(w.dst, p.id).map((t) => `task "${p.name}: ${t.name}"`)));
  return [...tags, ...tasks];
}

export function checkConverged(w: World): void {
  const notes = w.notes.length ? `faults: ${w.notes.join("; ")}` : "no API timeouts or restarts";
  expect(actualCopies(w), `destination copies (${notes})`).toEqual(expectedCopies(w));
  for (const e of w.handMade) expect(w.m.sim.world.getTimeEntry(w.dst, e.id), `hand-made entry ${e.id} (${notes})`).toEqual(e);
  expect(duplicateNames(w), `tags and tasks created twice (${notes})`).toEqual([]);
}
