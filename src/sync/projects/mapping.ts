import { wakeWaiting } from "../../db/inbox.js";
import { deleteProjectMapping, findProjectMappingByDestinationId, upsertProjectMapping } from "../../db/project-map.js";
import type { ProjectOrigin } from "../../db/schema.js";
import type { PairRuntime } from "../pair-runtime.js";

/** Ties a source project to its destination counterpart and wakes the entries parked on its name. */
export async function mapProject(
  runtime: PairRuntime,
  sourceProjectId: string,
  destinationProjectId: string,
  name: string,
  origin: ProjectOrigin,
): Promise<void> {
  // A destination project already mapped to another source project (the old one was deleted or renamed
  // away) is re-pointed: two source projects must never share a destination.
  const taken = await findProjectMappingByDestinationId(runtime.database, runtime.pair.id, destinationProjectId);
  if (taken && taken.sourceProjectId !== sourceProjectId) await deleteProjectMapping(runtime.database, runtime.pair.id, taken.sourceProjectId);
  await upsertProjectMapping(runtime.database, { pairId: runtime.pair.id, sourceProjectId, destinationProjectId, name, origin });
  await wakeWaiting(runtime.database, runtime.pair.id, name);
}
