import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readLease, reconcileLeaseKey } from "../../src/db/leases.js";
import type { TimeEntryDto } from "../../src/sandbox/index.js";
import { runProjectCli, type CliResult } from "../helpers/cli.js";
import { acmePair, type TwoWorkspaces } from "../helpers/world.js";
import { ENTRY_DELETE, PAIR_ID, seedBase, startHarness, writes, type Harness } from "./support.js";

const HOUR = 3_600_000;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * The original tool's world: Ada's source entry was edited after the tool copied it, so the destination
 * holds the tool's new copy (same text as the source now) and its stale first copy (the old text, same
 * times), 1.5 h twice. Around them: entries that look alike but are no leftovers.
 */
function originalToolWorld(env: TwoWorkspaces, extraUser?: string) {
  const { world } = env.sim;
  const sourceWs = env.source.workspaceId;
  const destinationWs = env.destination.workspaceId;
  const alpha = world.addProject(sourceWs, { name: "Alpha", clientId: env.source.clientId });
  const dstAlpha = world.addProject(destinationWs, { name: "Alpha" });
  const base = seedBase();
  const at = (hours: number) => new Date(base + hours * HOUR).toISOString();
  const ada = env.user.id;
  const entry = (userId: string, from: number, to: number, description: string): TimeEntryDto =>
    world.createTimeEntry(destinationWs, userId, { start: at(from), end: at(to), description, projectId: dstAlpha.id });

  world.createTimeEntry(sourceWs, ada, { start: at(1), end: at(2.5), description: "design review", projectId: alpha.id });
  world.createTimeEntry(sourceWs, ada, { start: at(5), end: at(6), description: "standup", projectId: alpha.id });
  const carol = world.addUser({ name: "Carol", email: "carol@customer.example" }).id;
  world.addMember(destinationWs, carol);
  return {
    toolCopy: entry(ada, 1, 2.5, "design review"),
    leftover: entry(ada, 1, 2.5, "review (draft)"),
    otherCopy: entry(ada, 5, 6, "standup"),
    // Typed in by hand on the mirrored project, another start: stays.
    handMade: entry(ada, 1.25, 2.5, "review (draft)"),
    // Another person's, at the same times: stays.
    carols: entry(carol, 1, 2.5, "review (draft)"),
    ...(extraUser ? { extraUsers: entry(extraUser, 1, 2.5, "review (draft)") } : {}),
  };
}

const destinationIds = (env: TwoWorkspaces) =>
  env.sim.world
    .listTimeEntries(env.destination.workspaceId)
    .map((e) => e.id)
    .sort();

describe("leftovers of the original tool, through npm run reconcile", () => {
  it("are listed with their hours, left alone without the flag, and only they are removed with --remove-leftovers --yes", async () => {
    let made: ReturnType<typeof originalToolWorld> | undefined;
    const harness = (h = await startHarness({ pair: (env) => ((made = originalToolWorld(env)), {}) }));
    if (!made) throw new Error("world not made");
    const { toolCopy, leftover, otherCopy, handMade, carols } = made;
    const configPath = join(harness.dir, "config.json");
    const databasePath = join(harness.dir, "cli.db");
    await writeFile(configPath, JSON.stringify({ pairs: [acmePair(harness)], clockify: { requestsPerSecond: 50 } }));
    const reconcile = (...args: string[]): Promise<CliResult> =>
      runProjectCli("reconcile", args, { CLOCKIFY_SYNC_CONFIG: configPath, DATABASE_PATH: databasePath, CLOCKIFY_API_URL: harness.sim.apiBaseUrl });
    const everything = destinationIds(harness);
    expect(everything).toHaveLength(5);
    const listed = new RegExp(`1 leftover\\(s\\) of the original tool, 1\\.5 h in total[^\\n]*\\n {4}\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, 1\\.5 h, Alpha, "review \\(draft\\)" \\(${leftover.id}\\)\\n`);

    // A dry run lists it even before the run adopted the tool's copies, and changes nothing.
    harness.sim.stats.reset();
    const dry = await reconcile("--dry-run", "--remove-leftovers");
    expect(dry.stderr).not.toMatch(/error/i);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(listed);
    expect(dry.stdout).toContain("--remove-leftovers would delete them (dry run: nothing deleted)");
    expect(writes(harness.sim)).toEqual([]);

    // A normal run adopts the two copies, lists the leftover and deletes nothing.
    harness.sim.stats.reset();
    const plain = await reconcile();
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^acme: succeeded — created 0, updated 0, deleted 0, adopted 2, /m);
    expect(plain.stdout).toMatch(listed);
    expect(plain.stdout).toContain("run with --remove-leftovers to delete them");
    expect(plain.stdout).not.toContain("leftovers removed");
    expect(harness.sim.stats.count(ENTRY_DELETE)).toBe(0);
    expect(destinationIds(harness)).toEqual(everything);

    // Asked to delete without a terminal to confirm in: refused before anything runs.
    harness.sim.stats.reset();
    const refused = await reconcile("--remove-leftovers");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--remove-leftovers asks before deleting.*add --yes/);
    expect(harness.sim.stats.count()).toBe(0);
    expect(destinationIds(harness)).toEqual(everything);

    harness.sim.stats.reset();
    const removed = await reconcile("--remove-leftovers", "--yes");
    expect(removed.stderr).not.toMatch(/error/i);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^acme: succeeded — created 0, updated 0, deleted 0, adopted 0, unchanged 2, .* · leftovers removed 1 · /m);
    expect(removed.stdout).toMatch(listed);
    expect(harness.sim.stats.count(ENTRY_DELETE)).toBe(1);
    expect(harness.sim.world.getTimeEntry(harness.destination.workspaceId, leftover.id)).toBeUndefined();
    expect(destinationIds(harness)).toEqual([toolCopy.id, otherCopy.id, handMade.id, carols.id].sort());
    for (const e of [toolCopy, otherCopy, handMade, carols]) expect(harness.sim.world.getTimeEntry(harness.destination.workspaceId, e.id)).toEqual(e);

    // Nothing left to find.
    const after = await reconcile("--remove-leftovers", "--yes");
    expect(after.code).toBe(0);
    expect(after.stdout).not.toContain("leftover(s) of the original tool");
    expect(after.stdout).toMatch(/ · leftovers removed 0 · /);
    expect(destinationIds(harness)).toHaveLength(4);
  });
});

describe("removing leftovers in a run", () => {
  it("asks under the run's lease; a no deletes nothing, a yes deletes only the leftover", async () => {
    let made: ReturnType<typeof originalToolWorld> | undefined;
    const harness = (h = await startHarness({ pair: (env) => ((made = originalToolWorld(env)), {}) }));
    if (!made) throw new Error("world not made");
    const everything = destinationIds(harness);
    const asked: Array<{ pairId: string; ids: string[]; hours: number; leased: boolean }> = [];
    const answer = (yes: boolean) => (pairId: string, report: { entries: Array<{ destinationId: string }>; totalHours: number }) => {
      asked.push({ pairId, ids: report.entries.map((e) => e.destinationId), hours: report.totalHours, leased: readLease(harness.database, reconcileLeaseKey(PAIR_ID)) !== undefined });
      return Promise.resolve(yes);
    };

    const declined = await harness.run({ removeLeftovers: true, confirmLeftovers: answer(false) });
    expect(declined.outcome).toBe("succeeded");
    expect(declined.counts).toMatchObject({ adopted: 2, deleted: 0 });
    expect(declined.leftovers).toMatchObject({ removed: 0, notRemoved: expect.stringContaining("not confirmed"), totalHours: 1.5 });
    expect(asked).toEqual([{ pairId: PAIR_ID, ids: [made.leftover.id], hours: 1.5, leased: true }]);
    expect(destinationIds(harness)).toEqual(everything);

    // Without the flag nobody is asked.
    await harness.run({ confirmLeftovers: answer(true) });
    expect(asked).toHaveLength(1);
    expect(destinationIds(harness)).toEqual(everything);

    const accepted = await harness.run({ removeLeftovers: true, confirmLeftovers: answer(true) });
    expect(accepted.outcome).toBe("succeeded");
    expect(accepted.leftovers?.removed).toBe(1);
    expect(asked).toHaveLength(2);
    expect(destinationIds(harness)).toEqual(everything.filter((id) => id !== made?.leftover.id));
  });

  it("never takes another member's entry at a member's copy's times", async () => {
    let made: ReturnType<typeof originalToolWorld> | undefined;
    let bob = "";
    const harness = (h = await startHarness({
      pair: (env) => {
        bob = env.sim.world.addUser({ name: "Bob", email: "bob@agency.example" }).id;
        env.sim.world.addMember(env.source.workspaceId, bob);
        env.sim.world.addMember(env.destination.workspaceId, bob);
        made = originalToolWorld(env, bob);
        return {
          source: { apiKey: env.user.apiKey, workspaceId: env.source.workspaceId, clientId: env.source.clientId },
          users: [{ source: env.user.id }, { source: bob }],
        };
      },
    }));
    if (!made?.extraUsers) throw new Error("world not made");
    const summary = await harness.run({ removeLeftovers: true, yes: true });
    expect(summary.outcome).toBe("succeeded");
    expect(summary.leftovers?.entries.map((e) => e.destinationId)).toEqual([made.leftover.id]);
    expect(summary.leftovers?.removed).toBe(1);
    expect(harness.sim.world.getTimeEntry(harness.destination.workspaceId, made.extraUsers.id)).toEqual(made.extraUsers);
    expect(destinationIds(harness)).toHaveLength(5);
  });
});
