import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { DESTINATION_API_KEY, SOURCE_API_KEY, configErrorFrom, edited, legacyPair, modernPair, type Json } from "./fixtures.js";

type Edits = ReadonlyArray<readonly [string, Json | undefined]>;

function parseLegacy(edits: Edits = []) {
  return parseConfig({ pairs: [edited(legacyPair(), edits)] }, {});
}

describe("legacy pair shape", () => {
  it("is converted to the modern pair with defaults", () => {
    expect(parseLegacy().pairs[0]).toEqual({
      id: "legacy",
      source: { apiKey: SOURCE_API_KEY, workspaceId: "ws-source", userId: "user-1", clientId: "client-1" },
      destination: { apiKey: SOURCE_API_KEY, workspaceId: "ws-destination", userId: "user-1" },
      projectOptions: { color: "#FF0000", billable: true },
      createMissingDestinationProjects: true,
      webhookSecrets: [],
    });
  });

  it("takes dest_token and dest_user_id for the destination", () => {
    const pair = parseLegacy([
      ["dest_token", DESTINATION_API_KEY],
      ["dest_user_id", "user-2"],
    ]).pairs[0];
    expect(pair?.destination).toEqual({ apiKey: DESTINATION_API_KEY, workspaceId: "ws-destination", userId: "user-2" });
  });

  it("treats empty dest_token and dest_user_id as not given, as the Python tool did", () => {
    const pair = parseLegacy([
      ["dest_token", ""],
      ["dest_user_id", ""],
    ]).pairs[0];
    expect(pair?.destination).toEqual({ apiKey: SOURCE_API_KEY, workspaceId: "ws-destination", userId: "user-1" });
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
    ["a missing user_id", [["user_id", undefined]], "pairs[0].user_id: required"],
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
      'pairs[0].project_options: unknown key "colour"',
    ],
    [
      "a key that is neither legacy nor modern",
      [["tokn", "x"]],
      'pairs[0]: unknown key "tokn"',
    ],
    [
      "a key of the modern shape",
      [["source", { apiKey: "x" }]],
      "pairs[0]: mixes legacy keys (time_entry_source_workspace_id, time_entry_source_client_id, time_entry_destination_workspace_id, user_id, token, project_options) with modern keys (source); write the pair in one shape",
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
      "pairs[0]: mixes legacy keys (token) with modern keys (destination); write the pair in one shape",
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
