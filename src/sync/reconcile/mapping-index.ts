import type { MappingState } from "../../db/entry-map.js";

const STATES: readonly MappingState["state"][] = ["live", "pending", "tombstone"];

/**
 * A pair's map as a run plans from it, in columns: 100,000 rows held as objects cost about as much as the
 * destination listing. `get` and iteration give each row back as the MappingState the planners read.
 */
export class MappingIndex implements ReadonlyMap<string, MappingState> {
  private readonly rows = new Map<string, number>();
  private readonly destinations: (string | null)[] = [];
  private readonly hashes: (string | null)[] = [];
  private readonly states: number[] = [];
  private readonly updated: number[] = [];
  readonly [Symbol.toStringTag] = "MappingIndex";

  constructor(mappings: Iterable<MappingState> = []) {
    for (const m of mappings) this.put(m);
  }

  /** The map read page by page (db/entry-map.ts:mappingStatePages): only one page is ever held as objects. */
  static async fromPages(pages: AsyncIterable<readonly MappingState[]>): Promise<MappingIndex> {
    const index = new MappingIndex();
    for await (const page of pages) for (const m of page) index.put(m);
    return index;
  }

  private put(m: MappingState): void {
    const row = this.rows.get(m.sourceEntryId) ?? this.rows.size;
    this.rows.set(m.sourceEntryId, row);
    this.destinations[row] = m.destinationEntryId;
    this.hashes[row] = m.contentHash;
    this.states[row] = Math.max(0, STATES.indexOf(m.state));
    this.updated[row] = m.updatedAt;
  }

  get size(): number {
    return this.rows.size;
  }

  has(sourceEntryId: string): boolean {
    return this.rows.has(sourceEntryId);
  }

  get(sourceEntryId: string): MappingState | undefined {
    const row = this.rows.get(sourceEntryId);
    return row === undefined ? undefined : this.mapping(sourceEntryId, row);
  }

  *entries(): MapIterator<[string, MappingState]> {
    for (const [id, row] of this.rows) yield [id, this.mapping(id, row)];
  }

  keys(): MapIterator<string> {
    return this.rows.keys();
  }

  *values(): MapIterator<MappingState> {
    for (const [id, row] of this.rows) yield this.mapping(id, row);
  }

  [Symbol.iterator](): MapIterator<[string, MappingState]> {
    return this.entries();
  }

  forEach(callback: (value: MappingState, key: string, map: ReadonlyMap<string, MappingState>) => void): void {
    for (const [id, mapping] of this.entries()) callback(mapping, id, this);
  }

  private mapping(sourceEntryId: string, row: number): MappingState {
    return {
      sourceEntryId,
      destinationEntryId: this.destinations[row] ?? null,
      contentHash: this.hashes[row] ?? null,
      state: STATES[this.states[row] ?? 0] ?? "live",
      updatedAt: this.updated[row] ?? 0,
    };
  }
}
