import { expect, it } from "vitest";
import {
  deleteProjectMapping,
  findProjectMappingByDestinationId,
  findProjectMappingBySourceId,
  listProjectMappings,
  upsertProjectMapping,
  type ProjectMappingInput,
} from "../../src/db/project-map.js";
import { describeEachEngine } from "../helpers/engines.js";

const website: ProjectMappingInput = {
  pairId: "pair-1",
  sourceProjectId: "src-web",
  destinationProjectId: "dst-web",
  name: "Website",
  origin: "source",
};

describeEachEngine("project map", (engine) => {
  it("inserts a mapping and finds it by source id and destination id", async () => {
    const app = engine();
    const row = await upsertProjectMapping(app, website, 1_000);
    expect(row).toMatchObject({ ...website, createdAt: 1_000, updatedAt: 1_000 });
    expect(await findProjectMappingBySourceId(app, "pair-1", "src-web")).toEqual(row);
    expect(await findProjectMappingByDestinationId(app, "pair-1", "dst-web")).toEqual(row);
    expect(await findProjectMappingBySourceId(app, "pair-2", "src-web")).toBeUndefined();
    expect(await findProjectMappingByDestinationId(app, "pair-1", "src-web")).toBeUndefined();
  });

  it("upserting the same source project replaces destination, name and origin but keeps id and created_at", async () => {
    const app = engine();
    const first = await upsertProjectMapping(app, website, 1_000);
    const second = await upsertProjectMapping(
          app,
          { ...website, destinationProjectId: "dst-web-2", name: "Website 2", origin: "destination" },
          2_000,
        );
    expect(second).toEqual({
      ...first,
      destinationProjectId: "dst-web-2",
      name: "Website 2",
      origin: "destination",
      updatedAt: 2_000,
    });
    expect(await listProjectMappings(app, "pair-1")).toEqual([second]);
    expect(await findProjectMappingByDestinationId(app, "pair-1", "dst-web")).toBeUndefined();
  });

  it("refuses to map a second source project onto a taken destination project", async () => {
    const app = engine();
    await upsertProjectMapping(app, website);
    await expect(upsertProjectMapping(app, { ...website, sourceProjectId: "src-other" })).rejects.toThrow(
      /UNIQUE constraint failed: project_map\.pair_id, project_map\.destination_project_id|"project_map_pair_destination_uq"/,
    );
    expect(await listProjectMappings(app, "pair-1")).toHaveLength(1);
  });

  it("lists one pair's mappings by name and deletes by source id", async () => {
    const app = engine();
    await upsertProjectMapping(app, website);
    await upsertProjectMapping(app, { ...website, sourceProjectId: "src-app", destinationProjectId: "dst-app", name: "App" });
    await upsertProjectMapping(app, { ...website, pairId: "pair-2" });
    expect((await listProjectMappings(app, "pair-1")).map((row) => row.name)).toEqual(["App", "Website"]);

    expect(await deleteProjectMapping(app, "pair-1", "src-web")).toBe(true);
    expect(await deleteProjectMapping(app, "pair-1", "src-web")).toBe(false);
    expect((await listProjectMappings(app, "pair-1")).map((row) => row.name)).toEqual(["App"]);
    expect(await listProjectMappings(app, "pair-2")).toHaveLength(1);
  });

  it("keeps every mapping sharing a name: Clockify only keeps names unique per client", async () => {
    const app = engine();
    await upsertProjectMapping(app, website);
    await upsertProjectMapping(app, { ...website, sourceProjectId: "src-web-b", destinationProjectId: "dst-web-b" });
    expect((await listProjectMappings(app, "pair-1")).map((row) => row.sourceProjectId)).toEqual(["src-web", "src-web-b"]);
  });
});
