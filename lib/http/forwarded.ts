// Who is on the other end of a request. Next.js keeps an X-Forwarded-For (and -Host, -Proto) that
// the client sent itself, so a client could name any address it liked and rotate past the
// per-address rate limits. Baton's web server (scripts/web-server.ts) decides here, from the
// socket: a request from a configured trusted proxy keeps the proxy's forwarded headers and its
// client is the nearest untrusted address in X-Forwarded-For; from anyone else, forwarded headers
// are dropped and the socket's address is the client.
import type { IncomingHttpHeaders } from "node:http";
import { inCidr, parseCidr, parseIp, unmapIpv4, type Cidr } from "@/lib/tools/http/ip-address";

/** Set by Baton's web server on every request; a client cannot send it (it is overwritten). */
export const CLIENT_IP_HEADER = "x-baton-client-ip";

const FORWARDED_HEADERS = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip"];

export function parseTrustedProxies(entries: readonly string[]): Cidr[] {
  return entries.flatMap((entry) => {
    const cidr = parseCidr(entry.includes("/") ? entry : `${entry}/${entry.includes(":") ? 128 : 32}`);
    return cidr ? [cidr] : [];
  });
}

function trusted(address: string, proxies: readonly Cidr[]): boolean {
  const bytes = parseIp(address.replace(/^\[(.*)\]$/, "$1"));
  if (!bytes) return false;
  return proxies.some((cidr) => inCidr(bytes, cidr) || inCidr(unmapIpv4(bytes), cidr));
}

/** Rewrites a request's headers in place for the socket's address `peer`. */
export function applyPeer(headers: IncomingHttpHeaders, peer: string, proxies: readonly Cidr[]): void {
  const address = peer.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
  if (!trusted(address, proxies)) {
    for (const name of FORWARDED_HEADERS) delete headers[name];
    headers[CLIENT_IP_HEADER] = address;
    return;
  }
  const chain = String(headers["x-forwarded-for"] ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const client = chain.reverse().find((entry) => !trusted(entry, proxies));
  headers[CLIENT_IP_HEADER] = client ?? address;
}
