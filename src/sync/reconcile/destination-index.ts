import type { DestinationEntry } from "../model.js";

const NONE = -1;
const BILLABLE = 1;
const BREAK = 2;
const NOT_A_COPY = 4;

/** normalizeInstant's form ("2026-11-20T09:00:00Z"), from milliseconds. */
const instantText = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.000Z$/, "Z") : "");

/**
 * The destination side of a run as the plan needs it, in columns: a 100,000-entry listing held as objects
 * (an entry, its two instants as strings, its map slot) was most of a big run's memory. Each entry is a
 * row of numbers (instants as milliseconds, ids as indexes into one table of names) plus its description;
 * `get` and iteration give the entry back as the DestinationEntry the planners compare.
 */
export class DestinationIndex implements ReadonlyMap<string, DestinationEntry | null> {
  private readonly rows = new Map<string, number>();
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly descriptions: string[] = [];
  private readonly users: number[] = [];
  private readonly projects: number[] = [];
  private readonly tasks: number[] = [];
  private readonly tagLists: number[] = [];
  private readonly flags: number[] = [];
  /** Instants that do not come back from milliseconds as they were (not Clockify's form): kept as given. */
  private readonly odd = new Map<number, { start: string; end: string }>();
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  private readonly tags: string[][] = [];
  private readonly tagIds = new Map<string, number>();

  get size(): number {
    return this.rows.size;
  }

  readonly [Symbol.toStringTag] = "DestinationIndex";

  /** Adds or replaces an entry (a page read again after a failure lists it twice). */
  set(id: string, entry: DestinationEntry | null): this {
    const row = this.rows.get(id) ?? this.rows.size;
    this.rows.set(id, row);
    if (!entry) {
      this.flags[row] = NOT_A_COPY;
      return this;
    }
    const [start, end] = [Date.parse(entry.start), Date.parse(entry.end)];
    if (instantText(start) === entry.start && instantText(end) === entry.end) this.odd.delete(row);
    else this.odd.set(row, { start: entry.start, end: entry.end });
    this.starts[row] = start;
    this.ends[row] = end;
    this.descriptions[row] = entry.description;
    this.users[row] = this.name(entry.userId);
    this.projects[row] = this.name(entry.projectId);
    this.tasks[row] = entry.taskId === null ? NONE : this.name(entry.taskId);
    this.tagLists[row] = this.tagList(entry.tagIds);
    this.flags[row] = (entry.billable ? BILLABLE : 0) | (entry.type === "BREAK" ? BREAK : 0);
    return this;
  }

  has(id: string): boolean {
    return this.rows.has(id);
  }

  get(id: string): DestinationEntry | null | undefined {
    const row = this.rows.get(id);
    return row === undefined ? undefined : this.entry(row);
  }

  *entries(): MapIterator<[string, DestinationEntry | null]> {
    for (const [id, row] of this.rows) yield [id, this.entry(row)];
  }

  keys(): MapIterator<string> {
    return this.rows.keys();
  }

  *values(): MapIterator<DestinationEntry | null> {
    for (const row of this.rows.values()) yield this.entry(row);
  }

  [Symbol.iterator](): MapIterator<[string, DestinationEntry | null]> {
    return this.entries();
  }

  forEach(callback: (value: DestinationEntry | null, key: string, map: ReadonlyMap<string, DestinationEntry | null>) => void): void {
    for (const [id, entry] of this.entries()) callback(entry, id, this);
  }

  private entry(row: number): DestinationEntry | null {
    const flags = this.flags[row] ?? NOT_A_COPY;
    if (flags & NOT_A_COPY) return null;
    const task = this.tasks[row] ?? NONE;
    const odd = this.odd.get(row);
    return {
      userId: this.names[this.users[row] ?? NONE] ?? "",
      start: odd?.start ?? instantText(this.starts[row] ?? 0),
      end: odd?.end ?? instantText(this.ends[row] ?? 0),
      description: this.descriptions[row] ?? "",
      billable: (flags & BILLABLE) !== 0,
      projectId: this.names[this.projects[row] ?? NONE] ?? "",
      taskId: task === NONE ? null : (this.names[task] ?? null),
      tagIds: this.tags[this.tagLists[row] ?? NONE] ?? [],
      ...(flags & BREAK ? { type: "BREAK" as const } : {}),
    };
  }

  private name(value: string): number {
    let id = this.nameIds.get(value);
    if (id === undefined) {
      id = this.names.push(value) - 1;
      this.nameIds.set(value, id);
    }
    return id;
  }

  /** One shared array per distinct tag list: the planners only read them. */
  private tagList(ids: string[]): number {
    const key = ids.join("\u0000");
    let id = this.tagIds.get(key);
    if (id === undefined) {
      id = this.tags.push(Object.freeze([...ids]) as string[]) - 1;
      this.tagIds.set(key, id);
    }
    return id;
  }
}
