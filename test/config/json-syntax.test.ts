import { describe, expect, it } from "vitest";
import { findJsonSyntaxError } from "../../src/config/json-syntax.js";

describe("findJsonSyntaxError", () => {
  it.each([
    ["", "unexpected end of input", 1, 1],
    ["   ", "unexpected end of input", 1, 4],
    ["{", "unexpected end of input", 1, 2],
    ['{"a": 1,}', "expected a double-quoted property name", 1, 9],
    ["{'a': 1}", "expected a double-quoted property name", 1, 2],
    ['{"a" 1}', "expected ':' after property name", 1, 6],
    ['{"a": 1 "b": 2}', "expected ',' or '}' after property value", 1, 9],
    ["[1 2]", "expected ',' or ']' after array element", 1, 4],
    ["[1,]", "unexpected character", 1, 4],
    ['{"a": secret}', "unexpected character", 1, 7],
    ['{"a": tru}', "unexpected character", 1, 7],
    ['{"a": "x', "unterminated string", 1, 7],
    ['"a\\qb"', "invalid escape in string", 1, 3],
    ['"\\u12G4"', "invalid escape in string", 1, 2],
    ['"a\tb"', "control character in string", 1, 3],
    ["01", "unexpected content after the JSON value", 1, 2],
    ["-", "invalid number", 1, 1],
    ["1.", "unexpected content after the JSON value", 1, 2],
    ['{}\n{"b": 1}', "unexpected content after the JSON value", 2, 1],
    ['{\n  "a": 1,\n  "b": ,\n}', "unexpected character", 3, 8],
  ])("%j: %s at %i:%i", (text, reason, line, column) => {
    expect(findJsonSyntaxError(text)).toMatchObject({ reason, line, column });
  });

  const samples = [
    '{"a": [1, -2.5e+3, true, false, null, "\\"\\u00e9\\n"], "b": {}}',
    " [ ] ",
    '"just a string"',
    "0",
    '{"a": 1,}',
    "[1,]",
    "{'a': 1}",
    "NaN",
    '{"a": 01}',
    "1e",
    '["\\x41"]',
  ];

  it.each(samples)("agrees with JSON.parse on %j", (text) => {
    let parses = true;
    try {
      JSON.parse(text);
    } catch {
      parses = false;
    }
    expect(findJsonSyntaxError(text) === undefined).toBe(parses);
  });
});
