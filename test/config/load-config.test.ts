import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { SOURCE_API_KEY, configErrorFrom, edited, minimalConfig } from "./fixtures.js";

describe("loadConfig", () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "clockify-sync-config-"));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function writeConfig(text: string): string {
    const path = join(dir, "clockify-sync.config.json");
    writeFileSync(path, text);
    return path;
  }

  it("reads, interpolates and validates a file", () => {
    const raw = edited(minimalConfig(), [["pairs.0.source.apiKey", "${SRC_CLOCKIFY_API_KEY}"]]);
    const path = writeConfig(JSON.stringify(raw, null, 2));
    const config = loadConfig(path, { SRC_CLOCKIFY_API_KEY: "from-env" });
    expect(config.pairs[0]?.source.apiKey).toBe("from-env");
    expect(config.reconcile.windowDays).toBe(30);
  });

  it("accepts a file saved with a byte order mark", () => {
    const path = writeConfig(`\uFEFF${JSON.stringify(minimalConfig())}`);
    expect(loadConfig(path, {}).pairs).toHaveLength(1);
  });

  it("says how to fix a missing file", () => {
    const path = join(dir, "missing.json");
    expect(configErrorFrom(() => loadConfig(path, {})).message).toBe(
      `config file ${path} not found; create it with \`npm run setup\` (or \`clockify-sync setup\`), ` +
        "or set CLOCKIFY_SYNC_CONFIG to the path of an existing one",
    );
  });

  it("names a directory given as the file", () => {
    const path = join(dir, "a-directory");
    mkdirSync(path);
    expect(configErrorFrom(() => loadConfig(path, {})).message).toBe(`config file ${path} is a directory, not a file`);
  });

  it.skipIf(process.getuid?.() === 0)("names an unreadable file", () => {
    const path = writeConfig("{}");
    chmodSync(path, 0o000);
    expect(configErrorFrom(() => loadConfig(path, {})).message).toBe(
      `config file ${path} is not readable: permission denied`,
    );
  });

  it("gives the position of a JSON syntax error and never quotes the file", () => {
    const path = writeConfig(`{\n  "pairs": [\n    { "source": { "apiKey": ${SOURCE_API_KEY} } }\n  ]\n}\n`);
    expect(configErrorFrom(() => loadConfig(path, {})).message).toBe(
      `config file ${path} is not valid JSON: unexpected character at line 3, column 29`,
    );
  });

  it("reports an empty file as unexpected end of input", () => {
    const path = writeConfig("");
    expect(configErrorFrom(() => loadConfig(path, {})).message).toBe(
      `config file ${path} is not valid JSON: unexpected end of input at line 1, column 1`,
    );
  });

  it("lists validation problems under a heading naming the file", () => {
    const raw = edited(minimalConfig(), [
      ["pairs.0.source.apiKey", 5],
      ["pairs.0.destination.workspaceId", undefined],
    ]);
    const path = writeConfig(JSON.stringify(raw));
    const error = configErrorFrom(() => loadConfig(path, {}));
    expect(error.problems).toEqual([
      "pairs[0].source.apiKey: expected a non-empty string, got a number",
      "pairs[0].destination.workspaceId: required",
    ]);
    expect(error.message).toBe([`config file ${path} is invalid:`, ...error.problems].join("\n"));
  });
});
