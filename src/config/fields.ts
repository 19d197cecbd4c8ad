import { z } from "zod";

// Messages say what was expected; zod-issues.ts appends what was found.

export function text() {
  return z
    .string({ error: "expected a non-empty string" })
    .min(1, { error: "expected a non-empty string" })
    .refine((value) => value.trim() === value, {
      // A pasted key with a stray space or newline would only fail later, as a puzzling 401.
      error: "expected no leading or trailing whitespace",
    });
}

export function anyText() {
  return z.string({ error: "expected a string" });
}

export function bool() {
  return z.boolean({ error: "expected true or false" });
}

export function integerBetween(min: number, max: number) {
  const error = `expected an integer between ${min} and ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

export function positiveNumber(max?: number) {
  const error =
    max === undefined ? "expected a number greater than 0" : `expected a number greater than 0 and at most ${max}`;
  const positive = z.number({ error }).gt(0, { error });
  return max === undefined ? positive : positive.max(max, { error });
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

export function httpUrl() {
  const error = "expected an http(s) URL";
  return z.string({ error }).refine(isHttpUrl, { error });
}

export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.strictObject(shape, { error: "expected an object" });
}
