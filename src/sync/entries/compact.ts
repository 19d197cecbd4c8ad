import type { DestinationEntry, SourceEntry } from "../model.js";

const NO_NAMES: readonly string[] = Object.freeze([]);

/**
 * A reconciliation holds every listed entry of the window at once (100,000 of them in a big workspace),
 * and parsed JSON gives each entry its own copy of the workspace id, user id, project and empty tag list.
 * Sharing one copy of each keeps the run's memory about the size of the entries' own content.
 */
export function createCompactor() {
  const strings = new Map<string, string>();
  const projects = new Map<string, NonNullable<SourceEntry["project"]>>();
  const one = (value: string): string => {
    const known = strings.get(value);
    if (known !== undefined) return known;
    strings.set(value, value);
    return value;
  };
  const shared = (list: string[]): string[] => (list.length === 0 ? (NO_NAMES as string[]) : list.map(one));
  return {
    source(entry: SourceEntry): SourceEntry {
      const { project } = entry;
      let sharedProject = project;
      if (project) {
        const key = `${project.id}\u0000${project.name}\u0000${project.clientId ?? ""}`;
        const known = projects.get(key);
        if (known) sharedProject = known;
        else projects.set(key, project);
      }
      return {
        ...entry,
        workspaceId: one(entry.workspaceId),
        userId: one(entry.userId),
        project: sharedProject,
        taskName: entry.taskName === null ? null : one(entry.taskName),
        tagNames: shared(entry.tagNames),
      };
    },
    destination(entry: DestinationEntry | null): DestinationEntry | null {
      if (!entry) return null;
      return { ...entry, userId: one(entry.userId), projectId: one(entry.projectId), taskId: entry.taskId === null ? null : one(entry.taskId), tagIds: shared(entry.tagIds) };
    },
  };
}
