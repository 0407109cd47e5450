// Who the client is: from the socket, unless a configured proxy forwarded the request.
import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import { applyPeer, CLIENT_IP_HEADER, parseTrustedProxies } from "@/lib/http/forwarded";
import { checkRequestOrigin } from "@/lib/http/same-origin";

function seen(headers: IncomingHttpHeaders, peer: string, proxies: string[] = []) {
  const copy = { ...headers };
  applyPeer(copy, peer, parseTrustedProxies(proxies));
  return copy;
}

describe("the client's address", () => {
  it("is the socket's when nobody is trusted: a forged X-Forwarded-For (or the header itself) is ignored", () => {
    const headers = seen({ "x-forwarded-for": "1.2.3.4", "x-forwarded-host": "evil.example", [CLIENT_IP_HEADER]: "5.6.7.8" }, "203.0.113.9");
    expect(headers[CLIENT_IP_HEADER]).toBe("203.0.113.9");
    expect(headers).not.toHaveProperty("x-forwarded-for");
    expect(headers).not.toHaveProperty("x-forwarded-host");
  });

  it("reads an IPv4-mapped socket address as IPv4", () => {
    expect(seen({}, "::ffff:198.51.100.7")[CLIENT_IP_HEADER]).toBe("198.51.100.7");
  });

  it("behind a trusted proxy is the nearest address the proxies did not add", () => {
    const proxies = ["10.0.0.0/8", "127.0.0.1"];
    const headers = seen({ "x-forwarded-for": "6.6.6.6, 198.51.100.20, 10.1.2.3", "x-forwarded-host": "baton.example.com" }, "127.0.0.1", proxies);
    // 6.6.6.6 is whatever the client claimed; 198.51.100.20 is who reached the first trusted proxy.
    expect(headers[CLIENT_IP_HEADER]).toBe("198.51.100.20");
    expect(headers["x-forwarded-host"]).toBe("baton.example.com");
    expect(seen({}, "10.9.9.9", proxies)[CLIENT_IP_HEADER]).toBe("10.9.9.9");
  });
});

describe("X-Forwarded-Host", () => {
  it("is checked like Host", () => {
    const headers = (extra: Record<string, string>) => new Headers({ host: "127.0.0.1:3000", ...extra });
    expect(checkRequestOrigin("GET", headers({})).ok).toBe(true);
    expect(checkRequestOrigin("GET", headers({ "x-forwarded-host": "127.0.0.1:3000" })).ok).toBe(true);
    expect(checkRequestOrigin("GET", headers({ "x-forwarded-host": "evil.example" })).ok).toBe(false);
  });
});
