import { createServer } from "node:net";
import { UsageError } from "../config/errors.js";

export interface PortChoice {
  port: number;
  /** Given by --port or PORT: then a busy port is an error to report, not a reason to pick another. */
  asked: boolean;
  /** Where the port came from, as an error message names it. */
  from: "--port" | "PORT" | "default";
}

const PORT_EXPECTED = "expected an integer between 0 and 65535 (0 picks a free port)";

function parsePort(value: string, name: "--port" | "PORT"): number {
  // Digits only: Number() would also take " 80", "0x50" and "1e3".
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`${name}: ${PORT_EXPECTED}, got ${JSON.stringify(value)}`);
  return port;
}

/** The flag wins over the environment, the environment over the default. `PORT=` counts as unset. */
export function choosePort(flag: string | undefined, env: string | undefined, fallback: number): PortChoice {
  if (flag !== undefined) return { port: parsePort(flag, "--port"), asked: true, from: "--port" };
  if (env !== undefined && env !== "") return { port: parsePort(env, "PORT"), asked: true, from: "PORT" };
  return { port: fallback, asked: false, from: "default" };
}

/** Whether a listen on port/host would succeed now (port 0 always does). */
export function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}
