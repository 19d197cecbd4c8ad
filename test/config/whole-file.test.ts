import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { wholeFileNotice, wrapWholeFileLegacy } from "../../src/config/whole-file.js";
import { SECRETS, SOURCE_API_KEY, configErrorFrom, edited, legacyPair, type JsonObject } from "./fixtures.js";

/** The original tool's secret as it was pasted: one flat object, no id, no `pairs`. */
function pastedSecret(): JsonObject {
  const { id: _id, ...secret } = legacyPair();
  return { ...secret, dest_token: "", dest_user_id: "" };
}

describe("the original tool's secret pasted as the whole file", () => {
  it("is read as one pair with the id pair-1", () => {
    const config = parseConfig(pastedSecret(), {});
    expect(config.pairs).toEqual([
      {
        id: "pair-1",
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
      },
    ]);
    expect(config.reconcile.windowDays).toBe(30);
  });

  it("keeps an id written beside the secret, and file-level settings at the file level", () => {
    const raw = { ...pastedSecret(), id: "acme", reconcile: { windowDays: 7 }, webhookSecrets: ["hook"] };
    const config = parseConfig(raw, {});
    expect(config.pairs.map((pair) => [pair.id, pair.webhookSecrets])).toEqual([["acme", ["hook"]]]);
    expect(config.reconcile.windowDays).toBe(7);
  });

  it("reports problems at the keys as written, at the top of the file, not as pairs: required", () => {
    const raw = edited(pastedSecret(), [
      ["token", undefined],
      ["tokn", SOURCE_API_KEY],
      ["time_entry_destination_workspace_id", undefined],
    ]);
    expect(configErrorFrom(() => parseConfig(raw, {})).problems).toEqual([
      'config: unknown key "tokn"; did you mean "token"?',
      "time_entry_destination_workspace_id: required",
    ]);
  });

  it("leaves a file that has pairs, or no legacy key, alone", () => {
    const modern = { pairs: [], reconcile: {} };
    expect(wrapWholeFileLegacy(modern).tree).toBe(modern);
    expect(wrapWholeFileLegacy({ reconcile: {} }).wrapped).toBe(false);
    expect(configErrorFrom(() => parseConfig({ reconcile: {} }, {})).message).toBe("pairs: required");
    expect(wholeFileNotice(modern, "c.json")).toBeUndefined();
  });

  it("comes with a notice showing the exact wrapping to write, without any value", () => {
    const notice = wholeFileNotice({ ...pastedSecret(), reconcile: { windowDays: 7 } }, "/etc/clockify-sync.json");
    expect(notice).toBe(
      'config file /etc/clockify-sync.json holds the original tool\'s secret on its own, not wrapped in "pairs"; ' +
        'it is read as one pair with id "pair-1". To choose the id (e.g. the client\'s name) or add pairs, write the file as: ' +
        '{ "pairs": [ { "id": "pair-1", "time_entry_source_workspace_id": …, "time_entry_source_client_id": …, ' +
        '"time_entry_destination_workspace_id": …, "user_id": …, "token": …, "project_options": …, "dest_token": …, ' +
        '"dest_user_id": … } ], "reconcile": … } with each … the value it has now',
    );
    for (const secret of SECRETS) expect(notice).not.toContain(secret);
  });

  it("the wrapping the notice shows is a valid file", () => {
    const secret = pastedSecret();
    expect(parseConfig({ pairs: [{ id: "pair-1", ...secret }] }, {})).toEqual(parseConfig(secret, {}));
  });
});
