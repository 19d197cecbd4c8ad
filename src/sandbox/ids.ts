import { randomBytes } from "node:crypto";
import type { Random } from "./random.js";

/**
 * Ids shaped like Mongo ObjectIds (what Clockify uses): 4-byte creation time, 5 bytes fixed per
 * simulator, 3-byte counter. The counter keeps ids unique and increasing within one simulator.
 */
export class IdFactory {
  private readonly machine: string;
  private counter: number;
  /** Seconds every id carries until followClock(); undefined: the clock's. */
  private fixedSeconds: number | undefined;
  /** No id's time is before this, so ids made after a fixed phase still sort after it. */
  private floorSeconds = 0;

  /**
   * `epochSeconds` pins the time part: with the seed fixing the other bytes, a world built the same way
   * gets the same ids on every start (a config written against the simulator keeps working).
   */
  constructor(random: Random, options: { epochSeconds?: number } = {}) {
    this.machine = Array.from({ length: 5 }, () => hex(random.int(0, 255), 2)).join("");
    this.counter = random.int(0, 0xffffff);
    this.fixedSeconds = options.epochSeconds === undefined ? undefined : Math.floor(options.epochSeconds);
  }

  /** Ids from now on carry their creation time, as Clockify's do (never earlier than the pinned one). */
  followClock(): void {
    if (this.fixedSeconds === undefined) return;
    this.floorSeconds = this.fixedSeconds;
    this.fixedSeconds = undefined;
  }

  objectId(): string {
    this.counter = (this.counter + 1) & 0xffffff;
    const seconds = this.fixedSeconds ?? Math.max(this.floorSeconds, Math.floor(Date.now() / 1000));
    return hex(seconds, 8) + this.machine + hex(this.counter, 6);
  }
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, "0");
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Secrets come from the OS, not the seeded PRNG: a webhook token or API key must not be guessable
 * from the seed, exactly like the real thing.
 */
export function alphanumericSecret(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ALPHANUMERIC[b % ALPHANUMERIC.length];
  return out;
}
