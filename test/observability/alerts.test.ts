import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Alerter } from "../../src/observability/alerts.js";
import { memoryLogger } from "../helpers/logs.js";

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local Slack-style receiver: records every request, answers with `status`. */
const receiver = {
  server: undefined as Server | undefined,
  base: "",
  status: 200,
  received: [] as Received[],
};

function capture() {
  const { logger, logs: lines } = memoryLogger("debug");
  return { lines, logger };
}

/** The hook path stands for the secret a real webhook URL carries. */
const SECRET = "T000-B000-XXsecretXX";
const hookUrl = () => `${receiver.base}/services/${SECRET}`;

beforeAll(async () => {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      receiver.received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.statusCode = receiver.status;
      res.end(receiver.status < 300 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.server = server;
  receiver.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  const server = receiver.server;
  if (server) await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
});

beforeEach(() => {
  receiver.status = 200;
  receiver.received.length = 0;
});

/** A port that refuses connections: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const T0 = Date.parse("2026-11-21T03:00:00Z");

describe("Alerter", () => {
  it("posts a Slack-compatible JSON text, prefixed with the service name", async () => {
    const { logger } = capture();
    const alerter = new Alerter(hookUrl(), logger);
    await expect(alerter.alert("reconcile-failed:acme", "reconciliation of acme failed", T0)).resolves.toBe(true);
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(got?.method).toBe("POST");
    expect(got?.url).toBe(`/services/${SECRET}`);
    expect(got?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(got?.body ?? "null")).toEqual({ text: "clockify-sync: reconciliation of acme failed" });
  });

  it("sends the same problem once within the quiet period, and a different problem regardless", async () => {
    const { logger } = capture();
    const alerter = new Alerter(hookUrl(), logger);
    expect(await alerter.alert("reconcile-failed:acme", "first", T0)).toBe(true);
    expect(await alerter.alert("reconcile-failed:acme", "second", T0 + 60_000)).toBe(false);
    expect(await alerter.alert("reconcile-failed:acme", "third", T0 + 3_599_999)).toBe(false);
    expect(await alerter.alert("reconcile-failed:globex", "other pair", T0 + 60_000)).toBe(true);
    expect(receiver.received.map((r) => (JSON.parse(r.body) as { text: string }).text)).toEqual([
      "clockify-sync: first",
      "clockify-sync: other pair",
    ]);
  });

  it("sends the same problem again once the quiet period (an hour by default) has passed", async () => {
    const { logger } = capture();
    const alerter = new Alerter(hookUrl(), logger);
    expect(await alerter.alert("p", "one", T0)).toBe(true);
    expect(await alerter.alert("p", "two", T0 + 3_600_000)).toBe(true);
    expect(await alerter.alert("p", "three", T0 + 3_600_001)).toBe(false);
    expect(receiver.received).toHaveLength(2);
  });

  it("honours a custom quiet period", async () => {
    const { logger } = capture();
    const alerter = new Alerter(hookUrl(), logger, 1_000);
    expect(await alerter.alert("p", "one", T0)).toBe(true);
    expect(await alerter.alert("p", "two", T0 + 999)).toBe(false);
    expect(await alerter.alert("p", "three", T0 + 1_000)).toBe(true);
    expect(receiver.received.map((r) => (JSON.parse(r.body) as { text: string }).text)).toEqual([
      "clockify-sync: one",
      "clockify-sync: three",
    ]);
  });

  it("without a URL logs the problem, sends nothing and returns false", async () => {
    const { lines, logger } = capture();
    for (const url of [undefined, ""]) {
      const alerter = new Alerter(url, logger);
      expect(await alerter.alert("reconcile-failed:acme", "nobody to tell", T0)).toBe(false);
    }
    expect(receiver.received).toHaveLength(0);
    const logged = lines.map((l) => JSON.parse(l) as { level: number; msg: string; problem?: string });
    expect(logged.filter((l) => l.msg === "nobody to tell" && l.problem === "reconcile-failed:acme" && l.level === 50)).toHaveLength(2);
  });

  it("returns false, without throwing, when the receiver answers 500; the URL stays out of the log", async () => {
    receiver.status = 500;
    const { lines, logger } = capture();
    const alerter = new Alerter(hookUrl(), logger);
    await expect(alerter.alert("p", "receiver down", T0)).resolves.toBe(false);
    expect(receiver.received).toHaveLength(1);
    const text = lines.join("");
    expect(text).toContain("500");
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(hookUrl());
  });

  it("returns false, without throwing, when the connection is refused; the URL stays out of the log", async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/services/${SECRET}`;
    const { lines, logger } = capture();
    const alerter = new Alerter(url, logger);
    await expect(alerter.alert("p", "nobody listening", T0)).resolves.toBe(false);
    const logged = lines.map((l) => JSON.parse(l) as { level: number; msg: string; err?: string });
    expect(logged.some((l) => l.level === 40 && l.msg === "alert could not be sent" && typeof l.err === "string")).toBe(true);
    const text = lines.join("");
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(url);
  });

  it("returns false, without throwing, for a URL that cannot be parsed; the URL stays out of the log", async () => {
    const url = `not a url/${SECRET}`;
    const { lines, logger } = capture();
    const alerter = new Alerter(url, logger);
    await expect(alerter.alert("p", "bad url", T0)).resolves.toBe(false);
    expect(lines.join("")).not.toContain(SECRET);
  });
});
