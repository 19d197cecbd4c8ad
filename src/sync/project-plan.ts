import type { Project } from "../clockify/schemas.js";
import type { ProjectMapping } from "../db/schema.js";

export type ProjectChange =
  | { kind: "create"; destination: Project }
  | { kind: "rename"; destination: Project; from: string }
  | { kind: "map"; destination: Project; sourceProjectId: string };

/**
 * What a run changes among projects (destination → source): every destination project missing from the
 * source client by name is created there, mapped ones renamed in the destination are renamed, and
 * same-named ones are matched, never duplicated. Archived destination projects are not brought over.
 * Pure.
 */
export function planProjectChanges(
  destination: readonly Project[],
  sourceUnderClient: readonly Project[],
  mappings: readonly ProjectMapping[],
): ProjectChange[] {
  const byDestination = new Map(mappings.map((m) => [m.destinationProjectId, m]));
  const sourceById = new Map(sourceUnderClient.map((p) => [p.id, p]));
  const sourceByName = new Map<string, Project>();
  for (const p of sourceUnderClient) if (!sourceByName.has(p.name)) sourceByName.set(p.name, p);
  // A source project has one destination counterpart: the one a mapping already ties it to, else the
  // first same-named one. Mapping a second would re-point it away from the first, and back next run.
  const destinationIds = new Set(destination.map((p) => p.id));
  const claimed = new Set<string>();
  for (const m of mappings) {
    if (sourceById.has(m.sourceProjectId) && destinationIds.has(m.destinationProjectId)) claimed.add(m.sourceProjectId);
  }
  const changes: ProjectChange[] = [];
  const planned = new Set<string>();
  // Live before archived, then by id: the same preference as pickByName.
  const ordered = [...destination].sort(
    (a, b) => Number(a.archived ?? false) - Number(b.archived ?? false) || a.id.localeCompare(b.id),
  );
  for (const project of ordered) {
    const mapping = byDestination.get(project.id);
    const mappedSource = mapping ? sourceById.get(mapping.sourceProjectId) : undefined;
    if (mappedSource) {
      if (mappedSource.name !== project.name) changes.push({ kind: "rename", destination: project, from: mappedSource.name });
      continue;
    }
    const same = sourceByName.get(project.name);
    if (same) {
      if (!claimed.has(same.id)) {
        claimed.add(same.id);
        changes.push({ kind: "map", destination: project, sourceProjectId: same.id });
      }
      continue;
    }
    if (project.archived || planned.has(project.name)) continue;
    planned.add(project.name);
    changes.push({ kind: "create", destination: project });
  }
  return changes;
}
