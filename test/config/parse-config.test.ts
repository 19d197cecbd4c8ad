import { describe, expect, it } from "vitest";
import { parseConfig, type Config } from "../../src/config/index.js";
import {
  ALERT_WEBHOOK_URL,
  DESTINATION_API_KEY,
  SOURCE_API_KEY,
  WEBHOOK_SECRET,
  configErrorFrom,
  edited,
  minimalConfig,
  modernPair,
  type Json,
} from "./fixtures.js";

const NO_ENV = {};

describe("parseConfig accepts", () => {
  it("a minimal pair and fills every default", () => {
    expect(parseConfig(minimalConfig(), NO_ENV)).toEqual<Config>({
      pairs: [
        {
          id: "acme",
          source: { apiKey: SOURCE_API_KEY, workspaceId: "ws-source", clientId: "client-1" },
          destination: { apiKey: SOURCE_API_KEY, workspaceId: "ws-destination" },
          members: [{ source: "user-1", destination: "user-1", field: "source.userId" }],
          destinationDefaults: {},
          projectOptions: {},
          destinationProjectOptions: {},
          createMissingDestinationProjects: true,
          createMissingDestinationTags: true,
          createMissingDestinationTasks: true,
          webhookSecrets: [],
        },
      ],
      reconcile: { cron: "0 3 * * *", timezone: "UTC", windowDays: 30 },
      alerts: { silenceHours: 24 },
      clockify: { requestsPerSecond: 10, workspaceRequestsPerSecond: 50, workspaces: [], timeoutMs: 30_000, maxRetries: 5 },
      webhooks: { autoRepair: true, deliveryCheckMinutes: 60 },
      polling: { enabled: false, method: "auto", listingWindowDays: 7 },
    });
  });

  it("every optional field, keeping the given values", () => {
    const raw = {
      pairs: [
        {
          ...modernPair(),
          destination: { apiKey: DESTINATION_API_KEY, workspaceId: "ws-destination", userId: "user-2", clientId: "client-9" },
          projectOptions: { color: "#00ff7F", billable: false, isPublic: true, note: "mirrored" },
          destinationProjectOptions: { color: "#123456", billable: true, isPublic: false, note: "by the agency" },
          createMissingDestinationProjects: false,
          createMissingDestinationTags: false,
          createMissingDestinationTasks: false,
          destinationDefaults: { tag: "agency", descriptionPrefix: "[Agency] " },
          webhookSecrets: [WEBHOOK_SECRET, "second-secret"],
        },
      ],
      reconcile: { cron: "*/15 2-4 * * MON-FRI", timezone: "Europe/Berlin", windowDays: 366 },
      alerts: { webhookUrl: ALERT_WEBHOOK_URL, silenceHours: 0.5 },
      clockify: {
        requestsPerSecond: 50,
        workspaceRequestsPerSecond: 5,
        workspaces: [{ workspaceId: "ws-source", requestsPerHour: 30, requestsPerSecond: 2 }],
        timeoutMs: 5000,
        maxRetries: 0,
      },
      webhooks: { autoRepair: false, deliveryCheckMinutes: 15 },
      polling: { enabled: true, intervalMinutes: 10, method: "listing", listingWindowDays: 3 },
    };
    const config = parseConfig(raw, NO_ENV);
    expect(config.pairs[0]).toEqual({
      id: "acme",
      source: { apiKey: SOURCE_API_KEY, workspaceId: "ws-source", clientId: "client-1" },
      destination: { apiKey: DESTINATION_API_KEY, workspaceId: "ws-destination", clientId: "client-9" },
      members: [{ source: "user-1", destination: "user-2", field: "source.userId" }],
      destinationDefaults: { tag: "agency", descriptionPrefix: "[Agency] " },
      projectOptions: { color: "#00ff7F", billable: false, isPublic: true, note: "mirrored" },
      destinationProjectOptions: { color: "#123456", billable: true, isPublic: false, note: "by the agency" },
      createMissingDestinationProjects: false,
      createMissingDestinationTags: false,
      createMissingDestinationTasks: false,
      webhookSecrets: [WEBHOOK_SECRET, "second-secret"],
    });
    expect(config.reconcile).toEqual(raw.reconcile);
    expect(config.alerts).toEqual(raw.alerts);
    expect(config.clockify).toEqual(raw.clockify);
    expect(config.webhooks).toEqual(raw.webhooks);
    expect(config.polling).toEqual(raw.polling);
  });

  it.each<[string, Json, Json]>([
    [
      "only an apiKey",
      { apiKey: DESTINATION_API_KEY, workspaceId: "ws-destination" },
      { apiKey: DESTINATION_API_KEY, workspaceId: "ws-destination", members: [{ source: "user-1", destination: "user-1", field: "source.userId" }] },
    ],
    [
      "only a userId",
      { workspaceId: "ws-destination", userId: "user-2" },
      { apiKey: SOURCE_API_KEY, workspaceId: "ws-destination", members: [{ source: "user-1", destination: "user-2", field: "source.userId" }] },
    ],
  ])("a destination with %s, the other field defaulting to the source's", (_name, destination, expected) => {
    const pair = parseConfig(edited(minimalConfig(), [["pairs.0.destination", destination]]), NO_ENV).pairs[0];
    expect(pair && { ...pair.destination, members: pair.members }).toEqual(expected);
  });

  it("several members in the users form, a destination defaulting to the same user or email", () => {
    const raw = edited(minimalConfig(), [
      ["pairs.0.source.userId", undefined],
      ["pairs.0.users", [{ source: "u-ada" }, { source: "bob@agency.example", destination: "robert@customer.example" }, { source: "carol@agency.example" }]],
    ]);
    expect(parseConfig(raw, NO_ENV).pairs[0]?.members).toEqual([
      { source: "u-ada", destination: "u-ada", field: "users[0]" },
      { source: "bob@agency.example", destination: "robert@customer.example", field: "users[1]" },
      { source: "carol@agency.example", destination: "carol@agency.example", field: "users[2]" },
    ]);
  });

  it("several pairs, in file order", () => {
    const raw = { pairs: [modernPair("a"), { ...modernPair("b.2_x-Y"), destination: { workspaceId: "ws-other" } }] };
    expect(parseConfig(raw, NO_ENV).pairs.map((pair) => pair.id)).toEqual(["a", "b.2_x-Y"]);
  });

  it("two pairs writing into the same destination workspace", () => {
    const raw = { pairs: [modernPair("a"), edited(modernPair("b"), [["source.workspaceId", "ws-third"]])] };
    expect(parseConfig(raw, NO_ENV).pairs).toHaveLength(2);
  });

  it.each([
    ["0 3 * * *", "0 3 * * *"],
    ["*/5 * * * *", "*/5 * * * *"],
    ["0 0 3 * * *", "0 0 3 * * *"],
    ["0 9-17/2 * JAN,JUL mon-fri", "0 9-17/2 * JAN,JUL mon-fri"],
    ["  0 3 * * *\n", "0 3 * * *"],
  ])("cron %j", (cron, expected) => {
    expect(parseConfig(edited(minimalConfig(), [["reconcile", { cron }]]), NO_ENV).reconcile.cron).toBe(expected);
  });

  it.each(["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Asia/Kolkata"])("time zone %s", (timezone) => {
    expect(parseConfig(edited(minimalConfig(), [["reconcile", { timezone }]]), NO_ENV).reconcile.timezone).toBe(timezone);
  });

  it.each(["http://localhost:9000/alert", "https://hooks.example.com/x?y=1"])("alert webhook URL %s", (webhookUrl) => {
    expect(parseConfig(edited(minimalConfig(), [["alerts", { webhookUrl }]]), NO_ENV).alerts.webhookUrl).toBe(webhookUrl);
  });

  it("returns fresh default objects on every call", () => {
    const first = parseConfig(minimalConfig(), NO_ENV);
    first.pairs[0]?.webhookSecrets.push("mutated");
    if (first.pairs[0]) first.pairs[0].projectOptions.note = "mutated";
    const second = parseConfig(minimalConfig(), NO_ENV);
    expect(second.pairs[0]?.webhookSecrets).toEqual([]);
    expect(second.pairs[0]?.projectOptions).toEqual({});
  });

  it("leaves its input untouched", () => {
    const raw = minimalConfig();
    const before = structuredClone(raw);
    parseConfig(raw, NO_ENV);
    expect(raw).toEqual(before);
  });
});

type Edits = ReadonlyArray<readonly [string, Json | undefined]>;

describe("parseConfig rejects", () => {
  const cases: ReadonlyArray<readonly [string, Edits, string]> = [
    // Shape of the file
    ["a missing pairs list", [["pairs", undefined]], "pairs: required"],
    ["an empty pairs list", [["pairs", []]], "pairs: expected at least one pair, got an empty array"],
    ["pairs that is not a list", [["pairs", { id: "x" }]], "pairs: expected an array of pairs, got an object"],
    ["a pair that is not an object", [["pairs.0", "acme"]], 'pairs[0]: expected an object, got "acme"'],
    ["an unknown top-level key", [["pair", []]], 'config: unknown key "pair"; did you mean "pairs"?'],
    // Pair fields
    ["a missing id", [["pairs.0.id", undefined]], "pairs[0].id: required"],
    [
      "an id with a space",
      [["pairs.0.id", "ac me"]],
      'pairs[0].id: expected a pair id of 1-64 characters from A-Z a-z 0-9 _ . -, got "ac me"',
    ],
    [
      "an id of 65 characters",
      [["pairs.0.id", "a".repeat(65)]],
      `pairs[0].id: expected a pair id of 1-64 characters from A-Z a-z 0-9 _ . -, got "${"a".repeat(60)}…"`,
    ],
    ["a missing source", [["pairs.0.source", undefined]], "pairs[0].source: required"],
    ["a missing source apiKey", [["pairs.0.source.apiKey", undefined]], "pairs[0].source.apiKey: required"],
    [
      "an empty source apiKey",
      [["pairs.0.source.apiKey", ""]],
      "pairs[0].source.apiKey: expected a non-empty string, got an empty string",
    ],
    [
      "a numeric source apiKey",
      [["pairs.0.source.apiKey", 12345]],
      "pairs[0].source.apiKey: expected a non-empty string, got a number",
    ],
    [
      "a source apiKey with a trailing newline",
      [["pairs.0.source.apiKey", `${SOURCE_API_KEY}\n`]],
      `pairs[0].source.apiKey: expected no leading or trailing whitespace, got a string of length ${SOURCE_API_KEY.length + 1}`,
    ],
    [
      "a destination apiKey with a leading space",
      [["pairs.0.destination.apiKey", ` ${DESTINATION_API_KEY}`]],
      `pairs[0].destination.apiKey: expected no leading or trailing whitespace, got a string of length ${DESTINATION_API_KEY.length + 1}`,
    ],
    ["a missing source workspaceId", [["pairs.0.source.workspaceId", undefined]], "pairs[0].source.workspaceId: required"],
    ["a missing source userId", [["pairs.0.source.userId", undefined]], "pairs[0].source.userId: required: the id or email of the user whose entries are mirrored (or users: [{ source, destination }] for several)"],
    ["a missing source clientId", [["pairs.0.source.clientId", undefined]], "pairs[0].source.clientId: required"],
    [
      "a numeric clientId",
      [["pairs.0.source.clientId", 7]],
      "pairs[0].source.clientId: expected a non-empty string, got 7",
    ],
    ["a missing destination", [["pairs.0.destination", undefined]], "pairs[0].destination: required"],
    [
      "a missing destination workspaceId",
      [["pairs.0.destination.workspaceId", undefined]],
      "pairs[0].destination.workspaceId: required",
    ],
    [
      "a null destination userId",
      [["pairs.0.destination.userId", null]],
      "pairs[0].destination.userId: expected a non-empty string, got null",
    ],
    ["a colour name", [["pairs.0.projectOptions", { color: "red" }]], 'pairs[0].projectOptions.color: expected #RRGGBB, got "red"'],
    ["a short hex colour", [["pairs.0.projectOptions", { color: "#F00" }]], 'pairs[0].projectOptions.color: expected #RRGGBB, got "#F00"'],
    [
      "a string billable",
      [["pairs.0.projectOptions", { billable: "yes" }]],
      'pairs[0].projectOptions.billable: expected true or false, got "yes"',
    ],
    [
      "a non-boolean createMissingDestinationProjects",
      [["pairs.0.createMissingDestinationProjects", "false"]],
      'pairs[0].createMissingDestinationProjects: expected true or false, got "false"',
    ],
    [
      "webhookSecrets that is a single string",
      [["pairs.0.webhookSecrets", WEBHOOK_SECRET]],
      `pairs[0].webhookSecrets: expected an array of strings, got a string of length ${WEBHOOK_SECRET.length}`,
    ],
    [
      "an empty webhook secret",
      [["pairs.0.webhookSecrets", [WEBHOOK_SECRET, ""]]],
      "pairs[0].webhookSecrets[1]: expected a non-empty string, got an empty string",
    ],
    // Unknown keys at every level
    ["a misspelt destination", [["pairs.0.destinaton", { workspaceId: "x" }]], 'pairs[0]: unknown key "destinaton"; did you mean "destination"?'],
    ["an unknown source key", [["pairs.0.source.apikey", "x"]], 'pairs[0].source: unknown key "apikey"; did you mean "apiKey"?'],
    ["an unknown destination key", [["pairs.0.destination.tags", "x"]], 'pairs[0].destination: unknown key "tags"'],
    ["a destination client id in the wrong case", [["pairs.0.destination.clientid", "x"]], 'pairs[0].destination: unknown key "clientid"; did you mean "clientId"?'],
    ["an empty destination client id", [["pairs.0.destination.clientId", ""]], "pairs[0].destination.clientId: expected a non-empty string, got an empty string"],
    ["a destination client id that is a number", [["pairs.0.destination.clientId", 7]], "pairs[0].destination.clientId: expected a non-empty string, got 7"],
    [
      "destinationProjectOptions without the s",
      [["pairs.0.destinationProjectOption", {}]],
      'pairs[0]: unknown key "destinationProjectOption"; did you mean "destinationProjectOptions"?',
    ],
    [
      "an unknown destination project option",
      [["pairs.0.destinationProjectOptions", { colour: "#000000" }]],
      'pairs[0].destinationProjectOptions: unknown key "colour"; did you mean "color"?',
    ],
    [
      "a destination project colour by name",
      [["pairs.0.destinationProjectOptions", { color: "red" }]],
      'pairs[0].destinationProjectOptions.color: expected #RRGGBB, got "red"',
    ],
    [
      "destinationProjectOptions that is a string",
      [["pairs.0.destinationProjectOptions", "{}"]],
      'pairs[0].destinationProjectOptions: expected an object, got "{}"',
    ],
    [
      "a destination workspace id in the wrong case",
      [
        ["pairs.0.destination.workspaceid", "x"],
        ["pairs.0.destination.workspaceId", undefined],
      ],
      'pairs[0].destination: unknown key "workspaceid"; did you mean "workspaceId"?',
    ],
    ["webhookSecret without the s", [["pairs.0.webhookSecret", []]], 'pairs[0]: unknown key "webhookSecret"; did you mean "webhookSecrets"?'],
    ["an unknown project option", [["pairs.0.projectOptions", { public: true }]], 'pairs[0].projectOptions: unknown key "public"; did you mean "isPublic"?'],
    ["an unknown reconcile key", [["reconcile", { windowdays: 3 }]], 'reconcile: unknown key "windowdays"; did you mean "windowDays"?'],
    ["an unknown alerts key", [["alerts", { url: "https://x.example" }]], 'alerts: unknown key "url"'],
    ["an unknown clockify key", [["clockify", { rps: 3 }]], 'clockify: unknown key "rps"'],
    // Pair rules
    [
      "a pair mirroring a workspace into itself",
      [["pairs.0.destination.workspaceId", "ws-source"]],
      'pairs[0]: source and destination are the same workspace "ws-source"; a pair cannot mirror a workspace into itself',
    ],
    // reconcile
    ["a cron of 4 fields", [["reconcile", { cron: "0 3 * *" }]], 'reconcile.cron: expected a cron expression of 5 or 6 fields (e.g. "0 3 * * *"), got "0 3 * *"'],
    ["a cron of 7 fields", [["reconcile", { cron: "0 0 3 * * * 2030" }]], 'reconcile.cron: expected a cron expression of 5 or 6 fields (e.g. "0 3 * * *"), got "0 0 3 * * * 2030"'],
    ["a cron macro", [["reconcile", { cron: "@daily" }]], 'reconcile.cron: expected a cron expression of 5 or 6 fields (e.g. "0 3 * * *"), got "@daily"'],
    ["a cron with a stray character", [["reconcile", { cron: "0 3 * * 1;2" }]], 'reconcile.cron: expected a cron expression of 5 or 6 fields (e.g. "0 3 * * *"), got "0 3 * * 1;2"'],
    ["an unknown time zone", [["reconcile", { timezone: "Mars/Olympus" }]], 'reconcile.timezone: expected an IANA time zone such as "UTC" or "Europe/Berlin", got "Mars/Olympus"'],
    ["windowDays 0", [["reconcile", { windowDays: 0 }]], "reconcile.windowDays: expected an integer between 1 and 366, got 0"],
    ["windowDays 367", [["reconcile", { windowDays: 367 }]], "reconcile.windowDays: expected an integer between 1 and 366, got 367"],
    ["fractional windowDays", [["reconcile", { windowDays: 1.5 }]], "reconcile.windowDays: expected an integer between 1 and 366, got 1.5"],
    ["string windowDays", [["reconcile", { windowDays: "30" }]], 'reconcile.windowDays: expected an integer between 1 and 366, got "30"'],
    ["reconcile that is not an object", [["reconcile", "daily"]], 'reconcile: expected an object, got "daily"'],
    // alerts
    [
      "an ftp alert webhook, without echoing the URL",
      [["alerts", { webhookUrl: "ftp://hooks.example.com/SECRET" }]],
      "alerts.webhookUrl: expected an http(s) URL, got a string of length 30",
    ],
    [
      "a relative alert webhook",
      [["alerts", { webhookUrl: "/alerts" }]],
      "alerts.webhookUrl: expected an http(s) URL, got a string of length 7",
    ],
    ["silenceHours 0", [["alerts", { silenceHours: 0 }]], "alerts.silenceHours: expected a number greater than 0, got 0"],
    ["negative silenceHours", [["alerts", { silenceHours: -1 }]], "alerts.silenceHours: expected a number greater than 0, got -1"],
    // clockify
    [
      "requestsPerSecond 0",
      [["clockify", { requestsPerSecond: 0 }]],
      "clockify.requestsPerSecond: expected a number greater than 0 and at most 50, got 0",
    ],
    [
      "requestsPerSecond 51",
      [["clockify", { requestsPerSecond: 51 }]],
      "clockify.requestsPerSecond: expected a number greater than 0 and at most 50, got 51",
    ],
    [
      "timeoutMs 0",
      [["clockify", { timeoutMs: 0 }]],
      "clockify.timeoutMs: expected an integer between 1 and 2147483647, got 0",
    ],
    [
      "timeoutMs past the timer limit",
      [["clockify", { timeoutMs: 2 ** 31 }]],
      "clockify.timeoutMs: expected an integer between 1 and 2147483647, got 2147483648",
    ],
    ["maxRetries 11", [["clockify", { maxRetries: 11 }]], "clockify.maxRetries: expected an integer between 0 and 10, got 11"],
    // Several members
    [
      "users next to source.userId",
      [["pairs.0.users", [{ source: "bob@agency.example" }]]],
      "pairs[0].users: give either users or source.userId/destination.userId, not both: move that user into users and remove the userId fields",
    ],
    ["an empty users list", [["pairs.0.source.userId", undefined], ["pairs.0.users", []]], "pairs[0].users: expected at least one user, got an empty array"],
    [
      "a user without source",
      [["pairs.0.source.userId", undefined], ["pairs.0.users", [{ destination: "u-2" }]]],
      "pairs[0].users[0].source: required",
    ],
    [
      "a user listed twice",
      [["pairs.0.source.userId", undefined], ["pairs.0.users", [{ source: "Bob@a.example" }, { source: "bob@a.example" }]]],
      "pairs[0].users[1].source: bob@a.example is listed twice in users",
    ],
    [
      "a misspelt user key",
      [["pairs.0.source.userId", undefined], ["pairs.0.users", [{ source: "u-1", destinaton: "u-2" }]]],
      'pairs[0].users[0]: unknown key "destinaton"; did you mean "destination"?',
    ],
    ["an empty default tag", [["pairs.0.destinationDefaults", { tag: "" }]], "pairs[0].destinationDefaults.tag: expected a non-empty string, got an empty string"],
    ["negative maxRetries", [["clockify", { maxRetries: -1 }]], "clockify.maxRetries: expected an integer between 0 and 10, got -1"],
  ];

  it.each(cases)("%s", (_name, edits, message) => {
    const error = configErrorFrom(() => parseConfig(edited(minimalConfig(), edits), NO_ENV));
    expect(error.message).toBe(message);
    expect(error.problems).toEqual([message]);
  });

  it("a config that is not an object", () => {
    expect(configErrorFrom(() => parseConfig([modernPair()], NO_ENV)).message).toBe(
      "config: expected an object, got an array of 1 item",
    );
    expect(configErrorFrom(() => parseConfig(null, NO_ENV)).message).toBe("config: expected an object, got null");
  });

  it("duplicate pair ids, naming each id once", () => {
    const raw = { pairs: [modernPair("acme"), modernPair("other"), modernPair("acme"), modernPair("acme")] };
    expect(configErrorFrom(() => parseConfig(raw, NO_ENV)).message).toBe('pairs: duplicate pair id "acme"');
  });

  it("several problems at once, one per line, grouped by pair", () => {
    const raw = {
      pairs: [
        edited(modernPair("acme"), [["projectOptions", { color: "red" }]]),
        edited(modernPair("acme"), [
          ["source.workspaceId", undefined],
          ["source.apiKey", ""],
        ]),
      ],
      clockify: { maxRetries: 99 },
    };
    const error = configErrorFrom(() => parseConfig(raw, NO_ENV));
    expect(error.problems).toEqual([
      'pairs[0].projectOptions.color: expected #RRGGBB, got "red"',
      "pairs[1].source.apiKey: expected a non-empty string, got an empty string",
      "pairs[1].source.workspaceId: required",
      "clockify.maxRetries: expected an integer between 0 and 10, got 99",
      'pairs: duplicate pair id "acme"',
    ]);
    expect(error.message).toBe(error.problems.join("\n"));
  });

  it("the same-workspace rule even when another field of the pair is wrong", () => {
    const raw = edited(minimalConfig(), [
      ["pairs.0.destination.workspaceId", "ws-source"],
      ["pairs.0.source.clientId", undefined],
    ]);
    expect(configErrorFrom(() => parseConfig(raw, NO_ENV)).problems).toEqual([
      "pairs[0].source.clientId: required",
      'pairs[0]: source and destination are the same workspace "ws-source"; a pair cannot mirror a workspace into itself',
    ]);
  });
});
