import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";

export const CHILD_WS = { SRC: "ws-src-000000000000000001", DST: "ws-dst-000000000000000001" } as const;
export const CHILD_USER = "user-000000000000000000001";
/** acme's webhook secret in the child's config: the token of every valid delivery. */
export const CHILD_SECRET = "child-Secret-0f9e8d7c6b5a49382716";

export interface ChildService extends ServerProcess {
  /** VmRSS and VmHWM (peak) of the server process, in MiB, from /proc. */
  memory(): { rssMiB: number; peakMiB: number };
}

/** `node --import tsx src/cli/main.ts serve` on a temp config and database, on 127.0.0.1, up and healthy. */
export async function startChildService(env: Record<string, string> = {}): Promise<ChildService> {
  const server = await startServerProcess({
    config: {
      pairs: [
        {
          id: "acme",
          source: { apiKey: "child-api-key", workspaceId: CHILD_WS.SRC, userId: CHILD_USER, clientId: "client-1" },
          destination: { workspaceId: CHILD_WS.DST },
          webhookSecrets: [CHILD_SECRET],
        },
      ],
    },
    // Nothing listens there; the worker's calls fail fast and nothing here depends on them.
    apiUrl: "http://127.0.0.1:9/api/v1",
    env: { LOG_LEVEL: "warn", ...env },
  });
  await server.ready();
  return {
    ...server,
    memory() {
      const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
      const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
      return { rssMiB: kib("VmRSS") / 1024, peakMiB: kib("VmHWM") / 1024 };
    },
  };
}

/** Opens a connection to 127.0.0.1:port and resolves once it is established (or failed). */
export function open(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => undefined);
    socket.once("connect", () => resolve(socket));
    socket.once("error", () => resolve(socket));
  });
}

export function entryJson(id: string): string {
  return JSON.stringify({
    id,
    workspaceId: CHILD_WS.SRC,
    userId: CHILD_USER,
    description: "valid delivery",
    projectId: null,
    timeInterval: { start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:00:00Z" },
  });
}
