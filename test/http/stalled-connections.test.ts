import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CHILD_SECRET, entryJson, open, startChildService, type ChildService } from "./child-service.js";

const MIB = 1024 * 1024;
const BODY_SENDERS = 1500;
const HEADER_STALLERS = 500;
/** The bound: 250 MB (about 238 MiB). */
const RSS_LIMIT_MIB = 250e6 / MIB;

let service: ChildService | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await service?.stop();
  service = undefined;
});

const until = async (deadline: number, done: () => boolean) => {
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
};

/**
 * The attack of the Hardening issue, item 9, against the real server process: connections that send a
 * wrong token and (almost) 1 MiB of body, then stall, and connections that stall inside their headers.
 */
describe("2,000 stalled unauthenticated connections", () => {
  it("keep the server's RSS under 250 MB, get a 401 without their body being read, and valid deliveries flow", async () => {
    service = await startChildService();
    const { port } = service;
    const before = service.memory();

    // One shared buffer: the test process itself must not hold 1.5 GB.
    const body = Buffer.alloc(MIB - 1, 0x20);
    const head =
      `POST /webhooks/clockify HTTP/1.1\r\nHost: 127.0.0.1\r\nClockify-Signature: wrong-token-0000000000000000000000\r\n` +
      `Clockify-Webhook-Event-Type: NEW_TIME_ENTRY\r\nContent-Type: application/json\r\nContent-Length: ${MIB}\r\n\r\n`;
    const answers = new Map<Socket, string>();
    const closed = new Set<Socket>();
    const track = (socket: Socket) => {
      sockets.push(socket);
      answers.set(socket, "");
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => answers.set(socket, (answers.get(socket) ?? "") + chunk));
      socket.on("close", () => closed.add(socket));
      return socket;
    };

    const senders: Socket[] = [];
    const stallers: Socket[] = [];
    for (let batch = 0; batch < (BODY_SENDERS + HEADER_STALLERS) / 200; batch++) {
      const opened = await Promise.all(Array.from({ length: 200 }, () => open(port)));
      for (const socket of opened) {
        track(socket);
        if (senders.length < BODY_SENDERS) {
          senders.push(socket);
          socket.write(head);
          socket.write(body);
        } else {
          stallers.push(socket);
          socket.write("POST /webhooks/clockify HTTP/1.1\r\nHost: 127.0.0.1\r\nClockify-Signature: x");
        }
      }
    }
    // Every sender has either had its bytes taken (the old server read them all) or been answered and cut.
    await until(Date.now() + 15_000, () => senders.every((s) => closed.has(s) || s.writableLength === 0));

    // Meanwhile, Clockify's deliveries go through.
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/clockify`, {
        method: "POST",
        headers: { "content-type": "application/json", "clockify-signature": CHILD_SECRET, "clockify-webhook-event-type": "NEW_TIME_ENTRY" },
        body: entryJson(`entry-valid-${i}`),
        signal: AbortSignal.timeout(5000),
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    const validMs = Date.now() - started;
    const during = service.memory();

    const answered401 = senders.filter((s) => (answers.get(s) ?? "").startsWith("HTTP/1.1 401 ")).length;
    const stallersOpen = stallers.filter((s) => !closed.has(s)).length;
    for (const s of sockets.splice(0)) s.destroy();
    await new Promise((r) => setTimeout(r, 500));
    const after = service.memory();

    console.log(
      `stalled connections: RSS ${before.rssMiB.toFixed(0)} MiB before, ${during.rssMiB.toFixed(0)} MiB during ` +
        `(peak ${during.peakMiB.toFixed(0)}), ${after.rssMiB.toFixed(0)} MiB after they closed; ` +
        `${answered401}/${BODY_SENDERS} senders answered 401; ${stallersOpen}/${HEADER_STALLERS} header stallers still open; ` +
        `20 valid deliveries in ${validMs} ms`,
    );
    expect(statuses).toEqual(Array.from({ length: 20 }, () => 200));
    expect(during.peakMiB).toBeLessThan(RSS_LIMIT_MIB);
    expect(after.rssMiB).toBeLessThan(RSS_LIMIT_MIB);
    // A sender sees a 401 as soon as its headers are in; its body is never read. (A few may see the reset
    // of the close before they read the answer, which is why this is not all of them.)
    expect(answered401).toBeGreaterThan(BODY_SENDERS * 0.9);
    // Header stallers are held until headersTimeout (10 s), not cut early.
    expect(stallersOpen).toBe(HEADER_STALLERS);
  }, 60_000);
});
