import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configFileWarnings } from "../../src/config/index.js";
import { permissionWarning, plaintextKeyFields } from "../../src/config/file-warnings.js";
import { SECRETS, SOURCE_API_KEY, edited, legacyPair, minimalConfig } from "./fixtures.js";

const KEY_ADVICE =
  'to keep it out of the file, export SRC_CLOCKIFY_API_KEY and DEST_CLOCKIFY_API_KEY and run setup again (it then writes "${NAME}" references), ' +
  'or write "${NAME}" in its place yourself';

describe("plaintextKeyFields", () => {
  it.each([
    ["a literal source key", minimalConfig(), ["pairs.0.source.apiKey"]],
    ["a ${NAME} reference", edited(minimalConfig(), [["pairs.0.source.apiKey", "${SRC_CLOCKIFY_API_KEY}"]]), []],
    ["a reference inside a value", edited(minimalConfig(), [["pairs.0.source.apiKey", "x${KEY}"]]), []],
    [
      "a literal destination key beside a referenced source key",
      edited(minimalConfig(), [
        ["pairs.0.source.apiKey", "${SRC}"],
        ["pairs.0.destination.apiKey", "literal"],
      ]),
      ["pairs.0.destination.apiKey"],
    ],
    ["legacy token and dest_token", { pairs: [edited(legacyPair(), [["dest_token", "other"]])] }, ["pairs.0.token", "pairs.0.dest_token"]],
    ["an empty dest_token (the source's key is used)", { pairs: [edited(legacyPair(), [["dest_token", ""], ["token", "${T}"]])] }, []],
    ["the whole-file secret", { token: "literal", user_id: "u" }, ["token"]],
    ["no keys at all", { reconcile: {} }, []],
  ] as const)("%s", (_name, raw, fields) => {
    expect(plaintextKeyFields(raw).map((path) => path.join("."))).toEqual(fields);
  });
});

describe("permissionWarning", () => {
  const literal = [["pairs", 0, "source", "apiKey"]] as const;
  it.each([
    [0o644, literal, "group and others", "0644"],
    [0o640, literal, "group", "0640"],
    [0o604, literal, "others", "0604"],
    [0o600, literal, undefined, ""],
    [0o400, literal, undefined, ""],
    [0o644, [], undefined, ""],
  ] as const)("mode %o with %j plaintext keys", (mode, fields, readers, shown) => {
    const warning = permissionWarning("/c.json", mode, fields);
    if (readers === undefined) {
      expect(warning).toBeUndefined();
      return;
    }
    expect(warning).toBe(
      `config file /c.json holds an API key in plain text (pairs[0].source.apiKey) and is readable by ${readers} ` +
        `(mode ${shown}): run chmod 600 /c.json; ${KEY_ADVICE}`,
    );
  });
});

describe("configFileWarnings on a real file", () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "clockify-sync-warnings-"));
    path = join(dir, "clockify-sync.config.json");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(raw: unknown, mode: number): void {
    writeFileSync(path, JSON.stringify(raw));
    chmodSync(path, mode);
  }

  it("warns about a literal key in a file others can read (0644), and names the field, not the key", () => {
    write(minimalConfig(), 0o644);
    const warnings = configFileWarnings(path, undefined, "linux");
    expect(warnings).toEqual([
      `config file ${path} holds an API key in plain text (pairs[0].source.apiKey) and is readable by group and others ` +
        `(mode 0644): run chmod 600 ${path}; ${KEY_ADVICE}`,
    ]);
    for (const secret of SECRETS) expect(warnings.join("\n")).not.toContain(secret);
  });

  it("says nothing for the same file at 0600", () => {
    write(minimalConfig(), 0o600);
    expect(configFileWarnings(path, undefined, "linux")).toEqual([]);
  });

  it("says nothing for a readable file whose keys are ${NAME} references", () => {
    write(edited(minimalConfig(), [["pairs.0.source.apiKey", "${SRC_CLOCKIFY_API_KEY}"]]), 0o644);
    expect(configFileWarnings(path, undefined, "linux")).toEqual([]);
  });

  it("uses the parsed tree it is given instead of reading the file again", () => {
    write({ pairs: [] }, 0o644);
    expect(configFileWarnings(path, { token: SOURCE_API_KEY }, "linux")).toHaveLength(2);
  });

  it("adds the whole-file notice for the original tool's secret", () => {
    const { id: _id, ...secret } = edited(legacyPair(), [["token", "${T}"]]);
    write(secret, 0o600);
    const [notice, ...rest] = configFileWarnings(path, undefined, "linux");
    expect(notice).toMatch(/holds the original tool's secret on its own, not wrapped in "pairs"/);
    expect(rest).toEqual([]);
  });

  it("ignores permission bits on Windows, and a file it cannot read or parse", () => {
    write(minimalConfig(), 0o644);
    expect(configFileWarnings(path, undefined, "win32")).toEqual([]);
    writeFileSync(path, "{ not json");
    expect(configFileWarnings(path, undefined, "linux")).toEqual([]);
    expect(configFileWarnings(join(dir, "missing.json"), undefined, "linux")).toEqual([]);
  });
});
