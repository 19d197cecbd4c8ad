import type { ProjectEventBody } from "../../webhooks/events.js";
import type { Outcome } from "../outcome.js";
import type { PairRuntime } from "../pair-runtime.js";
import { ensureDestinationProject } from "./destination-projects.js";
import { mirrorDestinationProject } from "./source-projects.js";

/**
 * A project event of one pair: a destination project flows to the source (created, renamed, matched,
 * or a conflict reported); a source project of the pair's client gets its destination counterpart.
 */
export async function applyProjectEvent(
  runtime: PairRuntime,
  side: "source" | "destination",
  project: ProjectEventBody,
): Promise<Outcome> {
  runtime.destinationCatalog.invalidateProjects();
  if (side === "destination") return mirrorDestinationProject(runtime, project);
  if (project.clientId !== runtime.pair.source.clientId) return { kind: "absent", reason: "other client" };
  const result = await ensureDestinationProject(runtime, project);
  return result.kind === "mapped" ? result.outcome : { kind: "skipped", reason: "no destination project and creating them is off" };
}
