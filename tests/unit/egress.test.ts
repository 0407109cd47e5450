// A read that could carry data out asks first, unless the person named or approved its host.
import { describe, expect, it } from "vitest";
import { egressRisk, hostsNamedIn } from "@/lib/policy/egress";
import { urlAllowlistedByName } from "@/lib/tools/http/allowlist";

const trusted = hostsNamedIn(["Summarize https://news.example.com/feed.xml and the calendar at webcal://cal.example.org:8443/team.ics"]);
const none = new Set<string>();
const nothingAllowlisted = () => false;

describe("the egress rule", () => {
  it("reads hosts the person named, with or without a query", () => {
    expect([...trusted]).toEqual(["news.example.com", "cal.example.org:8443"]);
    expect(egressRisk("read", "https://news.example.com/search?q=rust", { trusted, approved: none, allowlisted: nothingAllowlisted })).toEqual({ risk: "read" });
    expect(egressRisk("read", "https://cal.example.org:8443/team.ics?week=49", { trusted, approved: none, allowlisted: nothingAllowlisted })).toEqual({ risk: "read" });
  });

  it("reads any host without a query: reading stays useful", () => {
    expect(egressRisk("read", "https://elsewhere.example/page.html", { trusted, approved: none, allowlisted: nothingAllowlisted })).toEqual({ risk: "read" });
  });

  it("asks before a query to a host first seen in a tool's output, even on another port of a named one", () => {
    const leak = egressRisk("read", "https://collector.evil.example/c?notes=secret%20plans", { trusted, approved: none, allowlisted: nothingAllowlisted });
    expect(leak.risk).toBe("external");
    expect(leak.reason).toMatch(/collector\.evil\.example, which you did not name/);
    expect(egressRisk("read", "https://news.example.com:8080/x?y=1", { trusted, approved: none, allowlisted: nothingAllowlisted }).risk).toBe("external");
  });

  it("reads a host again once the person approved a call to it in this run", () => {
    expect(egressRisk("read", "https://api.example.net/v1?page=2", { trusted, approved: new Set(["api.example.net"]), allowlisted: nothingAllowlisted })).toEqual({ risk: "read" });
  });

  it("leaves writes to the policy as they are", () => {
    expect(egressRisk("external", "https://news.example.com/post?x=1", { trusted, approved: none, allowlisted: nothingAllowlisted })).toEqual({ risk: "external" });
    expect(egressRisk("read", undefined, { trusted, approved: none, allowlisted: nothingAllowlisted })).toEqual({ risk: "read" });
  });

  it("reads hosts the admin allowlisted, on the ports the entry opens", () => {
    const allowlisted = (url: URL) => urlAllowlistedByName(url, ["wiki.corp.example", "metrics.corp.example:9090", "10.0.0.0/8:*"]);
    const context = { trusted: none, approved: none, allowlisted };
    expect(egressRisk("read", "https://wiki.corp.example/search?q=roadmap", context)).toEqual({ risk: "read" });
    expect(egressRisk("read", "http://metrics.corp.example:9090/api?query=up", context)).toEqual({ risk: "read" });
    expect(egressRisk("read", "http://wiki.corp.example:8080/search?q=roadmap", context).risk).toBe("external");
    // A range opens private addresses to tools; it does not vouch for who receives the data.
    expect(egressRisk("read", "http://10.1.2.3/collect?notes=x", context).risk).toBe("external");
  });
});
