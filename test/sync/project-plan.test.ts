import { describe, expect, it } from "vitest";
import type { Project } from "../../src/clockify/schemas.js";
import type { ProjectMapping } from "../../src/db/schema.js";
import {
  planProjectChanges,
  planSourceProject,
  type ProjectChange,
  type SourceProjectDecision,
  type SourceProjectFacts,
} from "../../src/sync/projects/plan.js";

const T0 = Date.parse("2026-11-01T00:00:00Z");

const dst = (id: string, name: string, over: Partial<Project> = {}): Project => ({
  id,
  name,
  workspaceId: "ws-dst",
  clientId: null,
  clientName: null,
  archived: false,
  billable: true,
  color: "#03A9F4",
  public: false,
  note: null,
  ...over,
});

const srcProject = (id: string, name: string, over: Partial<Project> = {}): Project => ({
  id,
  name,
  workspaceId: "ws-src",
  clientId: "client-a",
  clientName: "Acme",
  archived: false,
  billable: true,
  color: "#03A9F4",
  public: false,
  note: null,
  ...over,
});

let nextId = 1;
/** A full project_map row, every column set. */
const pmap = (sourceProjectId: string, destinationProjectId: string, name: string, over: Partial<ProjectMapping> = {}): ProjectMapping => ({
  id: nextId++,
  pairId: "acme",
  sourceProjectId,
  destinationProjectId,
  name,
  origin: "destination",
  conflictName: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

interface Case {
  destination: Project[];
  source: Project[];
  mappings: ProjectMapping[];
}

const web = dst("d1", "Web");
const webTwin = dst("d2", "Web", { clientId: "dst-client-2" });

const cases: Array<[string, Case, ProjectChange[]]> = [
  ["nothing to do without destination projects", { destination: [], source: [srcProject("s1", "Web")], mappings: [] }, []],
  ["destination project missing in the source client → create", { destination: [web], source: [], mappings: [] }, [
    { kind: "create", destination: web },
  ]],
  [
    "a source project of that name under the client → map, not create",
    { destination: [web], source: [srcProject("s1", "Web")], mappings: [] },
    [{ kind: "map", destination: web, sourceProjectId: "s1" }],
  ],
  [
    "names match exactly (case-sensitive): a differently-cased source project does not count",
    { destination: [web], source: [srcProject("s1", "web")], mappings: [] },
    [{ kind: "create", destination: web }],
  ],
  [
    "a stale mapping to a source project no longer under the client, same name exists → map",
    { destination: [web], source: [srcProject("s1", "Web")], mappings: [pmap("s-old", "d1", "Web")] },
    [{ kind: "map", destination: web, sourceProjectId: "s1" }],
  ],
  [
    "mapped and renamed in the destination → rename, from the source's name",
    { destination: [dst("d1", "Web 2")], source: [srcProject("s1", "Web")], mappings: [pmap("s1", "d1", "Web")] },
    [{ kind: "rename", destination: dst("d1", "Web 2"), sourceProjectId: "s1", from: "Web" }],
  ],
  [
    "renamed onto the name of a source project that mirrors nothing → that one is the counterpart now",
    {
      destination: [dst("d1", "Web 2")],
      source: [srcProject("s1", "Web"), srcProject("s2", "Web 2")],
      mappings: [pmap("s1", "d1", "Web")],
    },
    [{ kind: "map", destination: dst("d1", "Web 2"), sourceProjectId: "s2" }],
  ],
  [
    "renamed onto the name of a source project that mirrors another destination project → conflict, no rename",
    {
      destination: [dst("d1", "Web 2"), dst("d2", "Web 2", { clientId: "dst-client-2" })],
      source: [srcProject("s1", "Web"), srcProject("s2", "Web 2")],
      mappings: [pmap("s1", "d1", "Web"), pmap("s2", "d2", "Web 2")],
    },
    [{ kind: "conflict", destination: dst("d1", "Web 2"), sourceProjectId: "s1", sourceName: "Web", heldBy: "s2" }],
  ],
  [
    "a conflict does not hide the other project's own rename",
    {
      destination: [dst("d1", "Api"), dst("d2", "Api", { clientId: "dst-client-2" })],
      source: [srcProject("s1", "Web"), srcProject("s2", "Api")],
      mappings: [pmap("s1", "d1", "Web"), pmap("s2", "d2", "Api")],
    },
    [{ kind: "conflict", destination: dst("d1", "Api"), sourceProjectId: "s1", sourceName: "Web", heldBy: "s2" }],
  ],
  [
    "mapped, same name → nothing",
    { destination: [web], source: [srcProject("s1", "Web")], mappings: [pmap("s1", "d1", "Web")] },
    [],
  ],
  [
    "archived unmapped destination project → nothing",
    { destination: [dst("d1", "Old", { archived: true })], source: [], mappings: [] },
    [],
  ],
  [
    "two destination projects with the same name, none in the source → one create",
    { destination: [webTwin, web], source: [], mappings: [] },
    [{ kind: "create", destination: web }],
  ],
  [
    "two same-named destination projects, the first archived → one create, of the live one",
    { destination: [dst("d1", "Web", { archived: true }), webTwin], source: [], mappings: [] },
    [{ kind: "create", destination: webTwin }],
  ],
  [
    "mapping to a source project gone from the client, no same-named one → create",
    { destination: [web], source: [srcProject("s9", "Other")], mappings: [pmap("s-gone", "d1", "Web")] },
    [{ kind: "create", destination: web }],
  ],
  [
    "archived destination project with a stale mapping and no same-named source → nothing",
    { destination: [dst("d1", "Web", { archived: true })], source: [], mappings: [pmap("s-gone", "d1", "Web")] },
    [],
  ],
  [
    "a mix, in destination id order",
    {
      destination: [dst("d4", "Docs"), dst("d3", "Api 2"), dst("d2", "Web"), dst("d1", "Design")],
      source: [srcProject("s1", "Design"), srcProject("s2", "Web"), srcProject("s3", "Api")],
      mappings: [pmap("s1", "d1", "Design"), pmap("s3", "d3", "Api")],
    },
    [
      { kind: "map", destination: dst("d2", "Web"), sourceProjectId: "s2" },
      { kind: "rename", destination: dst("d3", "Api 2"), sourceProjectId: "s3", from: "Api" },
      { kind: "create", destination: dst("d4", "Docs") },
    ],
  ],
];

describe("planSourceProject (the webhook path asks the same question with what it has read)", () => {
  const facts = (over: Partial<SourceProjectFacts>): SourceProjectFacts => ({
    destination: dst("d1", "Web 2"),
    mapping: { sourceProjectId: "s1", name: "Web" },
    sameNamed: [],
    claimed: new Set(),
    ...over,
  });
  it.each<[string, Partial<SourceProjectFacts>, SourceProjectDecision]>([
    ["mapped under the same name, nothing listed → unchanged, no request needed", { destination: dst("d1", "Web") }, { kind: "unchanged", sourceProjectId: "s1" }],
    ["renamed, the name is free → rename from the stored name", {}, { kind: "rename", sourceProjectId: "s1", from: "Web" }],
    [
      "renamed onto a name another mirrored source project holds → conflict",
      { sameNamed: [srcProject("s2", "Web 2")], claimed: new Set(["s2"]) },
      { kind: "conflict", sourceProjectId: "s1", sourceName: "Web", heldBy: "s2" },
    ],
    ["renamed onto a free-standing source project's name → map to it", { sameNamed: [srcProject("s2", "Web 2")] }, { kind: "map", sourceProjectId: "s2" }],
    ["unmapped, nothing of that name → create", { mapping: undefined }, { kind: "create" }],
    ["unmapped and archived → ignore", { mapping: undefined, destination: dst("d1", "Old", { archived: true }) }, { kind: "ignore", reason: "archived" }],
    [
      "a listing shows the mapped source project renamed in the source → rename it back, from its listed name",
      { destination: dst("d1", "Web"), mappedSource: srcProject("s1", "Web (old)") },
      { kind: "rename", sourceProjectId: "s1", from: "Web (old)" },
    ],
  ])("%s", (_name, over, expected) => {
    expect(planSourceProject(facts(over))).toEqual(expected);
  });
});

/** What applying the `map` changes does to the map (mapProject + upsertProjectMapping: one row per source project). */
function applyMaps(mappings: readonly ProjectMapping[], changes: readonly ProjectChange[]): ProjectMapping[] {
  const bySource = new Map(mappings.map((m) => [m.sourceProjectId, m]));
  for (const change of changes) {
    if (change.kind !== "map") continue;
    for (const [sourceId, m] of bySource) {
      if (m.destinationProjectId === change.destination.id && sourceId !== change.sourceProjectId) bySource.delete(sourceId);
    }
    bySource.set(change.sourceProjectId, pmap(change.sourceProjectId, change.destination.id, change.destination.name));
  }
  return [...bySource.values()];
}

describe("planProjectChanges", () => {
  it.each(cases)("%s", (_name, c, expected) => {
    expect(planProjectChanges(c.destination, c.source, c.mappings)).toEqual(expected);
  });

  it("does not depend on the order of its inputs", () => {
    const c = cases.find(([name]) => name === "a mix, in destination id order")?.[1];
    if (!c) throw new Error("case missing");
    const forward = planProjectChanges(c.destination, c.source, c.mappings);
    const backward = planProjectChanges([...c.destination].reverse(), [...c.source].reverse(), [...c.mappings].reverse());
    expect(backward).toEqual(forward);
  });

  it("does not re-point a source project already mapped to a same-named destination project", () => {
    // Project names are unique per client only: the destination may hold two "Web" projects. The source's
    // "Web" is mapped to d1; d2 must not take it over (a map d2 → s1 would re-point s1 away from d1).
    const changes = planProjectChanges([web, webTwin], [srcProject("s1", "Web")], [pmap("s1", "d1", "Web")]);
    expect(changes).toEqual([]);
  });

  it("maps one of two same-named unmapped destination projects, and is settled after applying it", () => {
    const source = [srcProject("s1", "Web")];
    const first = planProjectChanges([web, webTwin], source, []);
    expect(first.filter((c) => c.kind === "map")).toHaveLength(1);
    expect(first.filter((c) => c.kind === "create")).toHaveLength(0);
    // A second run over the applied result must have nothing left to do; otherwise the mapping flips
    // between the two destination projects every run, and every entry of the project moves with it.
    const second = planProjectChanges([web, webTwin], source, applyMaps([], first));
    expect(second).toEqual([]);
  });
});
