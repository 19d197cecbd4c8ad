import { hostname } from "node:os";

interface Holder {
  host: string;
  pid: number;
}

/** Lease owners are `host:pid:random` (src/db/leases.ts, src/instance-lock.ts). */
function parseOwner(owner: string): Holder | undefined {
  const match = /^(.*):(\d+):[0-9a-f]+$/.exec(owner);
  return match?.[1] !== undefined && match[2] !== undefined ? { host: match[1], pid: Number(match[2]) } : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether a lease's holder is gone, so the lease can be taken before it expires: a process of this host
 * that no longer runs (a crash, a SIGKILL). Our own pid under an owner that is not one of `liveHere` is
 * a previous life of this container (pid 1 again after a restart). Holders on other hosts are never
 * judged: only their lease's expiry tells.
 */
export function leaseHolderIsGone(owner: string, liveHere: ReadonlySet<string>): boolean {
  const holder = parseOwner(owner);
  if (!holder || holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return !liveHere.has(owner);
  return !processAlive(holder.pid);
}

/** "host, pid 123" for a message. */
export function describeHolder(owner: string): string {
  const holder = parseOwner(owner);
  return holder ? `${holder.host}, pid ${holder.pid}` : owner;
}
