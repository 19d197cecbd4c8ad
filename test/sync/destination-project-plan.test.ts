import { describe, expect, it } from "vitest";
import type { Project } from "../../src/clockify/schemas.js";
import type { ProjectMapping } from "../../src/db/schema.js";
import {
  destinationProjectRequest,
  planDestinationProject,
  planProjectChanges,
  planSourceProject,
  type DestinationProjectDecision,
  type DestinationProjectFacts,
  type SourceProjectDecision,
} from "../../src/sync/projects/plan.js";

const dst = (id: string, clientId: string | null, over: Partial<Project> = {}): Project => ({
  id,
  name: "Website",
  workspaceId: "ws-dst",
  clientId,
  clientName: null,
  archived: false,
  billable: true,
  color: "#03A9F4",
  public: false,
  note: null,
  ...over,
});

describe("planDestinationProject", () => {
  it.each<[string, DestinationProjectFacts, DestinationProjectDecision]>([
    ["a mapping wins, whatever client", { mappedDestinationId: "d9", sameNamed: [dst("d1", "ours")], mayCreate: true, destinationClientId: "ours" }, { kind: "existing", destinationProjectId: "d9" }],
    ["no client configured: any same-named project", { mappedDestinationId: undefined, sameNamed: [dst("d1", "other")], mayCreate: true }, { kind: "match", destinationProjectId: "d1" }],
    ["no client configured: none of the name", { mappedDestinationId: undefined, sameNamed: [], mayCreate: true }, { kind: "create" }],
    ["client configured: only another client's project of the name", { mappedDestinationId: undefined, sameNamed: [dst("d1", "other")], mayCreate: true, destinationClientId: "ours" }, { kind: "create" }],
    ["client configured: only a project without client", { mappedDestinationId: undefined, sameNamed: [dst("d1", null)], mayCreate: true, destinationClientId: "ours" }, { kind: "create" }],
    ["client configured: another client's and ours", { mappedDestinationId: undefined, sameNamed: [dst("d1", "other"), dst("d2", "ours")], mayCreate: true, destinationClientId: "ours" }, { kind: "match", destinationProjectId: "d2" }],
    [
      "client configured: ours archived and live, live wins",
      { mappedDestinationId: undefined, sameNamed: [dst("d1", "ours", { archived: true }), dst("d2", "ours"), dst("d0", "other")], mayCreate: true, destinationClientId: "ours" },
      { kind: "match", destinationProjectId: "d2" },
    ],
    ["client configured, creating off: another client's is not taken", { mappedDestinationId: undefined, sameNamed: [dst("d1", "other")], mayCreate: false, destinationClientId: "ours" }, { kind: "missing" }],
  ])("%s", (_name, facts, expected) => {
    expect(planDestinationProject(facts)).toEqual(expected);
  });
});

describe("destinationProjectRequest", () => {
  it.each<[string, { destination: { clientId?: string }; destinationProjectOptions: Parameters<typeof destinationProjectRequest>[1]["destinationProjectOptions"] }, object]>([
    ["no client, no options: the name only", { destination: {}, destinationProjectOptions: {} }, { name: "Website" }],
    ["the client and every option", { destination: { clientId: "ours" }, destinationProjectOptions: { color: "#112233", billable: false, isPublic: true, note: "n" } }, { name: "Website", clientId: "ours", color: "#112233", billable: false, isPublic: true, note: "n" }],
    ["options cannot rename it", { destination: {}, destinationProjectOptions: { note: "x", ...({ name: "Other" } as object) } }, { name: "Website", note: "x" }],
  ])("%s", (_name, pair, expected) => {
    expect(destinationProjectRequest("Website", pair)).toEqual(expected);
  });
});

describe("planSourceProject with a destination client", () => {
  const source = dst("s1", "src-client", { workspaceId: "ws-src" });
  it.each<[string, Project, string | undefined, SourceProjectDecision]>([
    ["another client's project is not the pair's", dst("d1", "other"), "ours", { kind: "ignore", reason: "under another destination client" }],
    ["a project without client is not the pair's", dst("d1", null), "ours", { kind: "ignore", reason: "under another destination client" }],
    ["a project of the pair's client is mapped", dst("d1", "ours"), "ours", { kind: "map", sourceProjectId: "s1" }],
    ["no client configured: any client's is mapped", dst("d1", "other"), undefined, { kind: "map", sourceProjectId: "s1" }],
  ])("%s", (_name, destination, destinationClientId, expected) => {
    expect(planSourceProject({ destination, mapping: undefined, sameNamed: [source], claimed: new Set(), destinationClientId })).toEqual(expected);
  });

  it("a run maps the source project to the twin under the pair's client, not to another client's", () => {
    const mappings: ProjectMapping[] = [];
    const changes = planProjectChanges([dst("d0", "other"), dst("d1", "ours")], [source], mappings, "ours");
    expect(changes.map((c) => [c.kind, c.destination.id])).toEqual([["map", "d1"]]);
  });
});
