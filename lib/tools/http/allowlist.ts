// The admin's allowlist (BATON_HTTP_ALLOWLIST, BATON_PUSH_ALLOWLIST): host names, "*.suffix"
// patterns, addresses and CIDR ranges, each optionally with a port ("localhost:8080") or every
// port (":*"). Without one an entry opens only the web ports 80 and 443: allowlisting "localhost"
// for a web app on it must not also open the Postgres, Inngest or admin ports on that machine.
import { isIP } from "node:net";
import { inCidr, parseCidr, parseIp, unmapIpv4, type Cidr } from "./ip-address";

type Ports = "web" | "any" | number;

type Target = { kind: "host"; host: string } | { kind: "suffix"; suffix: string } | { kind: "range"; range: Cidr };

export type AllowlistEntry = Target & { ports: Ports };

const WEB_PORTS = [80, 443];

/** "host:8080" or "host:*"; a bare IPv6 address ("::1", "fd00::/8") has colons of its own and no port. */
function splitPort(entry: string): { target: string; ports: Ports } {
  const match = /^(.*):(\d{1,5}|\*)$/.exec(entry);
  if (!match || (match[1]!.includes(":") && !match[1]!.startsWith("["))) return { target: entry, ports: "web" };
  const port = match[2] === "*" ? "any" : Number(match[2]);
  return { target: match[1]!, ports: port };
}

function parseTarget(text: string): Target | null {
  const cidr = parseCidr(text.replace(/^\[(.*)\]/, "$1"));
  if (cidr) return { kind: "range", range: cidr };
  if (text.startsWith("*.")) return { kind: "suffix", suffix: text.slice(1) };
  // Anything else that looks like an address or range but did not parse is ignored rather than read as a name.
  if (text.includes("/") || text.includes(":") || text.includes("[")) return null;
  return { kind: "host", host: text };
}

export function parseAllowlist(entries: readonly string[]): AllowlistEntry[] {
  return entries.flatMap((raw) => {
    const { target, ports } = splitPort(raw.trim().toLowerCase());
    if (typeof ports === "number" && (ports < 1 || ports > 65535)) return [];
    const parsed = parseTarget(target.replace(/\.$/, ""));
    return parsed ? [{ ...parsed, ports }] : [];
  });
}

/** The port a URL connects to, defaults included. */
export function effectivePort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

function opensPort(entry: AllowlistEntry, port: number): boolean {
  if (entry.ports === "any") return true;
  if (entry.ports === "web") return WEB_PORTS.includes(port);
  return entry.ports === port;
}

/** True when a name entry covers this host name on this port (addresses are checked by addressAllowlisted). */
export function nameAllowlisted(hostname: string, port: number, allowlist: readonly AllowlistEntry[]): boolean {
  return allowlist.some(
    (entry) =>
      opensPort(entry, port) &&
      ((entry.kind === "host" && entry.host === hostname) || (entry.kind === "suffix" && hostname.endsWith(entry.suffix))),
  );
}

export function addressAllowlisted(address: string, port: number, allowlist: readonly AllowlistEntry[]): boolean {
  const bytes = parseIp(address);
  if (!bytes) return false;
  const candidates = [bytes, unmapIpv4(bytes)];
  return allowlist.some((entry) => entry.kind === "range" && opensPort(entry, port) && candidates.some((candidate) => inCidr(candidate, entry.range)));
}

function hostnameOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "").toLowerCase();
}

/** True when the URL's own host (a name, or an IP literal) and port are on the allowlist; DNS is not consulted. */
export function urlAllowlisted(url: URL, entries: readonly string[]): boolean {
  const hostname = hostnameOf(url);
  const allowlist = parseAllowlist(entries);
  const port = effectivePort(url);
  return nameAllowlisted(hostname, port, allowlist) || (isIP(hostname) !== 0 && addressAllowlisted(hostname, port, allowlist));
}

/**
 * True when a name entry covers the URL's host and port. Only names vouch for a destination:
 * a range says which private addresses tools may reach, not who may receive the task's data.
 */
export function urlAllowlistedByName(url: URL, entries: readonly string[]): boolean {
  return nameAllowlisted(hostnameOf(url), effectivePort(url), parseAllowlist(entries));
}
