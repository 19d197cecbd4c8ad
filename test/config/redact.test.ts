import { describe, expect, it } from "vitest";
import { parseConfig, redactConfig } from "../../src/config/index.js";
import {
  ALERT_WEBHOOK_URL,
  DESTINATION_API_KEY,
  SECRETS,
  SOURCE_API_KEY,
  WEBHOOK_SECRET,
  edited,
  minimalConfig,
  modernPair,
} from "./fixtures.js";

function fullConfig() {
  return parseConfig(
    {
      pairs: [
        edited(modernPair("a"), [
          ["destination.apiKey", DESTINATION_API_KEY],
          ["webhookSecrets", [WEBHOOK_SECRET, "another-SECRET"]],
        ]),
        modernPair("b"),
      ],
      alerts: { webhookUrl: ALERT_WEBHOOK_URL },
    },
    {},
  );
}

describe("redactConfig", () => {
  it("replaces every secret and keeps everything else", () => {
    const config = fullConfig();
    const redacted = redactConfig(config);
    expect(redacted.pairs[0]?.source.apiKey).toBe("[redacted]");
    expect(redacted.pairs[0]?.destination.apiKey).toBe("[redacted]");
    expect(redacted.pairs[0]?.webhookSecrets).toEqual(["[redacted]", "[redacted]"]);
    expect(redacted.pairs[1]?.source.apiKey).toBe("[redacted]");
    expect(redacted.alerts.webhookUrl).toBe("https://hooks.example.com/[redacted]");

    const restored = structuredClone(redacted);
    for (const [index, pair] of restored.pairs.entries()) {
      const original = config.pairs[index];
      if (original === undefined) throw new Error("pair count changed");
      pair.source.apiKey = original.source.apiKey;
      pair.destination.apiKey = original.destination.apiKey;
      pair.webhookSecrets = original.webhookSecrets;
    }
    restored.alerts.webhookUrl = config.alerts.webhookUrl;
    expect(restored).toEqual(config);
  });

  it("leaves no secret anywhere in the printed copy", () => {
    const printed = JSON.stringify(redactConfig(fullConfig()));
    for (const secret of [...SECRETS, SOURCE_API_KEY, "/services/"]) expect(printed).not.toContain(secret);
  });

  it("does not touch the original", () => {
    const config = fullConfig();
    const before = structuredClone(config);
    redactConfig(config);
    expect(config).toEqual(before);
  });

  it("keeps an absent alert webhook absent", () => {
    expect(redactConfig(parseConfig(minimalConfig(), {})).alerts).toEqual({ silenceHours: 24 });
  });
});
