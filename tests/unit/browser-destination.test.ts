// Where the browser runtime may go: the run's allowlist and the SSRF rules must both agree, and
// only http(s) is ever opened.
import { describe, expect, it } from "vitest";
import { checkDestination, navigationRefusal, originOutsideAdminRules } from "@/lib/browser/destination-check";
import { holdToTaskOrigins } from "@/lib/computer-use/task-origins";
import type { LookupFn } from "@/lib/tools/http/ssrf-guard";

const lookup: LookupFn = async (hostname) => {
  const answers: Record<string, string> = { "portal.example.com": "93.184.215.14", "intranet.example.com": "10.0.0.5" };
  const address = answers[hostname];
  if (!address) throw new Error(`ENOTFOUND ${hostname}`);
  return [{ address, family: 4 }];
};

describe("browser destinations", () => {
  it("lets a public allowlisted origin through and returns the address to dial", async () => {
    const verdict = await checkDestination("https://portal.example.com/invoices", { allowlist: ["portal.example.com"], adminAllowlist: [], lookup });
    expect(verdict).toEqual({ allowed: true, address: { address: "93.184.215.14", family: 4 } });
  });

  it("refuses an origin the run does not name, without asking DNS", async () => {
    const verdict = await checkDestination("https://elsewhere.example.org/", { allowlist: ["portal.example.com"], adminAllowlist: [], lookup });
    expect(verdict).toEqual({ allowed: false, reason: "elsewhere.example.org is not among this run's allowed origins" });
  });

  it("refuses an allowlisted name that resolves to a private address unless the admin opened it", async () => {
    const rules = { allowlist: ["intranet.example.com"], lookup };
    const refused = await checkDestination("https://intranet.example.com/", { ...rules, adminAllowlist: [] });
    expect(refused).toMatchObject({ allowed: false, reason: expect.stringMatching(/10\.0\.0\.5, which is a private address/) });
    expect(await checkDestination("https://intranet.example.com/", { ...rules, adminAllowlist: ["10.0.0.0/8"] })).toMatchObject({ allowed: true });
  });

  it("only opens http and https (and the blank page)", () => {
    expect(navigationRefusal("https://portal.example.com/")).toBeNull();
    expect(navigationRefusal("about:blank")).toBeNull();
    for (const url of ["data:text/html,x", "blob:https://portal.example.com/0b1c", "javascript:void(0)", "file:///etc/passwd", "chrome://version", "view-source:https://a.example/"]) {
      expect(navigationRefusal(url)).toMatch(/not opened by the browser runtime/);
    }
    expect(navigationRefusal("not a url")).toBe("not an absolute URL");
  });
});

describe("a task's origins against the admin's rules", () => {
  it("lets public origins through and private ones only where the admin's allowlist opens them, on that port", () => {
    expect(originOutsideAdminRules("https://portal.example.com", [])).toBeNull();
    expect(originOutsideAdminRules("http://127.0.0.1:8080", [])).toMatch(/^http:\/\/127\.0\.0\.1:8080 is .*, which the admin's allowlist \(BATON_HTTP_ALLOWLIST\) does not open on port 8080\.$/);
    expect(originOutsideAdminRules("http://127.0.0.1:8080", ["127.0.0.1/32:*"])).toBeNull();
    expect(originOutsideAdminRules("http://127.0.0.1:8080", ["127.0.0.1"])).not.toBeNull();
    expect(originOutsideAdminRules("http://10.1.2.3", ["10.0.0.0/8"])).toBeNull();
    expect(originOutsideAdminRules("http://localhost:3000", [])).toMatch(/a loopback name/);
    expect(originOutsideAdminRules("http://localhost:3000", ["localhost:3000"])).toBeNull();
  });

  it("holds a call's origins to the task's: what the call names beyond them is left out", () => {
    expect(holdToTaskOrigins(["https://a.example", "https://b.example"], ["https://a.example"])).toEqual({ origins: ["https://a.example"], leftOut: ["https://b.example"] });
    expect(holdToTaskOrigins(["https://a.example"], [])).toEqual({ origins: ["https://a.example"], leftOut: [] });
  });
});
