import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonArraySplitter } from "../../src/clockify/json-array-stream.js";

/** Feeds `text` in chunks cut at `cuts` (byte offsets) and returns the parsed elements. */
function split(text: string, cuts: number[] = []): unknown[] {
  const bytes = Buffer.from(text, "utf8");
  const splitter = new JsonArraySplitter();
  const out: unknown[] = [];
  let from = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)].sort((a, b) => a - b).concat(bytes.length)) {
    for (const element of splitter.push(bytes.subarray(from, cut))) out.push(JSON.parse(element));
    from = cut;
  }
  splitter.end();
  return out;
}

describe("JsonArraySplitter", () => {
  it("gives back every element of any JSON array, however the bytes are chunked", () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), fc.array(fc.nat({ max: 4000 }), { maxLength: 12 }), fc.boolean(), (values, cuts, pretty) => {
        const text = pretty ? JSON.stringify(values, null, 2) : JSON.stringify(values);
        // JSON.stringify turns -0 into 0; compare with what a whole-body parse would give.
        expect(split(text, cuts)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps brackets, braces, commas, quotes and multi-byte characters inside strings", () => {
    const values = [{ d: 'a ] } , [ { "q" \\ \u00e9\u{1F600}' }, "]", ",", [], {}, null, 1.5e3];
    const text = JSON.stringify(values);
    for (let cut = 1; cut < Buffer.byteLength(text); cut++) expect(split(text, [cut])).toEqual(values);
  });

  it.each([
    ["an object", '{"a":1}'],
    ["a missing element", "[1,,2]"],
    ["a trailing comma", "[1,2,]"],
    ["a leading comma", "[,1]"],
    ["an unfinished array", '[{"a":1},'],
    ["an unfinished element", '[{"a":'],
    ["data after the array", "[1] x"],
    ["an empty body", ""],
  ])("rejects %s", (_what, text) => {
    expect(() => split(text)).toThrow(SyntaxError);
  });
});
