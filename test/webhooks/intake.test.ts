import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { entryEventBodySchema, projectEventBodySchema, sourceEntryFromEvent } from "../../src/webhooks/events.js";
import { interpretDelivery, type Delivery, type IntakeDecision, type IntakeLookups } from "../../src/webhooks/intake.js";
import type { TokenScope } from "../../src/webhooks/tokens.js";
import { CLIENT, CONFIG_SECRET, OTHER_USER, TOKEN, USER, WS, entryBody, projectBody, testConfig, type Json } from "./harness.js";

const pairs = testConfig().pairs;
// Any event: the registration-bound case has its own test below.
const scope = (...workspaces: string[]): TokenScope => ({ workspaces: new Set(workspaces), events: null });
const book = new Map<string, TokenScope>([
  [TOKEN.SRC, scope(WS.SRC)],
  [TOKEN.OTHER_SRC, scope(WS.OTHER_SRC)],
  [TOKEN.DST, scope(WS.DST)],
  [TOKEN.DST2, scope(WS.DST2)],
  [CONFIG_SECRET, scope(WS.SRC, WS.DST)],
]);
const lookups: IntakeLookups = { pairs, identify: (token) => book.get(token) };

const delivery = (token: string | undefined, eventType: string | undefined, body: Json | string): Delivery => ({
  token,
  eventType,
  body: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
});

/** A decision without the (opaque) dedupe keys and bodies, for table comparison. */
function shape(decision: IntakeDecision): unknown {
  if (decision.kind !== "store") return decision;
  return { kind: "store", events: decision.events.map((e) => `${e.pairId}/${e.side}/${e.eventType}/${e.entityId}@${e.workspaceId}`) };
}

const UNAUTHORIZED = { kind: "reject", status: 401, error: "unauthorized" };
const mismatch = { kind: "reject", status: 400, error: "workspaceId does not match the webhook's workspace" };
const noPair = { kind: "ignore", reason: "no pair concerns this event" };
const store = (...events: string[]) => ({ kind: "store", events });

describe("interpretDelivery", () => {
  const entry = entryBody({ id: "e1" });
  const cases: Array<[string, Delivery, unknown]> = [
    // who
    ["no token", delivery(undefined, "NEW_TIME_ENTRY", entry), UNAUTHORIZED],
    ["an empty token", delivery("", "NEW_TIME_ENTRY", entry), UNAUTHORIZED],
    ["an unknown token", delivery("nope", "NEW_TIME_ENTRY", entry), UNAUTHORIZED],
    ["an unknown token with nothing else right", delivery("nope", undefined, "{"), UNAUTHORIZED],
    ["a 100 KB token", delivery("t".repeat(100 * 1024), "NEW_TIME_ENTRY", entry), UNAUTHORIZED],
    // which event
    ["no event type", delivery(TOKEN.SRC, undefined, entry), { kind: "reject", status: 400, error: "missing Clockify-Webhook-Event-Type header" }],
    ["an empty event type", delivery(TOKEN.SRC, "", entry), { kind: "reject", status: 400, error: "missing Clockify-Webhook-Event-Type header" }],
    ["a lower-case event type", delivery(TOKEN.SRC, "new_time_entry", entry), { kind: "reject", status: 400, error: "invalid Clockify-Webhook-Event-Type header" }],
    ["an event type with a digit", delivery(TOKEN.SRC, "NEW_TIME_ENTRY2", entry), { kind: "reject", status: 400, error: "invalid Clockify-Webhook-Event-Type header" }],
    ["a blank event type", delivery(TOKEN.SRC, "   ", entry), { kind: "reject", status: 400, error: "invalid Clockify-Webhook-Event-Type header" }],
    ["an unused event type with any body", delivery(TOKEN.SRC, "NEW_CLIENT", "not json"), { kind: "ignore", reason: "event NEW_CLIENT is not used" }],
    ["USER_UPDATED", delivery(TOKEN.DST, "USER_UPDATED", {}), { kind: "ignore", reason: "event USER_UPDATED is not used" }],
    ["a padded event type", delivery(TOKEN.SRC, " NEW_TIME_ENTRY\t", entry), store("acme/source/NEW_TIME_ENTRY/e1@" + WS.SRC, "globex/source/NEW_TIME_ENTRY/e1@" + WS.SRC)],
    // what
    ["invalid JSON", delivery(TOKEN.SRC, "NEW_TIME_ENTRY", '{"id":'), { kind: "reject", status: 400, error: "body is not valid JSON" }],
    ["an empty body", delivery(TOKEN.SRC, "NEW_TIME_ENTRY", ""), { kind: "reject", status: 400, error: "body is not valid JSON" }],
    ["a JSON array", delivery(TOKEN.SRC, "NEW_TIME_ENTRY", [entry]), { kind: "reject", status: 400, error: expect.stringMatching(/^invalid NEW_TIME_ENTRY body: \(root\): /) }],
    ["a JSON number", delivery(TOKEN.DST, "NEW_PROJECT", 7), { kind: "reject", status: 400, error: expect.stringMatching(/^invalid NEW_PROJECT body: \(root\): /) }],
    ["an entry without id", delivery(TOKEN.SRC, "TIMER_STOPPED", { ...entry, id: null }), { kind: "reject", status: 400, error: expect.stringMatching(/^invalid TIMER_STOPPED body: id: /) }],
    [
      "an entry whose start is not a date",
      delivery(TOKEN.SRC, "TIMER_STOPPED", { ...entry, timeInterval: { start: "2026-02-30T25:00:00Z" } }),
      { kind: "reject", status: 400, error: expect.stringMatching(/^invalid TIMER_STOPPED body: timeInterval\.start: /) },
    ],
    ["a project body under an entry event", delivery(TOKEN.SRC, "NEW_TIME_ENTRY", projectBody({ workspaceId: WS.SRC })), { kind: "reject", status: 400, error: expect.stringMatching(/^invalid NEW_TIME_ENTRY body: userId: /) }],
    ["a project without name", delivery(TOKEN.DST, "NEW_PROJECT", { ...projectBody(), name: null }), { kind: "reject", status: 400, error: expect.stringMatching(/^invalid NEW_PROJECT body: name: /) }],
    // from where
    ["an entry from another workspace than the token's", delivery(TOKEN.DST, "NEW_TIME_ENTRY", entry), mismatch],
    ["a project from another workspace than the token's", delivery(TOKEN.DST2, "NEW_PROJECT", projectBody({ workspaceId: WS.DST })), mismatch],
    ["a config secret outside its pair", delivery(CONFIG_SECRET, "NEW_PROJECT", projectBody({ workspaceId: WS.DST2 })), mismatch],
    ["a config secret for its source", delivery(CONFIG_SECRET, "TIMER_STOPPED", entry), store(`acme/source/TIMER_STOPPED/e1@${WS.SRC}`, `globex/source/TIMER_STOPPED/e1@${WS.SRC}`)],
    // to whom
    ["an entry of another user", delivery(TOKEN.SRC, "NEW_TIME_ENTRY", entryBody({ userId: OTHER_USER })), noPair],
    ["an entry of the second source", delivery(TOKEN.OTHER_SRC, "TIME_ENTRY_DELETED", entryBody({ id: "e2", workspaceId: WS.OTHER_SRC })), store(`initech/source/TIME_ENTRY_DELETED/e2@${WS.OTHER_SRC}`)],
    ["an entry of a destination workspace", delivery(TOKEN.DST, "NEW_TIME_ENTRY", entryBody({ workspaceId: WS.DST })), noPair],
    ["a destination NEW_PROJECT", delivery(TOKEN.DST, "NEW_PROJECT", projectBody({ id: "p1" })), store(`acme/destination/NEW_PROJECT/p1@${WS.DST}`, `initech/destination/NEW_PROJECT/p1@${WS.DST}`)],
    ["a destination PROJECT_UPDATED", delivery(TOKEN.DST2, "PROJECT_UPDATED", projectBody({ id: "p2", workspaceId: WS.DST2 })), store(`globex/destination/PROJECT_UPDATED/p2@${WS.DST2}`)],
    ["a source NEW_PROJECT of acme's client", delivery(TOKEN.SRC, "NEW_PROJECT", projectBody({ id: "p3", workspaceId: WS.SRC, clientId: CLIENT.ACME })), store(`acme/source/NEW_PROJECT/p3@${WS.SRC}`)],
    ["a source NEW_PROJECT of globex's client", delivery(TOKEN.SRC, "NEW_PROJECT", projectBody({ id: "p4", workspaceId: WS.SRC, clientId: CLIENT.GLOBEX })), store(`globex/source/NEW_PROJECT/p4@${WS.SRC}`)],
    ["a source NEW_PROJECT without client", delivery(TOKEN.SRC, "NEW_PROJECT", projectBody({ workspaceId: WS.SRC, clientId: "" })), noPair],
    ["a source NEW_PROJECT of an unmirrored client", delivery(TOKEN.SRC, "NEW_PROJECT", projectBody({ workspaceId: WS.SRC, clientId: "client-other" })), noPair],
    ["a source PROJECT_UPDATED", delivery(TOKEN.SRC, "PROJECT_UPDATED", projectBody({ workspaceId: WS.SRC, clientId: CLIENT.ACME })), noPair],
  ];

  it.each(cases)("decides on %s", (_name, input, expected) => {
    expect(shape(interpretDelivery(input, lookups))).toEqual(expected);
  });

  it("never consults the token book without a token, and stops at an unknown one", () => {
    const identify = vi.fn((token: string) => book.get(token));
    interpretDelivery(delivery(undefined, "NEW_TIME_ENTRY", entry), { pairs, identify });
    interpretDelivery(delivery("", "NEW_TIME_ENTRY", entry), { pairs, identify });
    expect(identify).not.toHaveBeenCalled();
    interpretDelivery(delivery("nope", "NEW_TIME_ENTRY", entry), { pairs, identify });
    expect(identify).toHaveBeenCalledExactlyOnceWith("nope");
  });

  it("keeps the body as received and keys each event by pair, side, event type and body", () => {
    const raw = ` ${JSON.stringify(entry)}\n`;
    const decide = (type: string, body: string) => {
      const decision = interpretDelivery(delivery(TOKEN.SRC, type, body), lookups);
      if (decision.kind !== "store") throw new Error(`expected store, got ${JSON.stringify(decision)}`);
      return decision.events;
    };
    const [acme, globex] = decide("TIME_ENTRY_UPDATED", raw);
    expect(acme?.body).toBe(raw);
    expect(globex?.body).toBe(raw);
    expect(acme?.dedupeKey).toMatch(/^[0-9a-f]{64}$/);
    expect(acme?.dedupeKey).not.toBe(globex?.dedupeKey);
    // Deterministic: a redelivery gets the same keys...
    expect(decide("TIME_ENTRY_UPDATED", raw).map((e) => e.dedupeKey)).toEqual([acme?.dedupeKey, globex?.dedupeKey]);
    // ...another event type or other bytes do not.
    expect(decide("TIME_ENTRY_DELETED", raw)[0]?.dedupeKey).not.toBe(acme?.dedupeKey);
    expect(decide("TIME_ENTRY_UPDATED", JSON.stringify(entry))[0]?.dedupeKey).not.toBe(acme?.dedupeKey);
  });

  describe("a TIME_ENTRY_DELETED body listing ids (guessed bulk-delete shapes)", () => {
    const decide = (token: string, body: Json) => interpretDelivery(delivery(token, "TIME_ENTRY_DELETED", body), lookups);
    const each = (...ids: string[]) => ids.flatMap((id) => [`acme/source/TIME_ENTRY_DELETED/${id}@${WS.SRC}`]);
    const both = (...ids: string[]) => [...each(...ids), ...ids.map((id) => `globex/source/TIME_ENTRY_DELETED/${id}@${WS.SRC}`)];

    it.each<[string, Json, unknown]>([
      ["an object with timeEntryIds", { workspaceId: WS.SRC, timeEntryIds: ["e1", "e2"] }, store(...both("e1", "e2"))],
      ["an object with ids and the user", { workspaceId: WS.SRC, userId: USER, ids: ["e1"] }, store(...both("e1"))],
      ["repeated ids, once each", { workspaceId: WS.SRC, timeEntryIds: ["e1", "e1"] }, store(...both("e1"))],
      ["a bare array (the token's one workspace)", ["e1", "e2"], store(...both("e1", "e2"))],
      ["another user's ids", { workspaceId: WS.SRC, userId: OTHER_USER, timeEntryIds: ["e1"] }, noPair],
      ["another workspace than the token's", { workspaceId: WS.DST, timeEntryIds: ["e1"] }, mismatch],
      ["an empty list", { workspaceId: WS.SRC, timeEntryIds: [] }, { kind: "reject", status: 400, error: expect.stringMatching(/^invalid TIME_ENTRY_DELETED body: /) }],
      ["an object without ids", { workspaceId: WS.SRC }, { kind: "reject", status: 400, error: expect.stringMatching(/^invalid TIME_ENTRY_DELETED body: /) }],
    ])("decides on %s", (_name, body, expected) => {
      expect(shape(decide(TOKEN.SRC, body))).toEqual(expected);
    });

    it("needs a workspaceId when the token speaks for several workspaces", () => {
      expect(decide(CONFIG_SECRET, ["e1"])).toEqual({
        kind: "reject",
        status: 400,
        error: "invalid TIME_ENTRY_DELETED body: (root): a list of ids needs a workspaceId",
      });
    });

    it("is accepted only as a delete: other entry events still need the entry", () => {
      const decision = interpretDelivery(delivery(TOKEN.SRC, "TIME_ENTRY_UPDATED", { workspaceId: WS.SRC, timeEntryIds: ["e1"] }), lookups);
      expect(decision.kind).toBe("reject");
    });

    it("keys the ids of one body apart, and a redelivery the same", () => {
      const keys = (d: IntakeDecision) => (d.kind === "store" ? d.events.map((e) => e.dedupeKey) : []);
      const first = keys(decide(TOKEN.SRC, { workspaceId: WS.SRC, timeEntryIds: ["e1", "e2"] }));
      expect(new Set(first).size).toBe(4);
      expect(keys(decide(TOKEN.SRC, { workspaceId: WS.SRC, timeEntryIds: ["e1", "e2"] }))).toEqual(first);
    });
  });

  it("keys a source and a destination event of the same body apart", () => {
    // A workspace that is globex's destination and initech's source.
    const chain = testConfig().pairs.map((p) => (p.id === "initech" ? { ...p, source: { ...p.source, workspaceId: WS.DST2, clientId: CLIENT.INITECH } } : p));
    const decision = interpretDelivery(delivery(TOKEN.DST2, "NEW_PROJECT", projectBody({ id: "p9", workspaceId: WS.DST2, clientId: CLIENT.INITECH })), {
      pairs: chain,
      identify: (t) => book.get(t),
    });
    expect(shape(decision)).toEqual(store(`globex/destination/NEW_PROJECT/p9@${WS.DST2}`, `initech/source/NEW_PROJECT/p9@${WS.DST2}`));
    if (decision.kind !== "store") return;
    expect(new Set(decision.events.map((e) => e.dedupeKey)).size).toBe(2);
  });
});

describe("event bodies", () => {
  const parse = (body: Record<string, Json>) => entryEventBodySchema.parse(body);

  it("sourceEntryFromEvent distrusts a body with projectId but no embedded project", () => {
    expect(sourceEntryFromEvent(parse(entryBody({ project: null })))).toBeNull();
    const { project: _dropped, ...withoutKey } = entryBody();
    expect(sourceEntryFromEvent(parse(withoutKey))).toBeNull();
  });

  it("sourceEntryFromEvent distrusts an embedded project other than projectId", () => {
    expect(sourceEntryFromEvent(parse(entryBody({ project: { id: "proj-other", name: "Other", clientId: CLIENT.ACME } })))).toBeNull();
  });

  it("normalises an empty clientId to null, in the embedded project and in a project body", () => {
    const entry = sourceEntryFromEvent(parse(entryBody({ project: { id: "proj-0000000000000000001", name: "Website", clientId: "" } })));
    expect(entry?.project).toEqual({ id: "proj-0000000000000000001", name: "Website", clientId: null });
    expect(projectEventBodySchema.parse(projectBody({ clientId: "" })).clientId).toBeNull();
    expect(projectEventBodySchema.parse(projectBody({ clientId: null })).clientId).toBeNull();
    expect(projectEventBodySchema.parse(projectBody({ clientId: CLIENT.ACME })).clientId).toBe(CLIENT.ACME);
  });

  it("reads an entry without project, running, with defaults for what the body leaves out", () => {
    const body = entryBody({ projectId: "", project: null, description: null, billable: null, tags: null, timeInterval: { start: "2026-11-20T09:00:00Z", end: null, duration: null } });
    expect(sourceEntryFromEvent(parse(body))).toEqual({
      id: "entry-0000000000000000001",
      workspaceId: WS.SRC,
      userId: USER,
      start: "2026-11-20T09:00:00Z",
      end: null,
      description: "",
      billable: false,
      project: null,
      taskName: null,
      tagNames: [],
    });
  });

  it("reads the captured restoretime body completely", () => {
    const raw = readFileSync(new URL("../fixtures/clockify/webhook-examples/TIME_ENTRY_DELETED.restoretime-s2-sanitized.json", import.meta.url), "utf8");
    expect(sourceEntryFromEvent(entryEventBodySchema.parse(JSON.parse(raw)))).toEqual({
      id: "ID_001",
      workspaceId: "WSID",
      userId: "UID1",
      start: "2026-08-07T22:40:00Z",
      end: "2026-08-07T23:40:00Z",
      description: "DSWH1_rich™ entry with &lt;b&gt;bold&lt;/b&gt; & emoji \u{1F680}\nline two ДСВХ1_рич",
      billable: true,
      project: { id: "PROJ_A", name: "DSWH1_richproj", clientId: "CLIENT_A" },
      taskName: "DSWH1_richtask",
      tagNames: ["DSWH1_tagA", "DSWH1_tagB"],
    });
  });
});

describe("a registered token is bound to its event", () => {
  const bound: IntakeLookups = {
    pairs,
    identify: (t) => (t === TOKEN.SRC ? { workspaces: new Set([WS.SRC]), events: new Set(["NEW_TIME_ENTRY"]) } : undefined),
  };
  const body = entryBody();
  it("accepts the registered event", () => {
    expect(interpretDelivery(delivery(TOKEN.SRC, "NEW_TIME_ENTRY", body), bound).kind).toBe("store");
  });
  it("rejects another event signed with the same token, storing nothing", () => {
    expect(interpretDelivery(delivery(TOKEN.SRC, "TIME_ENTRY_DELETED", body), bound)).toEqual({
      kind: "reject",
      status: 400,
      error: "event type does not match the webhook's registration",
    });
  });
});
