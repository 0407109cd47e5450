// git's own connections (clone, ls-remote, push) and the forge API go through the same SSRF rule
// as the http tool: the remote's host is resolved once, a loopback, private or metadata address is
// refused unless the admin allowlisted it (BATON_HTTP_ALLOWLIST), and git is told to connect to
// the address that was checked (http.curloptResolve), so a DNS answer that changes between the
// check and git's connection cannot reach a refused address.
import { effectivePort } from "@/lib/tools/http/allowlist";
import { resolvePinnedAddress, type LookupFn } from "@/lib/tools/http/ssrf-guard";
import type { RepositoryRemote } from "./repository-url";

export interface RemoteAddressRules {
  /** The admin's allowlist (BATON_HTTP_ALLOWLIST): hosts, addresses, ranges, with ports. */
  allowlist: readonly string[];
  /** Injectable so tests never touch real DNS. */
  lookup?: LookupFn;
}

/** A remote whose host was checked, with the address git must connect to. Throws a ToolError when refused. */
export async function checkRemoteAddress(remote: RepositoryRemote, rules: RemoteAddressRules): Promise<RepositoryRemote> {
  if (remote.kind === "ssh") {
    // The same rule for an SSH host: its name is resolved once here and ssh is told to connect to
    // that address (Hostname=), the host key staying bound to the name (ssh-remote.ts). The URL
    // below only carries host and port into the shared check.
    const port = remote.ssh.port;
    const probe = new URL(`https://${remote.ssh.host}:${port}/`);
    const { address } = await resolvePinnedAddress(probe, { allowlist: rules.allowlist, lookup: rules.lookup });
    return { ...remote, address };
  }
  if (remote.kind !== "https") return remote;
  const url = new URL(remote.url);
  const { address } = await resolvePinnedAddress(url, { allowlist: rules.allowlist, lookup: rules.lookup });
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  // curl's CURLOPT_RESOLVE form: HOST:PORT:ADDRESS, an IPv6 address in brackets.
  const pinned = `${host}:${effectivePort(url)}:${address.includes(":") ? `[${address}]` : address}`;
  return { ...remote, resolve: pinned };
}

/** The git config that makes git connect to the checked address (none for a local path). */
export function pinnedAddressConfig(remote: RepositoryRemote): [string, string][] {
  return remote.kind === "https" && remote.resolve ? [["http.curloptResolve", remote.resolve]] : [];
}

/** Checks a URL the forge client will call (the API), with the same rule. */
export async function checkForgeAddress(apiUrl: string, rules: RemoteAddressRules): Promise<void> {
  await resolvePinnedAddress(new URL(apiUrl), { allowlist: rules.allowlist, lookup: rules.lookup });
}
