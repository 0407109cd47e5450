// A read that could carry data out asks first, unless the person named or approved its host.
import { describe, expect, it } from "vitest";
import { egressRisk, hostsNamedIn } from "@/lib/policy/egress";

const trusted = hostsNamedIn(["Summarize https://news.example.com/feed.xml and the calendar at webcal://cal.example.org:8443/team.ics"]);
const none = new Set<string>();

describe("the egress rule", () => {
  it("reads hosts the person named, with or without a query", () => {
    expect([...trusted]).toEqual(["news.example.com", "cal.example.org:8443"]);
    expect(egressRisk("read", "https://news.example.com/search?q=rust", { trusted, approved: none })).toEqual({ risk: "read" });
    expect(egressRisk("read", "https://cal.example.org:8443/team.ics?week=49", { trusted, approved: none })).toEqual({ risk: "read" });
  });

  it("reads any host without a query: reading stays useful", () => {
    expect(egressRisk("read", "https://elsewhere.example/page.html", { trusted, approved: none })).toEqual({ risk: "read" });
  });

  it("asks before a query to a host first seen in a tool's output, even on another port of a named one", () => {
    const leak = egressRisk("read", "https://collector.evil.example/c?notes=secret%20plans", { trusted, approved: none });
    expect(leak.risk).toBe("external");
    expect(leak.reason).toMatch(/collector\.evil\.example, which you did not name/);
    expect(egressRisk("read", "https://news.example.com:8080/x?y=1", { trusted, approved: none }).risk).toBe("external");
  });

  it("reads a host again once the person approved a call to it in this run", () => {
    expect(egressRisk("read", "https://api.example.net/v1?page=2", { trusted, approved: new Set(["api.example.net"]) })).toEqual({ risk: "read" });
  });

  it("leaves writes to the policy as they are", () => {
    expect(egressRisk("external", "https://news.example.com/post?x=1", { trusted, approved: none })).toEqual({ risk: "external" });
    expect(egressRisk("read", undefined, { trusted, approved: none })).toEqual({ risk: "read" });
  });
});
