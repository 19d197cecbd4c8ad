import { randomBytes } from "node:crypto";
import type { Random } from "./random.js";

/**
 * Ids shaped like Mongo ObjectIds (what Clockify uses): 4-byte creation time, 5 bytes fixed per
 * simulator, 3-byte counter. The counter keeps ids unique and increasing within one simulator.
 */
export class IdFactory {
  private readonly machine: string;
  private counter: number;

  constructor(random: Random) {
    this.machine = Array.from({ length: 5 }, () => hex(random.int(0, 255), 2)).join("");
    this.counter = random.int(0, 0xffffff);
  }

  objectId(): string {
    this.counter = (this.counter + 1) & 0xffffff;
    return hex(Math.floor(Date.now() / 1000), 8) + this.machine + hex(this.counter, 6);
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
