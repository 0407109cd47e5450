// The SSRF guard on its own: address classification, numeric host forms, the allowlist, and
// resolving once. Nothing here opens a socket; DNS is always the injected fake.
import { describe, expect, it, vi } from "vitest";
import { inCidr, parseCidr, parseIp, refusalReason } from "@/lib/tools/http/ip-address";
import { resolvePinnedAddress, type LookupFn, type ResolvedAddress } from "@/lib/tools/http/ssrf-guard";
import { ToolError } from "@/lib/tools/types";

const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });

/** A resolver that answers from a table and counts calls; unknown names fail like NXDOMAIN. */
function fakeDns(table: Record<string, ResolvedAddress[][]>) {
  const calls: string[] = [];
  const lookup = vi.fn<LookupFn>(async (hostname) => {
    const answers = table[hostname];
    const answer = answers?.[calls.filter((name) => name === hostname).length] ?? answers?.at(-1);
    calls.push(hostname);
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return answer;
  });
  return lookup;
}

const noDns = vi.fn<LookupFn>(async () => {
  throw new Error("DNS must not be used for an IP literal");
});

async function refusal(url: string, options: { allowlist?: string[]; lookup?: LookupFn } = {}): Promise<string> {
  const error = await resolvePinnedAddress(new URL(url), { allowlist: options.allowlist ?? [], lookup: options.lookup ?? noDns }).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ToolError);
  return (error as ToolError).message;
}

describe("parsing addresses", () => {
  it("reads IPv4, IPv6, compressed and dotted-tail forms", () => {
    expect(Array.from(parseIp("10.1.2.3")!)).toEqual([10, 1, 2, 3]);
    expect(Array.from(parseIp("::1")!)).toEqual([...Array(15).fill(0), 1]);
    expect(Array.from(parseIp("::ffff:127.0.0.1")!)).toEqual(Array.from(parseIp("::ffff:7f00:1")!));
    expect(Array.from(parseIp("2001:db8::8:800:200c:417a")!)).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 8, 8, 0, 0x20, 0x0c, 0x41, 0x7a]);
    expect(parseIp("localhost")).toBeNull();
    expect(parseIp("256.0.0.1")).toBeNull();
  });

  it("matches CIDR ranges bit by bit", () => {
    const range = parseCidr("172.16.0.0/12")!;
    expect(inCidr(parseIp("172.31.255.255")!, range)).toBe(true);
    expect(inCidr(parseIp("172.32.0.0")!, range)).toBe(false);
    expect(inCidr(parseIp("::ffff:172.16.0.1")!, range)).toBe(false);
    expect(parseCidr("10.0.0.0/33")).toBeNull();
    expect(parseCidr("fe80::/10")?.prefix).toBe(10);
    expect(parseCidr("not-an-ip/8")).toBeNull();
  });
});

describe("which addresses are refused", () => {
  it.each([
    ["127.0.0.1", /^a loopback address$/],
    ["127.255.0.9", /loopback/],
    ["10.0.0.5", /^a private address$/],
    ["172.16.4.4", /private/],
    ["192.168.1.1", /private/],
    ["169.254.169.254", /^a cloud metadata address$/],
    ["169.254.10.1", /^a link-local address$/],
    ["100.64.0.1", /carrier-grade NAT/],
    ["100.100.100.200", /metadata/],
    ["0.0.0.0", /unspecified/],
    ["0.1.2.3", /unspecified/],
    ["224.0.0.251", /multicast/],
    ["255.255.255.255", /broadcast/],
    ["240.0.0.1", /reserved/],
    ["192.0.2.10", /documentation/],
    ["198.51.100.7", /documentation/],
    ["203.0.113.1", /documentation/],
    ["198.18.0.1", /benchmarking/],
    ["192.0.0.192", /metadata/],
    ["::", /unspecified/],
    ["::1", /loopback/],
    ["fe80::1", /link-local/],
    ["febf::1", /link-local/],
    ["fc00::1", /unique-local/],
    ["fd12:3456::1", /unique-local/],
    ["fd00:ec2::254", /metadata/],
    ["ff02::1", /multicast/],
    ["::ffff:127.0.0.1", /^an IPv4-mapped address for 127\.0\.0\.1, a loopback address$/],
    ["::ffff:a9fe:a9fe", /IPv4-mapped address for 169\.254\.169\.254, a cloud metadata/],
    ["64:ff9b::7f00:1", /^a NAT64 address for 127\.0\.0\.1, a loopback address$/],
    ["64:ff9b::10.0.0.5", /NAT64 address for 10\.0\.0\.5, a private/],
    ["64:ff9b:1::1", /not a globally routable/],
    ["2002:7f00:1::1", /^a 6to4 address for 127\.0\.0\.1, a loopback address$/],
    ["2002:c0a8:0101::", /6to4 address for 192\.168\.1\.1/],
    ["2001:0:4136:e378::1", /Teredo/],
    ["2001:db8::1", /documentation/],
    ["3fff::1", /documentation/],
    ["2001:2::1", /benchmarking/],
    ["::7f00:1", /not a globally routable/],
    ["100::1", /not a globally routable/],
    ["fe80::1%eth0", /scoped|link-local/],
    ["example.com", /not an IP address/],
  ])("refuses %s", (address, reason) => {
    expect(refusalReason(address)).toMatch(reason);
  });

  it.each(["8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])(
    "lets the public address %s through",
    (address) => {
      expect(refusalReason(address)).toBeNull();
    },
  );
});

describe("resolvePinnedAddress", () => {
  it.each([
    ["http://127.0.0.1/", "127.0.0.1 is a loopback address"],
    ["http://127.0.0.1:8080/admin", "127.0.0.1 is a loopback address"],
    ["http://2130706433/", "127.0.0.1 is a loopback address"],
    ["http://0x7f000001/", "127.0.0.1 is a loopback address"],
    ["http://017700000001/", "127.0.0.1 is a loopback address"],
    ["http://127.1/", "127.0.0.1 is a loopback address"],
    ["http://0x7f.1/", "127.0.0.1 is a loopback address"],
    ["http://0/", "0.0.0.0 is an unspecified address"],
    ["http://169.254.169.254/latest/meta-data", "169.254.169.254 is a cloud metadata address"],
    ["http://[::1]/", "::1 is a loopback address"],
    ["http://[::ffff:127.0.0.1]/", "::ffff:7f00:1 is an IPv4-mapped address for 127.0.0.1"],
    ["http://[64:ff9b::7f00:1]/", "64:ff9b::7f00:1 is a NAT64 address for 127.0.0.1"],
    ["http://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata address"],
  ])("refuses %s without any DNS lookup", async (url, message) => {
    noDns.mockClear();
    const text = await refusal(url);
    expect(text).toContain(`Refused: ${message}`);
    expect(text).toContain("ask the admin to allowlist it");
    expect(noDns).not.toHaveBeenCalled();
  });

  it("refuses other schemes and credentials in the URL", async () => {
    expect(await refusal("file:///etc/passwd")).toMatch(/only http:\/\/ and https:\/\//);
    expect(await refusal("ftp://ftp.example.com/pub")).toMatch(/not ftp:/);
    expect(await refusal("http://user:pw@example.com/")).toMatch(/Authorization header/);
  });

  it("refuses a name that resolves to a private address, naming both", async () => {
    const lookup = fakeDns({ "internal.test": [[v4("10.0.0.5")]] });
    expect(await refusal("http://internal.test/", { lookup })).toBe(
      "Refused: internal.test resolves to 10.0.0.5, which is a private address; ask the admin to allowlist it if this is intended.",
    );
  });

  it("refuses when any one of several addresses is refused", async () => {
    const lookup = fakeDns({ "mixed.test": [[v4("8.8.8.8"), v6("2606:4700::1"), v4("192.168.0.10")]] });
    expect(await refusal("https://mixed.test/", { lookup })).toMatch(/192\.168\.0\.10, which is a private address/);
  });

  it("resolves once and pins the first validated answer, so a rebinding name cannot switch later", async () => {
    const lookup = fakeDns({ "rebind.test": [[v4("8.8.8.8")], [v4("10.0.0.5")]] });
    const pinned = await resolvePinnedAddress(new URL("http://rebind.test/"), { allowlist: [], lookup });
    expect(pinned).toEqual(v4("8.8.8.8"));
    expect(lookup).toHaveBeenCalledTimes(1);
    // The second answer is exactly what the guard exists to stop, had it been asked again.
    expect(await refusal("http://rebind.test/", { lookup })).toMatch(/10\.0\.0\.5, which is a private address/);
  });

  it("reports a name that does not resolve", async () => {
    expect(await refusal("http://nowhere.test/", { lookup: fakeDns({}) })).toMatch(/Could not resolve nowhere\.test/);
    expect(await refusal("http://empty.test/", { lookup: fakeDns({ "empty.test": [[]] }) })).toMatch(/no addresses/);
  });

  it("stops waiting for DNS when the deadline passes", async () => {
    const hanging: LookupFn = () => new Promise(() => {});
    const signal = AbortSignal.timeout(20);
    await expect(resolvePinnedAddress(new URL("http://slow.test/"), { allowlist: [], lookup: hanging, signal })).rejects.toThrow(/timeout|aborted/i);
  });
});

describe("the admin allowlist", () => {
  it("opens exactly the CIDR range it names", async () => {
    const pinned = await resolvePinnedAddress(new URL("http://127.0.0.1:3000/"), { allowlist: ["127.0.0.1/32:3000"], lookup: noDns });
    expect(pinned).toEqual(v4("127.0.0.1"));
    expect(await refusal("http://127.0.0.2/", { allowlist: ["127.0.0.1/32"] })).toMatch(/127\.0\.0\.2 is a loopback/);
    // The mapped form of an allowlisted IPv4 address reaches the same place, so it is allowed too.
    await expect(resolvePinnedAddress(new URL("http://[::ffff:127.0.0.1]/"), { allowlist: ["127.0.0.1"] })).resolves.toEqual(v6("::ffff:7f00:1"));
    await expect(resolvePinnedAddress(new URL("http://[fd00::7]/"), { allowlist: ["fd00::/8"] })).resolves.toEqual(v6("fd00::7"));
  });

  it("checks every resolved address against the ranges", async () => {
    const lookup = fakeDns({ "lab.test": [[v4("10.1.0.4"), v4("10.2.0.4")]] });
    await expect(resolvePinnedAddress(new URL("http://lab.test/"), { allowlist: ["10.1.0.0/16"], lookup })).rejects.toThrow(/10\.2\.0\.4/);
    await expect(resolvePinnedAddress(new URL("http://lab.test/"), { allowlist: ["10.0.0.0/8"], lookup })).resolves.toEqual(v4("10.1.0.4"));
  });

  it("opens a host name (and *.suffix) whatever it resolves to, still resolving only once", async () => {
    const lookup = fakeDns({ "intranet.example": [[v4("10.0.0.5")]], "wiki.corp.example": [[v4("192.168.3.3")]], "corp.example": [[v4("192.168.3.4")]] });
    await expect(resolvePinnedAddress(new URL("http://Intranet.Example./x"), { allowlist: ["intranet.example"], lookup })).resolves.toEqual(v4("10.0.0.5"));
    await expect(resolvePinnedAddress(new URL("http://wiki.corp.example/"), { allowlist: ["*.corp.example"], lookup })).resolves.toEqual(v4("192.168.3.3"));
    expect(await refusal("http://corp.example/", { allowlist: ["*.corp.example"], lookup })).toMatch(/192\.168\.3\.4/);
    expect(await refusal("http://other.test/", { allowlist: ["intranet.example"], lookup: fakeDns({ "other.test": [[v4("10.0.0.5")]] }) })).toMatch(/private/);
    expect(lookup).toHaveBeenCalledTimes(3);
  });

  it("ignores malformed entries instead of reading them as host names", async () => {
    expect(await refusal("http://10.0.0.1/", { allowlist: ["10.0.0.0/99", "", "  ", "10.0.0.1:99999", "10.0.0.1:http"] })).toMatch(/private/);
  });

  it("opens only the web ports 80 and 443 unless the entry names a port or every port", async () => {
    const lookup = fakeDns({ localhost: [[v4("127.0.0.1")]] });
    await expect(resolvePinnedAddress(new URL("http://localhost/"), { allowlist: ["localhost"], lookup })).resolves.toEqual(v4("127.0.0.1"));
    await expect(resolvePinnedAddress(new URL("https://localhost/"), { allowlist: ["localhost"], lookup })).resolves.toEqual(v4("127.0.0.1"));
    // Baton's own Postgres on the same machine stays out of reach.
    expect(await refusal("http://localhost:54329/", { allowlist: ["localhost"], lookup })).toMatch(/loopback address; ask the admin to allowlist it with its port \(localhost:54329\) if/);
    expect(await refusal("http://127.0.0.1:5432/", { allowlist: ["127.0.0.1/32"] })).toMatch(/loopback/);

    await expect(resolvePinnedAddress(new URL("http://localhost:8080/"), { allowlist: ["localhost:8080"], lookup })).resolves.toEqual(v4("127.0.0.1"));
    expect(await refusal("http://localhost/", { allowlist: ["localhost:8080"], lookup })).toMatch(/loopback/);
    await expect(resolvePinnedAddress(new URL("http://[::1]:8080/"), { allowlist: ["[::1]:8080"] })).resolves.toEqual(v6("::1"));
    expect(await refusal("http://[::1]:8081/", { allowlist: ["[::1]:8080"] })).toMatch(/loopback/);
    await expect(resolvePinnedAddress(new URL("http://127.0.0.1:41234/"), { allowlist: ["127.0.0.0/8:*"] })).resolves.toEqual(v4("127.0.0.1"));
    const corp = fakeDns({ "wiki.corp.example": [[v4("10.0.0.9")]] });
    await expect(resolvePinnedAddress(new URL("https://wiki.corp.example:8443/"), { allowlist: ["*.corp.example:8443"], lookup: corp })).resolves.toEqual(v4("10.0.0.9"));
    expect(await refusal("https://wiki.corp.example:9443/", { allowlist: ["*.corp.example:8443"], lookup: corp })).toMatch(/private/);
    // A bare IPv6 range has colons of its own and no port: it opens the web ports.
    await expect(resolvePinnedAddress(new URL("http://[fd00::7]/"), { allowlist: ["fd00::/8"] })).resolves.toEqual(v6("fd00::7"));
    expect(await refusal("http://[fd00::7]:8080/", { allowlist: ["fd00::/8"] })).toMatch(/unique-local/);
  });
});
