import { afterEach, describe, expect, it } from "vitest";
import { listProjectMappings } from "../../src/db/project-map.js";
import { applyProjectEvent } from "../../src/sync/projects/events.js";
import { projectEventBodySchema } from "../../src/webhooks/events.js";
import { startHarness, seedEntries, writes, PROJECT_CREATE, type Harness } from "./support.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * The customer's workspace has the agency as a client, and another client that happens to have a
 * project of the same name: the twin goes under the agency's client, with the configured colour.
 */
async function start(): Promise<{ h: Harness; ours: string; other: string; foreignWebsite: string }> {
  let ours = "";
  let other = "";
  let foreignWebsite = "";
  const harness = await startHarness({
    pair: (env) => {
      const dst = env.destination.workspaceId;
      ours = env.sim.world.addClient(dst, { name: "Agency Ltd" }).id;
      other = env.sim.world.addClient(dst, { name: "Someone else" }).id;
      foreignWebsite = env.sim.world.addProject(dst, { name: "Website", clientId: other, color: "#000000" }).id;
      // A project of another client with no counterpart: not the pair's, so not mirrored into the source.
      env.sim.world.addProject(dst, { name: "Intranet", clientId: other });
      return {
        destination: { workspaceId: dst, clientId: ours },
        destinationProjectOptions: { color: "#AB47BC", billable: false, note: "mirrored by the agency" },
      };
    },
  });
  return { h: harness, ours, other, foreignWebsite };
}

describe("a pair with destination.clientId and destinationProjectOptions", () => {
  it("creates the twin under that client with those options; another client's same-named project is left alone", async () => {
    const started = await start();
    h = started.h;
    const { world } = h.sim;
    const src = h.source.workspaceId;
    const dst = h.destination.workspaceId;
    const website = world.addProject(src, { name: "Website", clientId: h.source.clientId });
    seedEntries(h, src, website.id, 2);

    for (const run of [1, 2]) {
      const summary = await h.run();
      expect(summary.outcome, `run ${run}: ${summary.error ?? ""}`).toBe("succeeded");
      expect(summary.counts.failed).toBe(0);
    }

    const twins = world.listProjects(dst).filter((p) => p.name === "Website" && p.clientId === started.ours);
    expect(twins).toHaveLength(1);
    const twin = twins[0];
    expect(twin).toMatchObject({ clientId: started.ours, color: "#AB47BC", billable: false, note: "mirrored by the agency" });
    // One project created over both runs in either workspace: the twin (nothing made in the source).
    const creates = writes(h.sim).filter((r) => r.method === PROJECT_CREATE.method && r.route === PROJECT_CREATE.route);
    expect(creates).toHaveLength(1);

    // Every copy is on the twin; none on the other client's "Website".
    const copies = world.listTimeEntries(dst);
    expect(copies).toHaveLength(2);
    expect(new Set(copies.map((e) => e.projectId))).toEqual(new Set([twin?.id]));
    expect(world.listProjects(dst).find((p) => p.id === started.foreignWebsite)).toMatchObject({ clientId: started.other, color: "#000000" });

    // The mapping ties the source project to the twin; the other client's projects flow nowhere.
    expect((await listProjectMappings(h.database, "acme")).map((m) => [m.sourceProjectId, m.destinationProjectId])).toEqual([[website.id, twin?.id]]);
    expect(world.listProjects(src).map((p) => p.name).sort()).toEqual(["Website"]);
  });
});

describe("project events of a pair with destination.clientId", () => {
  it("a source project's event creates its twin under the client; another client's destination project is not mirrored", async () => {
    const started = await start();
    h = started.h;
    const { world } = h.sim;
    const src = h.source.workspaceId;
    const dst = h.destination.workspaceId;
    const runtime = h.runtime();
    const event = (project: object) => projectEventBodySchema.parse(project);

    const intranet = world.listProjects(dst).find((p) => p.name === "Intranet");
    expect(await applyProjectEvent(runtime, "destination", event({ ...intranet }))).toEqual({ kind: "skipped", reason: "under another destination client" });
    expect(world.listProjects(src)).toEqual([]);

    const website = world.addProject(src, { name: "Website", clientId: h.source.clientId });
    const outcome = await applyProjectEvent(runtime, "source", event(website));
    if (outcome.kind !== "created") throw new Error(`expected a created twin, got ${JSON.stringify(outcome)}`);
    const twin = world.listProjects(dst).find((p) => p.id === outcome.counterpartId);
    expect(twin).toMatchObject({ name: "Website", clientId: started.ours, color: "#AB47BC" });
    expect(twin?.id).not.toBe(started.foreignWebsite);

    // The twin's own event comes back from the destination: it is the pair's and already mapped.
    expect(await applyProjectEvent(runtime, "destination", event({ ...twin }))).toEqual({ kind: "unchanged", counterpartId: website.id });
    expect(world.listProjects(src).map((p) => p.name)).toEqual(["Website"]);
  });
});
