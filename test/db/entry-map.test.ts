import { describe, expect, it } from "vitest";
import {
  completeEntryMapping,
  deleteEntryMapping,
  findEntryMappingByDestinationId,
  getEntryMapping,
  listMappingStates,
  mappingStatePages,
  type MappingState,
  recordEntryIntent,
  tombstoneEntryMapping,
} from "../../src/db/entry-map.js";
import { describeEachEngine } from "../helpers/engines.js";
import { useTempDatabases } from "./temp-database.js";

const temp = useTempDatabases();

describeEachEngine("entry map", (engine) => {
  it("records an intent as a pending row without a destination id", async () => {
    const app = engine();
    expect(await getEntryMapping(app, "pair-1", "src-e1")).toBeUndefined();
    const { mapping, inserted } = await recordEntryIntent(app, "pair-1", "src-e1", 1_000);
    expect(inserted).toBe(true);
    expect(mapping).toEqual({
      pairId: "pair-1",
      sourceEntryId: "src-e1",
      destinationEntryId: null,
      contentHash: null,
      state: "pending",
      origin: "created",
      createdAt: 1_000,
      updatedAt: 1_000,
    });
    expect(await getEntryMapping(app, "pair-1", "src-e1")).toEqual(mapping);
  });

  it("leaves an existing row alone when the intent is recorded again", async () => {
    const app = engine();
    await recordEntryIntent(app, "pair-1", "src-e1", 1_000);
    const again = await recordEntryIntent(app, "pair-1", "src-e1", 2_000);
    expect(again.inserted).toBe(false);
    expect(again.mapping.createdAt).toBe(1_000);

    const live = await completeEntryMapping(
          app,
          { pairId: "pair-1", sourceEntryId: "src-e1", destinationEntryId: "dst-e1", contentHash: "h1" },
          3_000,
        );
    expect(await recordEntryIntent(app, "pair-1", "src-e1", 4_000)).toEqual({ mapping: live, inserted: false });
  });

  it("completes an intent: destination id, hash, live, origin kept", async () => {
    const app = engine();
    await recordEntryIntent(app, "pair-1", "src-e1", 1_000);
    const live = await completeEntryMapping(
          app,
          { pairId: "pair-1", sourceEntryId: "src-e1", destinationEntryId: "dst-e1", contentHash: "h1", origin: "adopted" },
          2_000,
        );
    expect(live).toEqual({
      pairId: "pair-1",
      sourceEntryId: "src-e1",
      destinationEntryId: "dst-e1",
      contentHash: "h1",
      state: "live",
      origin: "created",
      createdAt: 1_000,
      updatedAt: 2_000,
    });

    const updated = await completeEntryMapping(
          app,
          { pairId: "pair-1", sourceEntryId: "src-e1", destinationEntryId: "dst-e1", contentHash: "h2" },
          3_000,
        );
    expect(updated).toMatchObject({ contentHash: "h2", state: "live", updatedAt: 3_000, createdAt: 1_000 });
  });

  it("records an adoption without a prior intent", async () => {
    const app = engine();
    const adopted = await completeEntryMapping(
          app,
          { pairId: "pair-1", sourceEntryId: "src-e1", destinationEntryId: "dst-x", contentHash: "h", origin: "adopted" },
          5_000,
        );
    expect(adopted).toMatchObject({ origin: "adopted", state: "live", createdAt: 5_000 });
    expect(await getEntryMapping(app, "pair-1", "src-e1")).toEqual(adopted);
  });

  it("tombstones a mapping and still finds it by destination id", async () => {
    const app = engine();
    await completeEntryMapping(app, { pairId: "pair-1", sourceEntryId: "src-e1", destinationEntryId: "dst-e1", contentHash: "h" });
    const tombstone = await tombstoneEntryMapping(app, "pair-1", "src-e1", 9_000);
    expect(tombstone).toMatchObject({ state: "tombstone", destinationEntryId: "dst-e1", updatedAt: 9_000 });
    expect(await findEntryMappingByDestinationId(app, "pair-1", "dst-e1")).toEqual(tombstone);
    // A delete that arrives before anything was mapped still leaves a tombstone behind.
    expect(await tombstoneEntryMapping(app, "pair-1", "missing", 9_500)).toMatchObject({
      state: "tombstone",
      destinationEntryId: null,
      createdAt: 9_500,
    });
  });

  it("finds by destination id only within the pair", async () => {
    const app = engine();
    await completeEntryMapping(app, { pairId: "pair-1", sourceEntryId: "src-e1", destinationEntryId: "dst-e1", contentHash: "h" });
    expect((await findEntryMappingByDestinationId(app, "pair-1", "dst-e1"))?.sourceEntryId).toBe("src-e1");
    expect(await findEntryMappingByDestinationId(app, "pair-2", "dst-e1")).toBeUndefined();
    expect(await findEntryMappingByDestinationId(app, "pair-1", "src-e1")).toBeUndefined();
  });

  it("lists a pair's mapping states and deletes one", async () => {
    const app = engine();
    await recordEntryIntent(app, "pair-1", "src-b", 1_000);
    await recordEntryIntent(app, "pair-1", "src-a", 1_000);
    await recordEntryIntent(app, "pair-2", "src-c", 1_000);
    const sourceIds = async (pairId: string) => (await listMappingStates(app, pairId)).map((row) => row.sourceEntryId).sort();
    expect(await sourceIds("pair-1")).toEqual(["src-a", "src-b"]);
    expect(await listMappingStates(app, "pair-2")).toEqual([
      { sourceEntryId: "src-c", destinationEntryId: null, contentHash: null, state: "pending", updatedAt: 1_000 },
    ]);

    await completeEntryMapping(app, { pairId: "pair-1", sourceEntryId: "src-b", destinationEntryId: "dst-b", contentHash: "h" });
    expect(await deleteEntryMapping(app, "pair-1", "src-a")).toBe(true);
    expect(await deleteEntryMapping(app, "pair-1", "src-a")).toBe(false);
    expect(await sourceIds("pair-1")).toEqual(["src-b"]);
    expect(await getEntryMapping(app, "pair-1", "src-a")).toBeUndefined();
    expect(await sourceIds("pair-2")).toEqual(["src-c"]);
  });
});

describeEachEngine("entry map, page by page", (engine) => {
  it("gives the same rows as the list, in the same shape, across page boundaries, and nothing of other pairs", async () => {
    const app = engine();
    for (const id of ["src-e", "src-a", "src-d", "src-b", "src-c"]) await recordEntryIntent(app, "pair-1", id, 1_000);
    await completeEntryMapping(app, { pairId: "pair-1", sourceEntryId: "src-b", destinationEntryId: "dst-b", contentHash: "h" });
    await recordEntryIntent(app, "pair-2", "src-z", 1_000);
    const pages: MappingState[][] = [];
    for await (const page of mappingStatePages(app, "pair-1", 2)) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const byId = (a: MappingState, b: MappingState) => (a.sourceEntryId < b.sourceEntryId ? -1 : 1);
    expect(pages.flat().sort(byId)).toEqual((await listMappingStates(app, "pair-1")).sort(byId));
    const exact: MappingState[][] = [];
    for await (const page of mappingStatePages(app, "pair-1", 5)) exact.push(page);
    expect(exact.map((p) => p.length)).toEqual([5]);
    const none: MappingState[][] = [];
    for await (const page of mappingStatePages(app, "pair-3")) none.push(page);
    expect(none).toEqual([]);
  });
});

describe("entry map on a SQLite file", () => {
  it("keeps the intent across a reopen, as a crash between intent and create would", async () => {
    const first = temp.open("crash.db");
    await recordEntryIntent(first, "pair-1", "src-e1", 1_000);
    first.close();
    const second = temp.open("crash.db");
    expect(await getEntryMapping(second, "pair-1", "src-e1")).toMatchObject({ state: "pending", destinationEntryId: null });
  });
});
