import type { ClockifyClient } from "../../clockify/client.js";
import type { Project } from "../../clockify/schemas.js";
import { now as clockNow } from "../../clock.js";
import type { Progress } from "../../observability/progress.js";
import type { SourceEntry } from "../model.js";
import type { PairRuntime } from "../pair-runtime.js";
import { listDestinationEntries, listSourceEntries, type DestinationListing, type ListRange, type Listed, type RunReads } from "./reads.js";

interface Held {
  workspaceId: string;
  listedAt: number;
  value: unknown;
}

/** Client methods that only read; any other call may change what a listing showed. */
const READS = /^(get|list)|Pages$|^managedWorkspaceIds$/;

const key = (...parts: string[]) => parts.join("\u0000");

/**
 * The reads of one `reconcileAll` over several pairs, each made once: a source user's entries once for
 * every pair that mirrors that user (a freelancer with two customers lists them once, not twice), a
 * destination user's entries once, each workspace's projects once. A listing is kept only while a pair
 * still to run needs it, and dropped the moment any pair writes to its workspace (`watch`): a run never
 * plans from a listing a write made stale; the next pair lists again.
 */
export class SharedReads implements RunReads {
  private readonly demand = new Map<string, number>();
  /** Per pair, the reads it was counted for and has not made yet (given back by `finished`). */
  private readonly owed = new Map<string, Set<string>>();
  private readonly held = new Map<string, Held>();
  /** Bumped by every write to the workspace: a listing that was in flight meanwhile is not kept. */
  private readonly generations = new Map<string, number>();
  private readonly sourceClients = new Map<string, Set<string>>();

  /** The reads the pairs will make (members that cannot be resolved now are left out: their run says why). */
  static async forRuns(runtimes: readonly PairRuntime[]): Promise<SharedReads> {
    const reads = new SharedReads();
    for (const runtime of runtimes) {
      const { source, destination } = runtime.pair;
      const clients = reads.sourceClients.get(source.workspaceId) ?? new Set<string>();
      reads.sourceClients.set(source.workspaceId, clients.add(source.clientId));
      const pairId = runtime.pair.id;
      reads.want(pairId, key("SP", source.workspaceId));
      reads.want(pairId, key("DP", destination.workspaceId));
      const members = await runtime.members().catch(() => []);
      for (const userId of new Set(members.map((m) => m.sourceUserId))) reads.want(pairId, key("SE", source.workspaceId, userId));
      for (const userId of new Set(members.map((m) => m.destinationUserId))) reads.want(pairId, key("DE", destination.workspaceId, userId));
    }
    return reads;
  }

  /** Listings kept for pairs still to run (what this run holds in memory beyond the pair at hand). */
  get holding(): number {
    return this.held.size;
  }

  /**
   * The pair's run is over: the reads it was counted for and did not make (it failed, was aborted, or
   * had nothing to list) are given back, so no listing stays in memory for a pair that will not take it.
   */
  finished(runtime: PairRuntime): void {
    for (const id of this.owed.get(runtime.pair.id) ?? []) this.take(id, this.consume(runtime.pair.id, id));
    this.owed.delete(runtime.pair.id);
  }

  /** The runtime whose clients tell these reads about every write, so a listing it staled is dropped. */
  watch(runtime: PairRuntime): PairRuntime {
    return {
      ...runtime,
      source: this.watched(runtime.source, runtime.pair.source.workspaceId),
      destination: this.watched(runtime.destination, runtime.pair.destination.workspaceId),
    };
  }

  /** Every client of the pairs on this source workspace at once: one listing serves them all. */
  async sourceProjects(runtime: PairRuntime): Promise<Project[]> {
    const { workspaceId } = runtime.pair.source;
    const clientIds = [...(this.sourceClients.get(workspaceId) ?? [runtime.pair.source.clientId])];
    const { value } = await this.read(runtime, key("SP", workspaceId), workspaceId, () => runtime.source.listProjects(workspaceId, { clientIds }));
    // The run adds the projects it creates to its list: each pair gets its own array.
    return value.filter((p) => p.clientId === runtime.pair.source.clientId);
  }

  async destinationProjects(runtime: PairRuntime): Promise<Project[]> {
    const { workspaceId } = runtime.pair.destination;
    const { value } = await this.read(runtime, key("DP", workspaceId), workspaceId, () => runtime.destination.listProjects(workspaceId));
    return [...value];
  }

  sourceEntries(runtime: PairRuntime, userId: string, range: ListRange, progress: Progress): Listed<AsyncIterable<SourceEntry[]>> {
    const { workspaceId } = runtime.pair.source;
    const id = key("SE", workspaceId, userId);
    const left = this.consume(runtime.pair.id, id);
    const held = this.take(id, left);
    if (held) return { value: replay(held.value as SourceEntry[][], progress), listedAt: held.listedAt };
    const live = listSourceEntries(runtime.source, workspaceId, userId, range, progress);
    return { value: left > 0 ? this.recording(id, workspaceId, live) : live };
  }

  async destinationEntries(runtime: PairRuntime, userId: string, range: ListRange, progress: Progress): Promise<Listed<DestinationListing>> {
    const { workspaceId } = runtime.pair.destination;
    const read = await this.read(runtime, key("DE", workspaceId, userId), workspaceId, () => listDestinationEntries(runtime.destination, workspaceId, userId, range, progress));
    return read;
  }

  private want(pairId: string, id: string): void {
    const owed = this.owed.get(pairId) ?? new Set<string>();
    if (owed.has(id)) return;
    this.owed.set(pairId, owed.add(id));
    this.demand.set(id, (this.demand.get(id) ?? 0) + 1);
  }

  /** One of the reads the pairs wanted is being made (or given back): how many are still to come after it. */
  private consume(pairId: string, id: string): number {
    const owed = this.owed.get(pairId);
    // A read the pair was not counted for (members changed since), or makes again: nobody else waits on it.
    if (!owed?.delete(id)) return this.demand.get(id) ?? 0;
    const left = (this.demand.get(id) ?? 1) - 1;
    this.demand.set(id, left);
    return left;
  }

  private take(id: string, left: number): Held | undefined {
    const held = this.held.get(id);
    if (held && left <= 0) this.held.delete(id);
    return held;
  }

  private async read<T>(runtime: PairRuntime, id: string, workspaceId: string, load: () => Promise<T>): Promise<Listed<T>> {
    const left = this.consume(runtime.pair.id, id);
    const held = this.take(id, left);
    if (held) return { value: held.value as T, listedAt: held.listedAt };
    const generation = this.generation(workspaceId);
    const listedAt = clockNow();
    const value = await load();
    if (left > 0 && this.generation(workspaceId) === generation) this.held.set(id, { workspaceId, listedAt, value });
    return { value };
  }

  /** The live pages handed on as they arrive, and kept for the pairs still to come once all arrived. */
  private async *recording(id: string, workspaceId: string, live: AsyncIterable<SourceEntry[]>): AsyncGenerator<SourceEntry[]> {
    const generation = this.generation(workspaceId);
    const listedAt = clockNow();
    const pages: SourceEntry[][] = [];
    for await (const page of live) {
      pages.push(page);
      yield page;
    }
    if (this.generation(workspaceId) === generation) this.held.set(id, { workspaceId, listedAt, value: pages });
  }

  private generation(workspaceId: string): number {
    return this.generations.get(workspaceId) ?? 0;
  }

  private wrote(workspaceId: string): void {
    this.generations.set(workspaceId, this.generation(workspaceId) + 1);
    for (const [id, held] of this.held) if (held.workspaceId === workspaceId) this.held.delete(id);
  }

  private watched(client: ClockifyClient, workspaceId: string): ClockifyClient {
    return new Proxy(client, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== "function" || typeof property !== "string" || READS.test(property)) return value;
        return (...args: unknown[]): unknown => {
          // Before the call: a write that fails may still have happened.
          this.wrote(workspaceId);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }
}

async function* replay(pages: readonly SourceEntry[][], progress: Progress): AsyncGenerator<SourceEntry[]> {
  for (const page of pages) {
    progress.advance(page.length);
    yield page;
  }
}
