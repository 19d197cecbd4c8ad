import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { DESTINATION_API_KEY, SOURCE_API_KEY, WEBHOOK_SECRET, configErrorFrom, edited, legacyPair, modernPair, type Json } from "./fixtures.js";

type Edits = ReadonlyArray<readonly [string, Json | undefined]>;

function parseLegacy(edits: Edits = []) {
  return parseConfig({ pairs: [edited(legacyPair(), edits)] }, {});
}

describe("legacy pair shape", () => {
  it("is converted to the modern pair with defaults", () => {
    expect(parseLegacy().pairs[0]).toEqual({
      id: "legacy",
      source: { apiKey: SOURCE_API_KEY, workspaceId: "ws-source", clientId: "client-1" },
      destination: { apiKey: SOURCE_API_KEY, workspaceId: "ws-destination" },
      members: [{ source: "user-1", destination: "user-1", field: "source.userId" }],
      destinationDefaults: {},
      projectOptions: { color: "#FF0000", billable: true },
      destinationProjectOptions: {},
      createMissingDestinationProjects: true,
      createMissingDestinationTags: true,
      createMissingDestinationTasks: true,
      webhookSecrets: [],
    });
  });

  it("takes dest_token and dest_user_id for the destination", () => {
    const pair = parseLegacy([
      ["dest_token", DESTINATION_API_KEY],
      ["dest_user_id", "user-2"],
    ]).pairs[0];
    expect(pair?.destination).toEqual({ apiKey: DESTINATION_API_KEY, workspaceId: "ws-destination" });
    expect(pair?.members).toEqual([{ source: "user-1", destination: "user-2", field: "source.userId" }]);
  });

  it("treats empty dest_token and dest_user_id as not given, as the Python tool did", () => {
    const pair = parseLegacy([
      ["dest_token", ""],
      ["dest_user_id", ""],
    ]).pairs[0];
    expect(pair?.destination).toEqual({ apiKey: SOURCE_API_KEY, workspaceId: "ws-destination" });
    expect(pair?.members).toEqual([{ source: "user-1", destination: "user-1", field: "source.userId" }]);
  });

  it.each(["", "   "])("reads an empty project_options %j as no options", (projectOptions) => {
    expect(parseLegacy([["project_options", projectOptions]]).pairs[0]?.projectOptions).toEqual({});
  });

  it("interpolates the environment before converting", () => {
    const raw = { pairs: [edited(legacyPair(), [["token", "${LEGACY_TOKEN}"]])] };
    expect(parseConfig(raw, { LEGACY_TOKEN: "from-env" }).pairs[0]?.source.apiKey).toBe("from-env");
    expect(configErrorFrom(() => parseConfig(raw, {})).message).toBe(
      "pairs[0].token: environment variable LEGACY_TOKEN is not set",
    );
  });

  it("carries this project's optional keys", () => {
    const pair = parseLegacy([
      ["webhookSecrets", [WEBHOOK_SECRET]],
      ["createMissingDestinationProjects", false],
    ]).pairs[0];
    expect(pair).toMatchObject({ id: "legacy", webhookSecrets: [WEBHOOK_SECRET], createMissingDestinationProjects: false });
    expect(pair?.projectOptions).toEqual({ color: "#FF0000", billable: true });
  });

  it("takes projectOptions written as an object instead of project_options", () => {
    const pair = parseLegacy([
      ["project_options", undefined],
      ["projectOptions", { color: "#00FF00" }],
    ]).pairs[0];
    expect(pair?.projectOptions).toEqual({ color: "#00FF00" });
  });

  it("refuses a stray project_options in a pair of this project's shape, saying what to write", () => {
    const raw = { pairs: [edited(modernPair(), [["project_options", "{}"]])] };
    expect(configErrorFrom(() => parseConfig(raw, {})).problems).toEqual([
      'pairs[0]: "project_options" is a key of the original tool\'s shape, but this pair uses "source", "destination"; ' +
        'write "projectOptions" (an object, not a string) instead of "project_options"',
    ]);
  });

  it("mixes with modern pairs in one file", () => {
    const config = parseConfig({ pairs: [modernPair("modern"), legacyPair("old")] }, {});
    expect(config.pairs.map((pair) => pair.id)).toEqual(["modern", "old"]);
  });

  const rejections: ReadonlyArray<readonly [string, Edits, string]> = [
    ["a missing token", [["token", undefined]], "pairs[0].token: required"],
    [
      "an empty token",
      [["token", ""]],
      "pairs[0].token: expected a non-empty string, got an empty string",
    ],
    [
      "a token with a trailing space",
      [["token", `${SOURCE_API_KEY} `]],
      `pairs[0].token: expected no leading or trailing whitespace, got a string of length ${SOURCE_API_KEY.length + 1}`,
    ],
    [
      "a numeric dest_token",
      [["dest_token", 42]],
      "pairs[0].dest_token: expected a non-empty string, got a number",
    ],
    ["a missing user_id", [["user_id", undefined]], "pairs[0].user_id: required: the id or email of the user whose entries are mirrored (or users: [{ source, destination }] for several)"],
    [
      "a missing source workspace",
      [["time_entry_source_workspace_id", undefined]],
      "pairs[0].time_entry_source_workspace_id: required",
    ],
    ["a missing client", [["time_entry_source_client_id", undefined]], "pairs[0].time_entry_source_client_id: required"],
    [
      "a missing destination workspace",
      [["time_entry_destination_workspace_id", undefined]],
      "pairs[0].time_entry_destination_workspace_id: required",
    ],
    [
      "a numeric dest_user_id",
      [["dest_user_id", 3]],
      "pairs[0].dest_user_id: expected a non-empty string, got 3",
    ],
    ["a missing project_options", [["project_options", undefined]], "pairs[0].project_options: required"],
    [
      "project_options written as an object",
      [["project_options", { color: "#FF0000" }]],
      "pairs[0].project_options: expected a string holding a JSON object, got an object",
    ],
    [
      "project_options holding an array",
      [["project_options", "[1]"]],
      "pairs[0].project_options: expected a string holding a JSON object, got a string holding an array",
    ],
    [
      "project_options with a bad colour",
      [["project_options", '{"color": "red"}']],
      'pairs[0].project_options.color: expected #RRGGBB, got "red"',
    ],
    [
      "project_options with an unknown option",
      [["project_options", '{"colour": "#FF0000"}']],
      'pairs[0].project_options: unknown key "colour"; did you mean "color"?',
    ],
    [
      "a key that is neither legacy nor modern",
      [["tokn", "x"]],
      'pairs[0]: unknown key "tokn"; did you mean "token"?',
    ],
    [
      "the source given in both shapes",
      [["source", { apiKey: "x" }]],
      'pairs[0]: gives the source twice, as "source" and as the original tool\'s "token", "time_entry_source_workspace_id", "user_id", "time_entry_source_client_id"; keep "source" and delete "token", "time_entry_source_workspace_id", "user_id", "time_entry_source_client_id" (or the other way round)',
    ],
    [
      "the destination given in both shapes",
      [["destination", { workspaceId: "ws-destination" }]],
      'pairs[0]: gives the destination twice, as "destination" and as the original tool\'s "time_entry_destination_workspace_id"; keep "destination" and delete "time_entry_destination_workspace_id" (or the other way round)',
    ],
    [
      "project options given in both shapes",
      [["projectOptions", { color: "#00FF00" }]],
      'pairs[0]: gives the project options twice, as "projectOptions" and as the original tool\'s "project_options"; keep "projectOptions" and delete "project_options" (or the other way round)',
    ],
    [
      "a misspelt modern key",
      [["webhookSecret", ["s"]]],
      'pairs[0]: unknown key "webhookSecret"; did you mean "webhookSecrets"?',
    ],
    [
      "a bad modern key",
      [["createMissingDestinationProjects", "yes"]],
      'pairs[0].createMissingDestinationProjects: expected true or false, got "yes"',
    ],
    [
      "an empty webhook secret, by the path it was written at",
      [["webhookSecrets", ["ok", ""]]],
      "pairs[0].webhookSecrets[1]: expected a non-empty string, got an empty string",
    ],
    [
      "modern projectOptions with a bad colour, by the modern path",
      [
        ["project_options", undefined],
        ["projectOptions", { color: "red" }],
      ],
      'pairs[0].projectOptions.color: expected #RRGGBB, got "red"',
    ],
    [
      "the same workspace on both sides",
      [["time_entry_destination_workspace_id", "ws-source"]],
      'pairs[0]: source and destination are the same workspace "ws-source"; a pair cannot mirror a workspace into itself',
    ],
  ];

  it.each(rejections)("rejects %s", (_name, edits, message) => {
    expect(configErrorFrom(() => parseLegacy(edits)).message).toBe(message);
  });

  it("rejects project_options that is not valid JSON, naming the pair it is in", () => {
    const raw = { pairs: [modernPair("modern"), edited(legacyPair(), [["project_options", '{"color": "#FF0000",}']])] };
    expect(configErrorFrom(() => parseConfig(raw, {})).message).toBe(
      "pairs[1].project_options: expected a string holding a JSON object, got invalid JSON " +
        "(expected a double-quoted property name at line 1, column 21)",
    );
  });

  it("reports one mixed pair without piling up problems from its other keys", () => {
    const mixed = { id: "mixed", token: SOURCE_API_KEY, destination: { workspaceId: "ws-destination" } };
    expect(configErrorFrom(() => parseConfig({ pairs: [mixed] }, {})).problems).toEqual([
      'pairs[0]: gives "destination" in this project\'s shape and "token" in the original tool\'s; write the pair in one shape: source.apiKey instead of "token"',
    ]);
  });

  it("counts legacy ids among duplicates", () => {
    const raw = { pairs: [modernPair("same"), legacyPair("same")] };
    expect(configErrorFrom(() => parseConfig(raw, {})).message).toBe('pairs: duplicate pair id "same"');
  });

  it("lists problems of several legacy pairs together", () => {
    const raw = {
      pairs: [
        edited(legacyPair("a"), [["project_options", "nope"]]),
        edited(legacyPair("b"), [
          ["token", undefined],
          ["extra", true],
        ]),
      ],
    };
    expect(configErrorFrom(() => parseConfig(raw, {})).problems).toEqual([
      "pairs[0].project_options: expected a string holding a JSON object, got invalid JSON (unexpected character at line 1, column 1)",
      'pairs[1]: unknown key "extra"',
      "pairs[1].token: required",
    ]);
  });
});
