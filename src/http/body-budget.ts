/**
 * How many request bodies may be held in memory at once, and how many bytes they may add up to. A body
 * holds its share from the moment it is admitted until its answer is done (or its connection gone), so
 * the memory all bodies together can take is bounded whoever sends them and however slowly.
 */
export class BodyBudget {
  private bodies = 0;
  private bytes = 0;

  constructor(
    private readonly maxBodies: number,
    private readonly maxBytes: number,
  ) {}

  /** A release function, or undefined when this body does not fit now. */
  reserve(size: number): (() => void) | undefined {
    if (this.bodies + 1 > this.maxBodies || this.bytes + size > this.maxBytes) return undefined;
    this.bodies += 1;
    this.bytes += size;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.bodies -= 1;
      this.bytes -= size;
    };
  }

  get inUse(): { bodies: number; bytes: number } {
    return { bodies: this.bodies, bytes: this.bytes };
  }
}
