// Keeps the http_request tool away from Baton's own network: loopback, private ranges, cloud
// metadata and the like. The host is resolved once, every address it resolves to is checked,
// and the caller connects to the address returned here, never to the name, so a DNS answer that
// changes between the check and the connection (rebinding) cannot reach a refused address.
// The admin's allowlist (allowlist.ts: names, addresses and ranges, each for given ports) opens holes;
// an opening (one exact origin and path prefix, e.g. Baton's own demo sources) opens a narrower one.
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { ToolError } from "../types";
import { addressAllowlisted, effectivePort, nameAllowlisted, parseAllowlist } from "./allowlist";
import { refusalReason } from "./ip-address";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all of its addresses. Injectable so tests never touch real DNS. */
export type LookupFn = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemLookup: LookupFn = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, order: "verbatim" });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/** Refuses anything but http(s) URLs without embedded credentials. */
export function checkUrlShape(url: URL): void {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ToolError(`Refused: only http:// and https:// URLs are supported, not ${url.protocol}//.`);
  }
  if (url.username || url.password) {
    throw new ToolError("Refused: put credentials in an Authorization header, not in the URL.");
  }
}

/** The host as DNS or an IP literal expects it: no IPv6 brackets, no trailing dot, lower case. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "").toLowerCase();
}

function refusal(hostname: string, address: string, reason: string, port: number): ToolError {
  const subject = hostname === address ? address : `${hostname} resolves to ${address}, which`;
  const how = port === 80 || port === 443 ? "it" : `it with its port (${hostname.includes(":") ? `[${hostname}]` : hostname}:${port})`;
  return new ToolError(`Refused: ${subject} is ${reason}; ask the admin to allowlist ${how} if this is intended.`);
}

function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Lets through URLs of exactly this origin (scheme, host, port) whose path starts with the prefix. */
export interface EgressOpening {
  origin: string;
  pathPrefix: string;
}

/**
 * True when the URL is inside an opening. The URL parser has already resolved dot segments
 * ("/demo/../api" is "/api", "%2e%2e" too); a path with any other escape is refused, so an
 * encoded slash or dot cannot step out of the prefix on a server that decodes it.
 */
export function insideOpening(url: URL, openings: readonly EgressOpening[]): boolean {
  if (url.username || url.password || url.pathname.includes("%")) return false;
  return openings.some((opening) => url.origin === new URL(opening.origin).origin && url.pathname.startsWith(opening.pathPrefix));
}

export interface PinOptions {
  allowlist: readonly string[];
  /** Exact origin + path prefix exceptions, checked before any address is refused. */
  openings?: readonly EgressOpening[];
  lookup?: LookupFn;
  signal?: AbortSignal;
}

/**
 * Checks the URL and resolves its host exactly once. Returns the address to connect to; throws
 * a ToolError if the URL is not http(s) or if any address the host resolves to is refused.
 */
export async function resolvePinnedAddress(url: URL, options: PinOptions): Promise<ResolvedAddress> {
  checkUrlShape(url);
  const hostname = bareHostname(url);
  const allowlist = parseAllowlist(options.allowlist);
  const port = effectivePort(url);

  // An IP literal (the URL parser has already turned "2130706433" or "0x7f.1" into 127.0.0.1) needs no DNS.
  const literalFamily = isIP(hostname);
  let addresses: ResolvedAddress[];
  if (literalFamily) {
    addresses = [{ address: hostname, family: literalFamily === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await abortable((options.lookup ?? systemLookup)(hostname), options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new ToolError(`Could not resolve ${hostname}: check the host name.`, { cause: error });
    }
  }
  const [first] = addresses;
  if (!first) throw new ToolError(`Could not resolve ${hostname}: no addresses found.`);

  if (!nameAllowlisted(hostname, port, allowlist) && !insideOpening(url, options.openings ?? [])) {
    for (const { address } of addresses) {
      const reason = refusalReason(address);
      if (reason && !addressAllowlisted(address, port, allowlist)) throw refusal(hostname, address, reason, port);
    }
  }
  // The family comes from the address itself, not from whatever the resolver claimed.
  return { address: first.address, family: isIP(first.address) === 6 ? 6 : 4 };
}
