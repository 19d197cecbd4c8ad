import { isIPv4, isIPv6 } from "node:net";
import type { IncomingMessage } from "node:http";

/** The peer's address as the socket reports it; `trust proxy` is off, so no header can change it. */
export function peerAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "";
}

/** IPv4 as is (also when mapped into IPv6), IPv6 as its /64: one host usually holds a whole /64. */
export function throttleKey(address: string): string {
  const v4 = unmapped(address);
  if (isIPv4(v4)) return v4;
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(":")}::/64`;
}

/** 127.0.0.0/8 and ::1, also in their IPv4-mapped form. */
export function isLoopbackAddress(address: string): boolean {
  const v4 = unmapped(address);
  if (isIPv4(v4)) return v4.startsWith("127.");
  return isIPv6(address) && expandIPv6(address).every((group, i) => (i === 7 ? group === "1" : group === "0"));
}

/**
 * Whether the request reached us through a proxy: a reverse proxy on the same host connects from
 * loopback on behalf of anybody, so such a request must not count as local.
 */
export function isForwarded(req: IncomingMessage): boolean {
  const h = req.headers;
  return h["forwarded"] !== undefined || h["x-forwarded-for"] !== undefined || h["x-real-ip"] !== undefined;
}

/** A request from this host itself, not relayed by a proxy. */
export function isLocalRequest(req: IncomingMessage): boolean {
  return isLoopbackAddress(peerAddress(req)) && !isForwarded(req);
}

function unmapped(address: string): string {
  return address.toLowerCase().startsWith("::ffff:") ? address.slice(7) : address;
}

/** Eight groups, lower case, without leading zeros; an embedded IPv4 tail counts as its two groups. */
function expandIPv6(address: string): string[] {
  const withoutZone = address.split("%")[0] ?? "";
  const [head = "", tail] = withoutZone.toLowerCase().split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":").flatMap(groupsOf));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => "0");
  return [...left, ...zeros, ...right].map((g) => g.replace(/^0+(?=.)/, ""));
}

function groupsOf(part: string): string[] {
  if (!isIPv4(part)) return [part];
  const [a = 0, b = 0, c = 0, d = 0] = part.split(".").map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
