import { afterEach, describe, expect, it } from "vitest";
import { formatReport } from "../../src/cli/status.js";
import { listDeadLetters } from "../../src/db/inbox.js";
import { listEntryMappings } from "../db/stored-rows.js";
import type { TimeEntryDto } from "../../src/sandbox/index.js";
import { collectStatus } from "../../src/status/collect.js";
import { formatSummary } from "../../src/sync/reconcile/summary.js";
import { startMirror, type MirrorEnv } from "../helpers/mirror.js";
import type { TwoWorkspaces } from "../helpers/world.js";
import { entryListPages, startHarness, type Harness } from "../reconcile/support.js";

let m: MirrorEnv | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await m?.close();
  await h?.close();
  m = undefined;
  h = undefined;
});

interface Team {
  /** Bob in the agency; Robert is the same person's account in the customer's workspace. */
  bob: string;
  robert: string;
  /** A colleague of the agency the pair does not list. */
  carol: string;
  website: string;
  dstWebsite: string;
}

/**
 * The agency's team: Ada (owner of both workspaces, whose key the pair uses), Bob listed by email with
 * another account (email) in the destination, Carol not listed. Members are added before any entry, as
 * the pair only resolves the emails when it first needs them.
 */
function team(env: TwoWorkspaces): Team {
  const { world } = env.sim;
  const bob = world.addUser({ name: "Bob", email: "bob@agency.example" }).id;
  const robert = world.addUser({ name: "Robert", email: "robert@customer.example" }).id;
  const carol = world.addUser({ name: "Carol", email: "carol@agency.example" }).id;
  world.addMember(env.source.workspaceId, bob);
  world.addMember(env.source.workspaceId, carol);
  world.addMember(env.destination.workspaceId, robert);
  const website = world.addProject(env.source.workspaceId, { name: "Website", clientId: env.source.clientId }).id;
  const dstWebsite = world.addProject(env.destination.workspaceId, { name: "Website" }).id;
  return { bob, robert, carol, website, dstWebsite };
}

/** The pair in the users form: Ada by id onto herself, Bob by email onto Robert. */
const teamPair = (env: TwoWorkspaces) => ({
  source: { apiKey: env.user.apiKey, workspaceId: env.source.workspaceId, clientId: env.source.clientId },
  users: [{ source: env.user.id }, { source: "bob@agency.example", destination: "robert@customer.example" }],
});

function entryOf(env: TwoWorkspaces, userId: string, projectId: string, hour: number, description: string, emit: boolean): TimeEntryDto {
  const start = `2026-11-20T${String(hour).padStart(2, "0")}:00:00Z`;
  const end = `2026-11-20T${String(hour).padStart(2, "0")}:45:00Z`;
  return env.sim.world.createTimeEntry(env.source.workspaceId, userId, { start, end, description, projectId }, { emit });
}

const owners = (env: TwoWorkspaces) =>
  env.sim.world
    .listTimeEntries(env.destination.workspaceId)
    .map((e) => ({ userId: e.userId, description: e.description }))
    .sort((a, b) => a.description.localeCompare(b.description));

describe("a pair with two members", () => {
  it("mirrors each member's entries through webhooks onto their destination user, and nothing of an unlisted member", async () => {
    let t: Team | undefined;
    m = await startMirror({
      pair: (env) => {
        t = team(env);
        return teamPair(env);
      },
    });
    if (!t) throw new Error("no team");
    entryOf(m, m.user.id, t.website, 9, "ada's work", true);
    const bobs = entryOf(m, t.bob, t.website, 10, "bob's work", true);
    const carols = entryOf(m, t.carol, t.website, 11, "carol's work", true);
    await m.settle();

    expect(owners(m)).toEqual([
      { userId: m.user.id, description: "ada's work" },
      { userId: t.robert, description: "bob's work" },
    ]);
    expect(m.sim.world.listTimeEntries(m.destination.workspaceId).every((e) => e.projectId === t?.dstWebsite)).toBe(true);

    // Bob's edit reaches Robert's copy; his delete removes it.
    m.sim.world.updateTimeEntry(
      m.source.workspaceId,
      bobs.id,
      { start: bobs.timeInterval.start, end: "2026-11-20T10:50:00Z", description: "bob's work v2", projectId: t.website },
      { emit: true },
    );
    await m.settle();
    expect(owners(m)).toContainEqual({ userId: t.robert, description: "bob's work v2" });
    m.sim.world.deleteTimeEntry(m.source.workspaceId, bobs.id, { emit: true });
    await m.settle();
    expect(owners(m)).toEqual([{ userId: m.user.id, description: "ada's work" }]);

    // Carol's delete leaves no trace in the pair's map (no tombstone for an entry it never mirrors).
    m.sim.world.deleteTimeEntry(m.source.workspaceId, carols.id, { emit: true });
    await m.settle();
    expect(listEntryMappings(m.database, "acme").map((r) => r.sourceEntryId)).not.toContain(carols.id);
    expect(listEntryMappings(m.database, "acme").map((r) => r.sourceEntryId)).toContain(bobs.id);
  });

  it("reconciles every listed member with one listing per member and side, and counts nothing of the others", async () => {
    let t: Team | undefined;
    h = await startHarness({
      pair: (env) => {
        t = team(env);
        return teamPair(env);
      },
    });
    if (!t) throw new Error("no team");
    const now = Date.now();
    const recent = (hoursAgo: number, userId: string, description: string) => {
      const start = new Date(now - hoursAgo * 3_600_000).toISOString();
      const end = new Date(now - hoursAgo * 3_600_000 + 1_800_000).toISOString();
      h?.sim.world.createTimeEntry(h.source.workspaceId, userId, { start, end, description, projectId: t?.website ?? null });
    };
    recent(30, h.user.id, "ada 1");
    recent(29, t.bob, "bob 1");
    recent(28, t.bob, "bob 2");
    recent(27, t.carol, "carol 1");

    const summary = await h.run();
    expect(summary.outcome, summary.error).toBe("succeeded");
    expect(summary.counts.created).toBe(3);
    expect(owners(h)).toEqual([
      { userId: h.user.id, description: "ada 1" },
      { userId: t.robert, description: "bob 1" },
      { userId: t.robert, description: "bob 2" },
    ]);
    // Ada and Bob in the source, Ada and Robert in the destination: one page each, Carol never listed.
    expect(entryListPages(h.sim)).toEqual({ source: 2, destination: 2 });

    expect(summary.members).toEqual([
      { field: "users[0]", sourceUserId: h.user.id, destinationUserId: h.user.id, entries: 1, created: 1, adopted: 0, updated: 0, deleted: 0, unchanged: 0 },
      { field: "users[1]", sourceUserId: t.bob, destinationUserId: t.robert, entries: 2, created: 2, adopted: 0, updated: 0, deleted: 0, unchanged: 0 },
    ]);
    expect(formatSummary(summary)).toContain(`users[1] (${t.bob} → ${t.robert}): 2 entries; 2 created`);

    const again = await h.run();
    expect(again.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 3 });
    // Status shows the newest run per member.
    const status = await collectStatus(h.database, h.config);
    expect(status.pairs[0]?.lastReconcile?.members.map((m) => [m.field, m.entries, m.unchanged])).toEqual([
      ["users[0]", 1, 1],
      ["users[1]", 2, 2],
    ]);
    expect(formatReport(status)).toContain(`users[1] (${t.bob} → ${t.robert}): 2 entries; 0 created, 0 updated, 0 deleted, 2 unchanged`);
  });

  it("refuses to mirror with a users email that matches nobody, naming the entry", async () => {
    h = await startHarness({
      pair: (env) => ({ ...teamPair(env), users: [{ source: env.user.id }, { source: "nobody@agency.example" }] }),
    });
    const summary = await h.run();
    expect(summary.outcome).toBe("failed");
    expect(summary.error).toContain("users[1].source: no member of the source workspace has the email nobody@agency.example");
    expect(h.sim.world.listTimeEntries(h.destination.workspaceId)).toEqual([]);
  });
});

describe("a users email that matches nobody in the webhook path", () => {
  it("keeps the pair's events waiting (retried) instead of dead-lettering them", async () => {
    let t: Team | undefined;
    m = await startMirror({
      worker: { pollMs: 20, retry: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 1000 } },
      pair: (env) => {
        t = team(env);
        return { ...teamPair(env), users: [{ source: env.user.id }, { source: "dora@agency.example" }] };
      },
    });
    if (!t) throw new Error("no team");
    entryOf(m, m.user.id, t.website, 9, "ada's work", true);
    await m.sim.deliveries.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect(await listDeadLetters(m.database)).toEqual([]);
    expect(m.sim.world.listTimeEntries(m.destination.workspaceId)).toEqual([]);

  });
});
