// Decides whether the browser may reach a URL. Two lists must both agree: the run's allowlist
// (the playbook's and the user's origins) names where a run may go at all, and the SSRF rules
// (lib/tools/http) keep it off Baton's own network unless the admin's BATON_HTTP_ALLOWLIST opens
// an address. Only http(s) goes on the network; every other scheme is refused as a navigation.
import { isIP } from "node:net";
import { ToolError } from "@/lib/tools/types";
import { addressAllowlisted, effectivePort, nameAllowlisted, parseAllowlist, urlAllowlisted } from "@/lib/tools/http/allowlist";
import { refusalReason } from "@/lib/tools/http/ip-address";
import { bareHostname, resolvePinnedAddress, type LookupFn, type ResolvedAddress } from "@/lib/tools/http/ssrf-guard";

export interface DestinationRules {
  /** The run's origins, in the allowlist format: "portal.example.com", "*.example.com", "127.0.0.1:8080", "host:*". */
  allowlist: readonly string[];
  /** The admin's SSRF openings (BATON_HTTP_ALLOWLIST): private and loopback addresses need one. */
  adminAllowlist: readonly string[];
  lookup?: LookupFn;
}

export type DestinationVerdict = { allowed: true; address: ResolvedAddress } | { allowed: false; reason: string };

/** Schemes a page may show without a network request: the blank page a new tab starts on. */
const LOCAL_SCHEMES = new Set(["about:"]);

/** Why a top-level navigation to this URL is refused before any DNS, or null when only the network check remains. */
export function navigationRefusal(rawUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return "not an absolute URL";
  }
  if (url.protocol === "http:" || url.protocol === "https:") return null;
  if (LOCAL_SCHEMES.has(url.protocol) && url.href === "about:blank") return null;
  return `${url.protocol} URLs are not opened by the browser runtime (only http and https)`;
}

export async function checkDestination(rawUrl: string, rules: DestinationRules): Promise<DestinationVerdict> {
  const shape = navigationRefusal(rawUrl);
  if (shape) return { allowed: false, reason: shape };
  const url = new URL(rawUrl);
  if (url.protocol === "about:") return { allowed: false, reason: "about: has no network destination" };
  if (!urlAllowlisted(url, rules.allowlist)) {
    return { allowed: false, reason: `${url.host} is not among this run's allowed origins` };
  }
  try {
    // Credentials in the URL are refused by the guard; a browser may legitimately carry none here.
    const address = await resolvePinnedAddress(url, { allowlist: rules.adminAllowlist, lookup: rules.lookup });
    return { allowed: true, address };
  } catch (error) {
    if (error instanceof ToolError) return { allowed: false, reason: error.message };
    throw error;
  }
}

/**
 * Why the admin's rules keep Baton off an origin, or null. A loopback or private address (or the
 * name localhost) needs BATON_HTTP_ALLOWLIST to open it on that port; any other name is checked
 * after DNS on every navigation, by the same SSRF rules.
 */
export function originOutsideAdminRules(origin: string, adminAllowlist: readonly string[]): string | null {
  const url = new URL(origin);
  const host = bareHostname(url);
  const port = effectivePort(url);
  const allowlist = parseAllowlist(adminAllowlist);
  if (nameAllowlisted(host, port, allowlist)) return null;
  const reason = isIP(host) ? refusalReason(host) : host === "localhost" || host.endsWith(".localhost") ? "a loopback name" : null;
  if (!reason || (isIP(host) && addressAllowlisted(host, port, allowlist))) return null;
  return `${origin} is ${reason}, which the admin's allowlist (BATON_HTTP_ALLOWLIST) does not open on port ${port}.`;
}
