import { createServer } from "node:http";
import { request } from "undici";
import { startSimulator } from "../../src/sandbox/index.js";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SimUser, Simulator, SimulatorOptions } from "../../src/sandbox/index.js";

export interface Answer<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

/** One real HTTP call to the simulator's API; `path` is relative to apiBaseUrl. */
export async function call<T = unknown>(
  sim: Simulator,
  apiKey: string | undefined,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  json?: unknown,
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (apiKey !== undefined) headers["x-api-key"] = apiKey;
  if (json !== undefined) headers["content-type"] = "application/json";
  const res = await request(`${sim.apiBaseUrl}${path}`, {
    method,
    headers,
    body: json === undefined ? undefined : typeof json === "string" ? json : JSON.stringify(json),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

export interface TestWorld {
  sim: Simulator;
  owner: SimUser;
  member: SimUser;
  outsider: SimUser;
  /** PRO workspace owned by `owner`, with `member` as MEMBER. */
  ws: string;
  /** FREE workspace owned by `outsider`. */
  foreignWs: string;
}

export async function startWorld(options: SimulatorOptions = {}): Promise<TestWorld> {
  const sim = await startSimulator({ webhookRetryDelayMs: 20, ...options });
  const owner = sim.world.addUser({ name: "Olivia Owner" });
  const member = sim.world.addUser({ name: "Max Member", timeZone: "Europe/Belgrade" });
  const outsider = sim.world.addUser({ name: "Oscar Outsider" });
  const ws = sim.world.addWorkspace({ name: "Agency", ownerId: owner.id, plan: "PRO" }).id;
  sim.world.addMember(ws, member.id, "MEMBER");
  const foreignWs = sim.world.addWorkspace({ name: "Elsewhere", ownerId: outsider.id }).id;
  return { sim, owner, member, outsider, ws, foreignWs };
}

export interface Received {
  headers: IncomingHttpHeaders;
  /** The raw body, to compare attempts byte for byte. */
  body: string;
  at: number;
}

/** A webhook endpoint that records every POST and answers with queued statuses (then 200). */
export class Receiver {
  readonly received: Received[] = [];
  readonly statuses: number[] = [];
  url = "";
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: performance.now() });
      res.statusCode = this.statuses.shift() ?? 200;
      res.end();
    });
  });

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", resolve));
    const { port } = receiver.server.address() as AddressInfo;
    receiver.url = `http://127.0.0.1:${port}/hook`;
    return receiver;
  }

  bodies<T = Record<string, unknown>>(): T[] {
    return this.received.map((r) => JSON.parse(r.body) as T);
  }

  events(): string[] {
    return this.received.map((r) => String(r.headers["clockify-webhook-event-type"]));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface EntryBody {
  id: string;
  description: string;
  userId: string;
  billable: boolean;
  projectId: string | null;
  taskId: string | null;
  tagIds: string[] | null;
  timeInterval: { start: string; end: string | null; duration: string | null };
}

export interface ErrorBody {
  message: string;
  code: number;
}
