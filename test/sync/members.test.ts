import { describe, expect, it } from "vitest";
import type { User } from "../../src/clockify/schemas.js";
import type { MemberConfig } from "../../src/config/schema.js";
import { destinationUserOf, emailsToResolve, matchMembers, mayMirrorSourceUser } from "../../src/sync/members.js";
import { withDestinationDefaults } from "../../src/sync/entries/destination-defaults.js";
import type { SourceEntry } from "../../src/sync/model.js";

const user = (id: string, email: string): User => ({ id, email, name: id, status: "ACTIVE", activeWorkspace: null, defaultWorkspace: null });
const member = (source: string, destination: string, index = 0): MemberConfig => ({ source, destination, field: `users[${index}]` });
const answers = (pairs: Array<[string, User[]]>) => new Map(pairs);

describe("matchMembers", () => {
  it("keeps ids as written and resolves emails exactly, ignoring case", () => {
    const result = matchMembers(
      { members: [member("u-ada", "u-ada", 0), member("Bob@Agency.example", "robert@customer.example", 1)] },
      {
        // Clockify's users filter matches substrings: "bob@agency.example" also finds "jimbob@agency.example".
        source: answers([["bob@agency.example", [user("u-jimbob", "jimbob@agency.example"), user("u-bob", "bob@agency.example")]]]),
        destination: answers([["robert@customer.example", [user("u-robert", "ROBERT@customer.example")]]]),
      },
    );
    expect(result).toEqual({
      ok: true,
      members: [
        { sourceUserId: "u-ada", destinationUserId: "u-ada", field: "users[0]" },
        { sourceUserId: "u-bob", destinationUserId: "u-robert", field: "users[1]" },
      ],
    });
  });

  it.each([
    ["nobody has the email", [] as User[], "users[0].source: no member of the source workspace has the email ann@x.example"],
    ["only a longer email contains it", [user("u-joann", "joann@x.example")], "users[0].source: no member of the source workspace has the email ann@x.example"],
    ["two people have it", [user("u-1", "ann@x.example"), user("u-2", "ann@x.example")], "users[0].source: 2 members of the source workspace have the email ann@x.example"],
  ])("names the entry when %s", (_name, found, message) => {
    const result = matchMembers({ members: [member("ann@x.example", "u-ann")] }, { source: answers([["ann@x.example", found]]), destination: answers([]) });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]).toContain(message);
  });

  it("names the one-user form's fields, and refuses one source user listed twice", () => {
    const one = matchMembers({ members: [{ source: "a@x.example", destination: "u-1", field: "source.userId" }] }, { source: answers([]), destination: answers([]) });
    expect(!one.ok && one.problems[0]).toMatch(/^source\.userId: no member/);
    const twice = matchMembers(
      { members: [member("u-bob", "u-1", 0), member("bob@x.example", "u-2", 1)] },
      { source: answers([["bob@x.example", [user("u-bob", "bob@x.example")]]]), destination: answers([]) },
    );
    expect(twice).toEqual({ ok: false, problems: ["users[1] is the same source user as users[0]; list each person once"] });
  });

  it("asks once per distinct email and side, and lets the intake pass events for a pair with emails", () => {
    const members = [member("A@x.example", "u-1"), member("a@x.example", "u-2"), member("u-3", "c@y.example")];
    expect(emailsToResolve(members, "source")).toEqual(["a@x.example"]);
    expect(emailsToResolve(members, "destination")).toEqual(["c@y.example"]);
    expect(mayMirrorSourceUser({ members: [member("u-1", "u-1")] }, "u-2")).toBe(false);
    expect(mayMirrorSourceUser({ members: [member("u-1", "u-1")] }, "u-1")).toBe(true);
    expect(mayMirrorSourceUser({ members: [member("u-1", "u-1"), member("b@x.example", "u-2")] }, "u-9")).toBe(true);
    expect(destinationUserOf([{ sourceUserId: "u-1", destinationUserId: "d-1", field: "users[0]" }], "u-1")).toBe("d-1");
  });
});

describe("withDestinationDefaults", () => {
  const entry = (over: Partial<SourceEntry> = {}): SourceEntry => ({
    id: "e1",
    workspaceId: "ws",
    userId: "u1",
    start: "2026-11-20T09:00:00Z",
    end: "2026-11-20T10:00:00Z",
    description: "work",
    billable: false,
    project: { id: "p", name: "Website", clientId: "c" },
    taskName: null,
    tagNames: [],
    ...over,
  });
  it.each<[string, Partial<SourceEntry>, Parameters<typeof withDestinationDefaults>[1], Partial<SourceEntry>]>([
    ["no defaults change nothing", {}, {}, {}],
    ["a default tag for an entry without tags", {}, { tag: "agency" }, { tagNames: ["agency"] }],
    ["the entry's own tags win", { tagNames: ["urgent"] }, { tag: "agency" }, { tagNames: ["urgent"] }],
    ["a default task for an entry without task", {}, { task: "General" }, { taskName: "General" }],
    ["the entry's own task wins", { taskName: "Design" }, { task: "General" }, { taskName: "Design" }],
    ["a prefix before the description", {}, { descriptionPrefix: "[Agency] " }, { description: "[Agency] work" }],
    ["an empty description becomes the prefix", { description: "" }, { descriptionPrefix: "[Agency] " }, { description: "[Agency]" }],
    ["an already prefixed description stays", { description: "[Agency] work" }, { descriptionPrefix: "[Agency] " }, { description: "[Agency] work" }],
  ])("%s", (_name, over, defaults, expected) => {
    expect(withDestinationDefaults(entry(over), defaults)).toEqual(entry({ ...over, ...expected }));
  });
});
