import { afterEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { SOURCE_API_KEY, configErrorFrom, edited, minimalConfig, modernPair } from "./fixtures.js";

describe("environment interpolation", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("replaces a whole value", () => {
    const raw = edited(minimalConfig(), [["pairs.0.source.apiKey", "${SRC_CLOCKIFY_API_KEY}"]]);
    const config = parseConfig(raw, { SRC_CLOCKIFY_API_KEY: "from-env" });
    expect(config.pairs[0]?.source.apiKey).toBe("from-env");
    // The destination default follows the interpolated value, not the template.
    expect(config.pairs[0]?.destination.apiKey).toBe("from-env");
  });

  it("replaces references embedded in a value, several per value", () => {
    const raw = edited(minimalConfig(), [
      ["pairs.0.id", "${TENANT}-main"],
      ["alerts", { webhookUrl: "https://${HOOK_HOST}/services/${HOOK_PATH}?from=sync" }],
    ]);
    const config = parseConfig(raw, { TENANT: "acme", HOOK_HOST: "hooks.example.com", HOOK_PATH: "T0/B0" });
    expect(config.pairs[0]?.id).toBe("acme-main");
    expect(config.alerts.webhookUrl).toBe("https://hooks.example.com/services/T0/B0?from=sync");
  });

  it("reaches into arrays", () => {
    const raw = edited(minimalConfig(), [["pairs.0.webhookSecrets", ["literal", "${HOOK_SECRET}"]]]);
    expect(parseConfig(raw, { HOOK_SECRET: "from-env" }).pairs[0]?.webhookSecrets).toEqual(["literal", "from-env"]);
  });

  it("does not interpolate the replacement again", () => {
    const raw = edited(minimalConfig(), [["pairs.0.projectOptions", { note: "${NOTE}" }]]);
    expect(parseConfig(raw, { NOTE: "costs ${USD}" }).pairs[0]?.projectOptions.note).toBe("costs ${USD}");
  });

  it("leaves text without a reference, a lone $ and keys alone", () => {
    const raw = edited(minimalConfig(), [["pairs.0.projectOptions", { note: "$5 per ${ hour" }]]);
    expect(parseConfig(raw, {}).pairs[0]?.projectOptions.note).toBe("$5 per ${ hour");
    const withTemplateKey = edited(minimalConfig(), [["pairs.0.${KEY}", "x"]]);
    expect(configErrorFrom(() => parseConfig(withTemplateKey, { KEY: "source" })).message).toBe(
      'pairs[0]: unknown key "${KEY}"',
    );
  });

  it("substitutes an empty variable as an empty value, which validation then judges", () => {
    const raw = edited(minimalConfig(), [["pairs.0.source.apiKey", "${EMPTY}"]]);
    expect(configErrorFrom(() => parseConfig(raw, { EMPTY: "" })).message).toBe(
      "pairs[0].source.apiKey: expected a non-empty string, got an empty string",
    );
  });

  it("names the missing variable and the field that uses it", () => {
    const raw = edited(minimalConfig(), [["pairs.0.source.apiKey", "${SRC_CLOCKIFY_API_KEY}"]]);
    expect(configErrorFrom(() => parseConfig(raw, {})).message).toBe(
      "pairs[0].source.apiKey: environment variable SRC_CLOCKIFY_API_KEY is not set",
    );
  });

  it("lists every missing variable, also inside embedded values and arrays", () => {
    const raw = {
      pairs: [
        modernPair("a"),
        edited(modernPair("b"), [
          ["destination.apiKey", "${DST_KEY}"],
          ["webhookSecrets", ["ok", "prefix-${HOOK_A}-${HOOK_B}"]],
        ]),
      ],
    };
    expect(configErrorFrom(() => parseConfig(raw, { HOOK_A: "set" })).problems).toEqual([
      "pairs[1].destination.apiKey: environment variable DST_KEY is not set",
      "pairs[1].webhookSecrets[1]: environment variable HOOK_B is not set",
    ]);
  });

  it("rejects a malformed reference without echoing it", () => {
    const raw = edited(minimalConfig(), [["pairs.0.source.apiKey", "${SRC-KEY}"]]);
    const message = configErrorFrom(() => parseConfig(raw, {})).message;
    expect(message).toBe(
      "pairs[0].source.apiKey: malformed environment variable reference; expected ${NAME} with NAME made of letters, digits and _",
    );
  });

  it("never echoes a secret that came from the environment", () => {
    const raw = edited(minimalConfig(), [["pairs.0.source.apiKey", "${SRC_CLOCKIFY_API_KEY}"]]);
    const secret = ` ${SOURCE_API_KEY}`;
    const message = configErrorFrom(() => parseConfig(raw, { SRC_CLOCKIFY_API_KEY: secret })).message;
    expect(message).toBe(
      `pairs[0].source.apiKey: expected no leading or trailing whitespace, got a string of length ${secret.length}`,
    );
  });

  it("reads process.env by default", () => {
    vi.stubEnv("CLOCKIFY_SYNC_TEST_KEY", "from-process-env");
    const raw = edited(minimalConfig(), [["pairs.0.source.apiKey", "${CLOCKIFY_SYNC_TEST_KEY}"]]);
    expect(parseConfig(raw).pairs[0]?.source.apiKey).toBe("from-process-env");
  });
});
