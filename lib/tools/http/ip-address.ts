// IP addresses as bytes, CIDR ranges, and which addresses a tool may never reach. The list is
// the IANA special-purpose registries plus cloud metadata endpoints. IPv6 is checked the other
// way round: only global unicast (2000::/3) passes, minus its special blocks, so a range nobody
// thought of is refused rather than reached. Forms that carry an IPv4 address inside an IPv6 one
// (IPv4-mapped, NAT64, 6to4) are judged by the IPv4 address they lead to.
import { isIP } from "node:net";

export interface Cidr {
  bytes: Uint8Array;
  prefix: number;
}

/** The bytes of a literal IPv4 (4) or IPv6 (16) address, or null if it is not one. */
export function parseIp(text: string): Uint8Array | null {
  // A zone ("fe80::1%eth0") only ever scopes a link-local address; classify the address itself.
  const address = text.split("%")[0] ?? "";
  const family = isIP(address);
  if (family === 4) return Uint8Array.from(address.split(".").map(Number));
  if (family !== 6) return null;

  let head = address;
  let tailV4: number[] = [];
  const lastColon = address.lastIndexOf(":");
  if (address.includes(".", lastColon)) {
    tailV4 = address.slice(lastColon + 1).split(".").map(Number);
    head = address.slice(0, lastColon + 1) + "0:0";
  }
  const [left = "", right] = head.split("::");
  const groupsOf = (part: string) => (part === "" ? [] : part.split(":").map((group) => parseInt(group, 16)));
  const leftGroups = groupsOf(left);
  const rightGroups = right === undefined ? [] : groupsOf(right);
  const groups = [...leftGroups, ...Array<number>(8 - leftGroups.length - rightGroups.length).fill(0), ...rightGroups];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  if (tailV4.length === 4) bytes.set(tailV4, 12);
  return bytes;
}

export function formatIpv4(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4)).join(".");
}

/** "10.0.0.0/8", "fd00::/8", or a bare address (a range of one). Null if malformed. */
export function parseCidr(text: string): Cidr | null {
  const [address = "", prefixText, ...rest] = text.trim().split("/");
  const bytes = parseIp(address);
  if (!bytes || rest.length > 0 || address.includes("%")) return null;
  const maxPrefix = bytes.length * 8;
  if (prefixText === undefined) return { bytes, prefix: maxPrefix };
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= maxPrefix ? { bytes, prefix } : null;
}

export function inCidr(bytes: Uint8Array, cidr: Cidr): boolean {
  if (bytes.length !== cidr.bytes.length) return false;
  for (let bit = 0; bit < cidr.prefix; bit += 8) {
    const remaining = Math.min(8, cidr.prefix - bit);
    const mask = (0xff << (8 - remaining)) & 0xff;
    if (((bytes[bit / 8] ?? 0) & mask) !== ((cidr.bytes[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) stands for; otherwise the address itself. */
export function unmapIpv4(bytes: Uint8Array): Uint8Array {
  return bytes.length === 16 && inCidr(bytes, IPV4_MAPPED) ? bytes.slice(12, 16) : bytes;
}

function range(text: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`Bad built-in range ${text}`);
  return cidr;
}

const IPV4_MAPPED = range("::ffff:0:0/96");

// First match wins, so exact metadata addresses come before the ranges that contain them.
const refusedIpv4: Array<[Cidr, string]> = [
  [range("169.254.169.254"), "a cloud metadata address"],
  [range("169.254.170.2"), "a cloud metadata address"],
  [range("100.100.100.200"), "a cloud metadata address"],
  [range("192.0.0.192"), "a cloud metadata address"],
  [range("0.0.0.0/8"), "an unspecified address"],
  [range("10.0.0.0/8"), "a private address"],
  [range("100.64.0.0/10"), "a carrier-grade NAT (shared) address"],
  [range("127.0.0.0/8"), "a loopback address"],
  [range("169.254.0.0/16"), "a link-local address"],
  [range("172.16.0.0/12"), "a private address"],
  [range("192.0.0.0/24"), "an IETF protocol-assignment address"],
  [range("192.0.2.0/24"), "a documentation address"],
  [range("192.88.99.0/24"), "a reserved (6to4 relay) address"],
  [range("192.168.0.0/16"), "a private address"],
  [range("198.18.0.0/15"), "a benchmarking address"],
  [range("198.51.100.0/24"), "a documentation address"],
  [range("203.0.113.0/24"), "a documentation address"],
  [range("224.0.0.0/4"), "a multicast address"],
  [range("255.255.255.255"), "a broadcast address"],
  [range("240.0.0.0/4"), "a reserved address"],
];

// IPv6 blocks that carry an IPv4 address: where it sits in the 16 bytes and what to call it.
const embeddingIpv6: Array<[Cidr, number, string]> = [
  [IPV4_MAPPED, 12, "an IPv4-mapped address"],
  [range("64:ff9b::/96"), 12, "a NAT64 address"],
  [range("2002::/16"), 2, "a 6to4 address"],
];

const refusedIpv6: Array<[Cidr, string]> = [
  [range("::/128"), "an unspecified address"],
  [range("::1/128"), "a loopback address"],
  [range("fd00:ec2::254"), "a cloud metadata address"],
  [range("fc00::/7"), "a unique-local address"],
  [range("fe80::/10"), "a link-local address"],
  [range("fec0::/10"), "a site-local address"],
  [range("ff00::/8"), "a multicast address"],
  [range("2001::/32"), "a Teredo tunnel address"],
  [range("2001:2::/48"), "a benchmarking address"],
  [range("2001::/23"), "an IETF protocol-assignment address"],
  [range("2001:db8::/32"), "a documentation address"],
  [range("3fff::/20"), "a documentation address"],
];

const GLOBAL_UNICAST_V6 = range("2000::/3");

/**
 * Why a tool may not reach this address ("a loopback address", "a NAT64 address for 10.0.0.5,
 * a private address"), or null when it is publicly routable. Unparseable input is refused.
 */
export function refusalReason(address: string): string | null {
  const bytes = parseIp(address);
  if (!bytes) return "not an IP address";
  if (address.includes("%")) return "a scoped (link-local) address";
  if (bytes.length === 4) return refusedIpv4.find(([cidr]) => inCidr(bytes, cidr))?.[1] ?? null;

  for (const [cidr, offset, kind] of embeddingIpv6) {
    if (!inCidr(bytes, cidr)) continue;
    const embedded = bytes.slice(offset, offset + 4);
    const reason = refusalReason(formatIpv4(embedded));
    return reason ? `${kind} for ${formatIpv4(embedded)}, ${reason}` : null;
  }
  const special = refusedIpv6.find(([cidr]) => inCidr(bytes, cidr))?.[1];
  if (special) return special;
  return inCidr(bytes, GLOBAL_UNICAST_V6) ? null : "not a globally routable address";
}
