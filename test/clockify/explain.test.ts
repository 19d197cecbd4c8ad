import { describe, expect, it } from "vitest";
import { ClockifyError, type ClockifyErrorKind } from "../../src/clockify/errors.js";
import { describeFailure, explainFailure, siteOf, type Side } from "../../src/clockify/explain.js";

const SOURCE_KEY = "source-key-0123456789abcdef";
const DESTINATION_KEY = "destination-key-fedcba9876543210";

const pair = {
  id: "acme",
  source: { apiKey: SOURCE_KEY, workspaceId: "ws-agency", clientId: "c-acme" },
  destination: { apiKey: DESTINATION_KEY, workspaceId: "ws-customer" },
  members: [{ source: "u-ada", destination: "u-bob", field: "source.userId" }],
};
const sharedKeyPair = { ...pair, destination: { ...pair.destination, apiKey: SOURCE_KEY } };

const ENTRIES = "/workspaces/{workspaceId}/user/{userId}/time-entries";

interface Case {
  name: string;
  side: Side;
  error: [kind: ClockifyErrorKind, method: string, route: string, status: number, code: number | undefined, detail: string];
  ids: Record<string, string>;
  shared?: boolean;
  field: string | undefined;
  transient?: boolean;
  /** Each must appear in the summary. */
  says: string[];
  /** Each must appear in the fix. */
  fix: string[];
}

const cases: Case[] = [
  {
    name: "403 listing another member's entries: an admin's key is needed, not another workspace id",
    side: "source",
    error: ["forbidden", "GET", ENTRIES, 403, 501, "Access Denied"],
    ids: { workspaceId: "ws-agency", userId: "u-ada" },
    field: "source.apiKey",
    says: ["reading the entries of", "u-ada", "refused to the key in source.apiKey"],
    fix: ["owner's or admin's key in source.apiKey", "source.userId"],
  },
  {
    name: "401 on the source: the source key",
    side: "source",
    error: ["unauthorized", "GET", "/workspaces/{workspaceId}/projects", 401, 4003, "Api key does not exist"],
    ids: { workspaceId: "ws-agency" },
    field: "source.apiKey",
    says: ["rejected the key in source.apiKey", "HTTP 401 code 4003", "Api key does not exist"],
    fix: ["Profile settings → API", "source.apiKey"],
  },
  {
    name: "401 on the destination with its own key",
    side: "destination",
    error: ["unauthorized", "GET", "/user", 401, 4003, "Api key does not exist"],
    ids: {},
    field: "destination.apiKey",
    says: ["the key in destination.apiKey", "GET /user"],
    fix: ["Profile settings → API", "destination.apiKey"],
  },
  {
    name: "401 on the destination that borrows the source key",
    side: "destination",
    error: ["unauthorized", "GET", "/workspaces/{workspaceId}/projects", 401, 1000, "Full authentication is required"],
    ids: { workspaceId: "ws-customer" },
    shared: true,
    field: "source.apiKey",
    says: ["source.apiKey (destination.apiKey is not set"],
    fix: ["source.apiKey"],
  },
  {
    name: "403 Access Denied on a workspace list: the workspace id",
    side: "source",
    error: ["forbidden", "GET", "/workspaces/{workspaceId}/projects", 403, 501, "Access Denied"],
    ids: { workspaceId: "ws-agency" },
    field: "source.workspaceId",
    says: ['source.workspaceId "ws-agency" is not reachable with the key in source.apiKey', 'HTTP 403 code 501 "Access Denied"'],
    fix: ["check source.workspaceId", "member"],
  },
  {
    name: "403 Access Denied on a write to the workspace: the workspace id too",
    side: "destination",
    error: ["forbidden", "POST", "/workspaces/{workspaceId}/projects", 403, 501, "Access Denied"],
    ids: { workspaceId: "ws-customer" },
    field: "destination.workspaceId",
    says: ['destination.workspaceId "ws-customer" is not reachable'],
    fix: ["check destination.workspaceId"],
  },
  {
    name: "400 code 501 on a workspace list: the workspace id",
    side: "destination",
    error: ["invalid", "GET", "/workspaces/{workspaceId}/tags", 400, 501, "Workspace doesn't belong to User"],
    ids: { workspaceId: "ws-customer" },
    field: "destination.workspaceId",
    says: ['destination.workspaceId "ws-customer" is not reachable'],
    fix: ["check destination.workspaceId"],
  },
  {
    name: "403 adding time for another member: admin key and add time for others",
    side: "destination",
    error: ["forbidden", "POST", ENTRIES, 403, 501, "Access Denied: adding time for others is not enabled"],
    ids: { workspaceId: "ws-customer", userId: "u-bob" },
    field: "destination.apiKey",
    says: ['adding time for destination.userId "u-bob" in destination.workspaceId "ws-customer" was refused'],
    fix: ["owner's or admin's key in destination.apiKey", '"add time for others"', "destination.userId"],
  },
  {
    name: "403 adding time for another member with the borrowed source key: an admin key in destination.apiKey",
    side: "destination",
    error: ["forbidden", "POST", ENTRIES, 403, 501, "Access Denied"],
    ids: { workspaceId: "ws-customer", userId: "u-bob" },
    shared: true,
    field: "destination.apiKey",
    says: ["refused to the key in source.apiKey (destination.apiKey is not set"],
    fix: ["owner's or admin's key in destination.apiKey"],
  },
  {
    name: "403 code 1003: a locked period",
    side: "destination",
    error: ["forbidden", "PUT", "/workspaces/{workspaceId}/time-entries/{entryId}", 403, 1003, "Time entries before 2026-01-01 are locked"],
    ids: { workspaceId: "ws-customer", entryId: "e1" },
    field: undefined,
    says: ['destination.workspaceId "ws-customer" has locked this period'],
    fix: ["lock date", "deadletter -- retry"],
  },
  {
    name: "400 code 501 reading the client: a client of another workspace",
    side: "source",
    error: ["invalid", "GET", "/workspaces/{workspaceId}/clients/{clientId}", 400, 501, "Client doesn't belong to Workspace"],
    ids: { workspaceId: "ws-agency", clientId: "c-acme" },
    field: "source.clientId",
    says: ['source.clientId "c-acme" is not a client of source.workspaceId "ws-agency"'],
    fix: ["set source.clientId to a client of that workspace"],
  },
  {
    name: "400 code 501 creating a project with the client",
    side: "source",
    error: ["invalid", "POST", "/workspaces/{workspaceId}/projects", 400, 501, "Client doesn't belong to Workspace"],
    ids: { workspaceId: "ws-agency", clientId: "c-acme" },
    field: "source.clientId",
    says: ['source.clientId "c-acme" is not a client'],
    fix: ["source.clientId"],
  },
  {
    name: "400 code 501 listing a user's entries: the user id",
    side: "source",
    error: ["invalid", "GET", ENTRIES, 400, 501, "User doesn't belong to Workspace"],
    ids: { workspaceId: "ws-agency", userId: "u-ada" },
    field: "source.userId",
    says: ['source.userId "u-ada" is not a member of source.workspaceId "ws-agency"'],
    fix: ["set source.userId"],
  },
  {
    name: "404 for a project that went away",
    side: "source",
    error: ["not_found", "PUT", "/workspaces/{workspaceId}/projects/{projectId}", 404, undefined, "Project not found"],
    ids: { workspaceId: "ws-agency", projectId: "p9" },
    field: undefined,
    says: ['project "p9" is no longer in source.workspaceId "ws-agency"'],
    fix: ["next reconciliation"],
  },
  {
    name: "400 a required field of the destination workspace",
    side: "destination",
    error: ["invalid", "POST", "/workspaces/{workspaceId}/time-entries", 400, 501, "Tag is required"],
    ids: { workspaceId: "ws-customer" },
    field: "destinationDefaults.tag",
    says: ['destination.workspaceId "ws-customer" requires a tag on every entry'],
    fix: ["set destinationDefaults.tag", "turn the requirement off", "deadletter -- retry"],
  },
  {
    name: "400 a required description names the prefix setting",
    side: "destination",
    error: ["invalid", "PUT", "/workspaces/{workspaceId}/time-entries/{id}", 400, 501, "Description is required"],
    ids: { workspaceId: "ws-customer", id: "e1" },
    field: "destinationDefaults.descriptionPrefix",
    says: ["requires a description on every entry"],
    fix: ["set destinationDefaults.descriptionPrefix"],
  },
  {
    name: "a required custom field whose name says project is still a required field",
    side: "destination",
    error: ["invalid", "POST", "/workspaces/{workspaceId}/time-entries", 400, 501, 'Custom field "Project code" is required'],
    ids: { workspaceId: "ws-customer", projectId: "p1" },
    field: undefined,
    says: ["requires a custom field on every entry"],
    fix: ["turn the requirement off"],
  },
  {
    name: "an id that is not the configured one is named by its value only",
    side: "source",
    error: ["forbidden", "GET", "/workspaces/{workspaceId}/tags", 403, 501, "Access Denied"],
    ids: { workspaceId: "ws-elsewhere" },
    field: "source.workspaceId",
    says: ['workspace "ws-elsewhere" is not reachable'],
    fix: ["check source.workspaceId"],
  },
  {
    name: "any other refusal keeps Clockify's words",
    side: "destination",
    error: ["invalid", "POST", "/workspaces/{workspaceId}/time-entries", 400, 501, "Description must not contain '<' or '>'"],
    ids: { workspaceId: "ws-customer" },
    field: undefined,
    says: ["Clockify refused this in destination.workspaceId", "Description must not contain"],
    fix: ["Clockify's message says what it refused"],
  },
  ...([429, 500, 503] as const).map(
    (status): Case => ({
      name: `HTTP ${status}: transient, nothing to do unless it persists`,
      side: "destination",
      error: [status === 429 ? "rate_limited" : "server", "GET", "/workspaces/{workspaceId}/projects", status, undefined, "busy"],
      ids: { workspaceId: "ws-customer" },
      field: undefined,
      transient: true,
      says: [`HTTP ${status}`],
      fix: ["nothing while it is rare", "If it persists"],
    }),
  ),
  {
    name: "no answer: the address and connectivity",
    side: "source",
    error: ["network", "GET", "/workspaces/{workspaceId}/projects", 0, undefined, "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9"],
    ids: { workspaceId: "ws-agency" },
    field: undefined,
    transient: true,
    says: ["could not be reached", "no answer from Clockify", "ECONNREFUSED"],
    fix: ["CLOCKIFY_API_URL"],
  },
];

describe("explainFailure", () => {
  it.each(cases)("$name", (c) => {
    const [kind, method, route, status, code, detail] = c.error;
    const error = new ClockifyError(kind, method, route, status, code, detail, { ids: c.ids });
    const site = siteOf(c.shared ? sharedKeyPair : pair, c.side);
    const explained = explainFailure(error, site);

    expect(explained.summary.startsWith(`pair "acme" ${c.side}: `)).toBe(true);
    for (const text of c.says) expect(explained.summary).toContain(text);
    expect(explained.summary).toContain(`${method} ${route}`);
    for (const text of c.fix) expect(explained.fix).toContain(text);
    expect(explained.field).toBe(c.field);
    expect(explained.transient).toBe(c.transient ?? false);
    const line = describeFailure(error, site);
    expect(line).toBe(`${explained.summary} Fix: ${explained.fix}`);
    expect(line).not.toContain(SOURCE_KEY);
    expect(line).not.toContain(DESTINATION_KEY);
  });

  it("becomes the message of a located error, once", () => {
    const error = new ClockifyError("forbidden", "GET", "/workspaces/{workspaceId}/projects", 403, 501, "Access Denied", {
      ids: { workspaceId: "ws-agency" },
    });
    expect(error.message).toBe("Clockify GET /workspaces/{workspaceId}/projects failed: HTTP 403 code 501: Access Denied");
    error.locate(siteOf(pair, "source")).locate(siteOf(pair, "destination"));
    expect(error.message).toBe(describeFailure(error, siteOf(pair, "source")));
    expect(error.site?.side).toBe("source");
    expect(error.answer).toContain("HTTP 403 code 501: Access Denied");
    expect(JSON.stringify(error.site)).not.toContain(SOURCE_KEY);
  });
});
