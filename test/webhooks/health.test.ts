import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OTHER_USER, TOKEN, WS, entryBody, inboxRows, projectBody, startRouteService } from "./harness.js";
import type { ServiceHarness } from "../helpers/harness.js";

let env: ServiceHarness;
let base: string;
let port: number;
beforeEach(async () => {
  env = await startRouteService();
  // The production path: a real server on a port, and the worker running (health requires it).
  const server = await env.service.listen(0, "127.0.0.1");
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterEach(async () => {
  await env.close();
});

/** Writes raw bytes on a fresh connection and resolves with whatever comes back before it closes. */
function raw(bytes: string, { hangUpAfterWrite = false } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("error", () => resolve(answer));
    socket.on("close", () => resolve(answer));
    socket.write(bytes, () => {
      if (hangUpAfterWrite) socket.destroy();
      else socket.end();
    });
    socket.setTimeout(2000, () => socket.destroy());
  });
}

const hook = (token: string | undefined, event: string | undefined) => {
  let req = request(base).post("/webhooks/clockify").set("Content-Type", "application/json");
  if (token !== undefined) req = req.set("Clockify-Signature", token);
  if (event !== undefined) req = req.set("Clockify-Webhook-Event-Type", event);
  return req;
};

describe("after a stream of bad requests", () => {
  it("still reports healthy, has stored nothing, and still takes deliveries", async () => {
    const valid = JSON.stringify(entryBody());
    const statuses: number[] = [];
    const expectStatus = async (status: number, pending: PromiseLike<{ status: number }>) => {
      const res = await pending;
      statuses.push(res.status);
      expect(res.status).toBe(status);
    };

    for (let i = 0; i < 8; i++) await expectStatus(401, hook(`guess-${i}-${"x".repeat(i * 100)}`, "NEW_TIME_ENTRY").send(valid));
    await expectStatus(401, hook(undefined, undefined).send(valid));
    await expectStatus(431, hook("h".repeat(64 * 1024), "NEW_TIME_ENTRY").send(valid));
    await expectStatus(400, hook(TOKEN.SRC, undefined).send(valid));
    await expectStatus(400, hook(TOKEN.SRC, "new_time_entry").send(valid));
    await expectStatus(400, hook(TOKEN.SRC, "NEW_TIME_ENTRY").send(valid.slice(0, 40)));
    await expectStatus(400, hook(TOKEN.SRC, "NEW_TIME_ENTRY").send(""));
    await expectStatus(400, hook(TOKEN.SRC, "NEW_TIME_ENTRY").send("[1,2,3]"));
    await expectStatus(400, hook(TOKEN.SRC, "NEW_TIME_ENTRY").send(JSON.stringify(entryBody({ id: null }))));
    await expectStatus(400, hook(TOKEN.SRC, "TIMER_STOPPED").send(JSON.stringify(entryBody({ timeInterval: { start: "soon" } }))));
    await expectStatus(400, hook(TOKEN.DST, "NEW_TIME_ENTRY").send(valid));
    await expectStatus(400, hook(TOKEN.SRC, "NEW_PROJECT").send(JSON.stringify(projectBody({ workspaceId: WS.DST }))));
    // A body claiming gzip that is not, and an encoding nobody supports.
    await expectStatus(400, hook(TOKEN.SRC, "NEW_TIME_ENTRY").set("Content-Encoding", "gzip").send(valid));
    await expectStatus(415, hook(TOKEN.SRC, "NEW_TIME_ENTRY").set("Content-Encoding", "compress").send(valid));
    await expectStatus(413, hook(TOKEN.SRC, "NEW_TIME_ENTRY").send(" ".repeat(1024 * 1024 + 1)));
    // A stranger's body is not read at all: the token decides first.
    await expectStatus(401, hook("nobody", "NEW_TIME_ENTRY").send(" ".repeat(2 * 1024 * 1024)));
    await expectStatus(404, request(base).get("/webhooks/clockify"));
    await expectStatus(404, request(base).put("/webhooks/clockify").send(valid));

    // Below HTTP: garbage, a body cut short, and a client that hangs up mid-body.
    expect(await raw("HELLO WORLD\r\n\r\n")).toMatch(/^HTTP\/1\.1 400 /);
    const head = (length: number) =>
      `POST /webhooks/clockify HTTP/1.1\r\nHost: x\r\nClockify-Signature: ${TOKEN.SRC}\r\nClockify-Webhook-Event-Type: NEW_TIME_ENTRY\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
    await raw(head(valid.length) + valid.slice(0, 30));
    await raw(head(valid.length) + valid.slice(0, 30), { hangUpAfterWrite: true });
    await raw(`${head(5)}{}{}{}{}{}{}`);
    expect(statuses.length).toBeGreaterThanOrEqual(25);

    expect(inboxRows(env.database)).toEqual([]);
    const health = await request(base).get("/healthz");
    expect(health.status).toBe(200);
    expect(health.body).toEqual({
      status: "ok",
      database: "ok",
      storage: { intake: "ok", worker: "ok" },
      worker: "running",
      inboxDepth: 0,
      oldestPendingAgeSeconds: 0,
      deadLetters: 0,
      problems: [],
    });

    // Intake still authenticates, parses and routes: an entry of a user no pair mirrors goes all the way.
    const ignored = await hook(TOKEN.SRC, "NEW_TIME_ENTRY").send(JSON.stringify(entryBody({ userId: OTHER_USER })));
    expect(ignored.status).toBe(200);
    expect(ignored.body).toEqual({ ignored: "no pair concerns this event" });
  });

  it("reports unhealthy (503) once the worker is stopped", async () => {
    await env.service.worker.stop();
    const health = await request(base).get("/healthz");
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: "unhealthy", worker: "stopped", database: "ok" });
  });
});
