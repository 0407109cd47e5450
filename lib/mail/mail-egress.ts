// Mail servers are reached through the same egress rules as the HTTP tools: a host that resolves
// to a private, loopback or link-local address is refused unless BATON_HTTP_ALLOWLIST names it,
// so a mailbox setting cannot be used to reach (or port-scan) the machine's own network. The host
// is resolved once and the connection pinned to that address (TLS still checks the name).
import { isIP } from "node:net";
import { resolvePinnedAddress, type LookupFn } from "@/lib/tools/http/ssrf-guard";
import { ToolError } from "@/lib/tools/types";
import { MailServerError } from "./imap-session";

export interface PinnedHost {
  /** The address to connect to. */
  address: string;
  /** The name TLS checks the certificate against (absent for an IP literal). */
  servername?: string;
}

export async function pinMailHost(host: string, port: number, options: { allowlist: readonly string[]; lookup?: LookupFn }): Promise<PinnedHost> {
  const bare = host.replace(/^\[|\]$/g, "");
  const literal = isIP(bare) === 6 ? `[${bare}]` : bare;
  try {
    const pinned = await resolvePinnedAddress(new URL(`http://${literal}:${port}/`), { allowlist: options.allowlist, lookup: options.lookup });
    return { address: pinned.address, ...(isIP(bare) ? {} : { servername: bare }) };
  } catch (error) {
    if (error instanceof ToolError) throw new MailServerError(`${host}:${port}: ${error.message}`, { cause: error });
    throw error;
  }
}
