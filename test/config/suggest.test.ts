import { describe, expect, it } from "vitest";
import { closestKey, editDistance, unknownKeyMessage } from "../../src/config/suggest.js";
import { KNOWN_KEYS } from "../../src/config/schema.js";

const PAIR = KNOWN_KEYS["pairs.*"] ?? [];
const SOURCE = KNOWN_KEYS["pairs.*.source"] ?? [];

describe("closestKey", () => {
  const cases: ReadonlyArray<readonly [string, readonly string[], string | undefined]> = [
    ["workspaceid", SOURCE, "workspaceId"],
    ["WORKSPACEID", SOURCE, "workspaceId"],
    ["destinaton", PAIR, "destination"],
    ["webhookSecret", PAIR, "webhookSecrets"],
    ["sorce", PAIR, "source"],
    ["worksapceId", SOURCE, "workspaceId"], // two letters swapped
    ["apikey", SOURCE, "apiKey"],
    ["api_key", SOURCE, "apiKey"],
    ["ids", PAIR, "id"],
    ["x", PAIR, undefined], // too short to guess from
    ["colour", PAIR, undefined], // a projectOptions key, not a pair key
    ["clientId", KNOWN_KEYS["pairs.*.destination"] ?? [], undefined],
    ["somethingElse", PAIR, undefined],
    ["pair", KNOWN_KEYS[""] ?? [], "pairs"],
    ["windowdays", KNOWN_KEYS["reconcile"] ?? [], "windowDays"],
    ["anything", [], undefined],
  ];
  it.each(cases)("%j among %j → %j", (key, known, expected) => {
    expect(closestKey(key, known)).toBe(expected);
  });

  it("prefers the closest of several candidates", () => {
    expect(closestKey("tokens", ["token", "tokenize"])).toBe("token");
  });
});

describe("unknownKeyMessage", () => {
  it("adds the suggestion when there is one", () => {
    expect(unknownKeyMessage("destinaton", PAIR)).toBe('unknown key "destinaton"; did you mean "destination"?');
    expect(unknownKeyMessage("nope", PAIR)).toBe('unknown key "nope"');
  });
});

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["abc", "", 3],
    ["kitten", "sitting", 3],
    ["ab", "ba", 1],
    ["destinaton", "destination", 1],
  ] as const)("%j → %j is %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe("KNOWN_KEYS", () => {
  it("lists the keys of each object of the file", () => {
    expect(KNOWN_KEYS).toEqual({
      "": ["pairs", "reconcile", "alerts", "clockify", "webhooks", "polling"],
      "pairs.*": ["id", "source", "destination", "users", "destinationDefaults", "projectOptions", "destinationProjectOptions", "createMissingDestinationProjects", "createMissingDestinationTags", "createMissingDestinationTasks", "webhookSecrets"],
      "pairs.*.source": ["apiKey", "workspaceId", "userId", "clientId"],
      "pairs.*.destination": ["apiKey", "workspaceId", "userId", "clientId"],
      "pairs.*.users.*": ["source", "destination"],
      "pairs.*.destinationDefaults": ["tag", "task", "descriptionPrefix"],
      "pairs.*.projectOptions": ["color", "billable", "isPublic", "note"],
      "pairs.*.destinationProjectOptions": ["color", "billable", "isPublic", "note"],
      reconcile: ["cron", "timezone", "windowDays"],
      alerts: ["webhookUrl", "silenceHours"],
      clockify: ["requestsPerSecond", "workspaceRequestsPerSecond", "workspaces", "timeoutMs", "maxRetries"],
      "clockify.workspaces.*": ["workspaceId", "requestsPerSecond", "requestsPerHour"],
      webhooks: ["autoRepair", "deliveryCheckMinutes"],
      polling: ["enabled", "intervalMinutes", "method", "listingWindowDays"],
    });
  });
});
