import type { DestinationDefaults } from "../../config/schema.js";
import type { SourceEntry } from "../model.js";

/**
 * The source entry as the destination will see it once the pair's defaults are applied: a default tag
 * when it has none, a default task when it has none, the description prefix. Pure. Applied before any
 * name is looked up, so the default tag and task are matched or created like the entry's own.
 */
export function withDestinationDefaults(entry: SourceEntry, defaults: DestinationDefaults): SourceEntry {
  const { tag, task, descriptionPrefix } = defaults;
  if (tag === undefined && task === undefined && descriptionPrefix === undefined) return entry;
  return {
    ...entry,
    description: descriptionPrefix === undefined ? entry.description : prefixed(entry.description, descriptionPrefix),
    taskName: entry.taskName ?? task ?? null,
    tagNames: entry.tagNames.length === 0 && tag !== undefined ? [tag] : entry.tagNames,
  };
}

/** Already prefixed stays as it is: a source entry that is itself a copy must not grow a second prefix. */
function prefixed(description: string, prefix: string): string {
  if (description.startsWith(prefix) || description === prefix.trim()) return description;
  return description === "" ? prefix.trim() : `${prefix}${description}`;
}
