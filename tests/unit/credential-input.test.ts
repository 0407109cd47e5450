// What the Credentials form and API accept: origins reduced to scheme, host and port (a path,
// query, user info or another scheme is refused with a message naming it), slug names, base32
// TOTP secrets, and a password that may be left blank only when editing.
import { describe, expect, it } from "vitest";
import { createCredentialInput, normalizeOrigin, updateCredentialInput } from "@/lib/credentials/schemas";
import { parseInput } from "@/lib/http/respond";

const valid = { name: "billing-portal", label: "Billing portal", origins: ["https://billing.example.com"], username: "ana@example.com", password: "correct horse battery" };

describe("credential origins", () => {
  it("normalizes case, default ports and a trailing slash", () => {
    expect(normalizeOrigin("HTTPS://Billing.Example.com:443/")).toEqual({ origin: "https://billing.example.com" });
    expect(normalizeOrigin("http://127.0.0.1:8080")).toEqual({ origin: "http://127.0.0.1:8080" });
  });

  it.each([
    ["https://billing.example.com/login", /has a path or query; enter just https:\/\/billing.example.com/],
    ["https://billing.example.com?next=1", /has a path or query/],
    ["https://billing.example.com/#top", /has a path or query/],
    ["ftp://files.example.com", /not an http\(s\) address/],
    ["javascript:alert(1)", /not an http\(s\) address/],
    ["https://ana:pw@billing.example.com", /with a user name or password in it is refused; enter just https:\/\/billing.example.com\.$/],
    ["billing.example.com", /not a web address/],
  ])("refuses %s", (origin, message) => {
    const parsed = parseInput(createCredentialInput, { ...valid, origins: [origin] });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.fieldErrors.origins?.join(" ")).toMatch(message);
  });

  it("reads a form's text (one a line or comma-separated) and drops duplicates", () => {
    const parsed = parseInput(createCredentialInput, { ...valid, origins: "https://a.example.com\nhttps://A.example.com/, http://127.0.0.1:8080" });
    expect(parsed.ok && parsed.data.origins).toEqual(["https://a.example.com", "http://127.0.0.1:8080"]);
  });

  it("never quotes the password of an address with one in it, nor more than a line of a long paste", () => {
    for (const origin of ["https://ana:hunter2-secret@billing.example.com", "ftp://ana:hunter2-secret@files.example.com", "https://ana:hunter2-secret@/nowhere"]) {
      const withPassword = parseInput(createCredentialInput, { ...valid, origins: [origin] });
      expect(withPassword.ok).toBe(false);
      expect(JSON.stringify(withPassword), origin).not.toContain("hunter2-secret");
    }
    const pasted = parseInput(createCredentialInput, { ...valid, origins: [`not-a-url ${"x".repeat(250)}`] });
    expect(!pasted.ok && pasted.fieldErrors.origins![0]!.length).toBeLessThan(150);
    const huge = parseInput(createCredentialInput, { ...valid, origins: "x".repeat(100_000) });
    expect(!huge.ok && huge.fieldErrors.origins).toEqual(["A site's address is shorter than 300 characters."]);
  });

  it("takes at most 20", () => {
    const many = Array.from({ length: 21 }, (_, index) => `https://site${index}.example.com`);
    const parsed = parseInput(createCredentialInput, { ...valid, origins: many });
    expect(!parsed.ok && parsed.fieldErrors.origins).toEqual(["At most 20 sites per credential."]);
    expect(parseInput(createCredentialInput, { ...valid, origins: many.slice(0, 20) }).ok).toBe(true);
  });

  it("needs at least one", () => {
    const parsed = parseInput(createCredentialInput, { ...valid, origins: "  " });
    expect(!parsed.ok && parsed.fieldErrors.origins).toEqual(["List the sites it is for, e.g. https://billing.example.com."]);
  });
});

describe("credential fields", () => {
  it("takes a slug name only", () => {
    for (const name of ["Billing Portal", "billing_portal", "-billing", "billing--portal"]) {
      const parsed = parseInput(createCredentialInput, { ...valid, name });
      expect(!parsed.ok && parsed.fieldErrors.name?.[0]).toMatch(/lower-case letters, digits and single hyphens/);
    }
  });

  it("asks for a password when adding, keeps it exactly as typed", () => {
    const missing = parseInput(createCredentialInput, { ...valid, password: "" });
    expect(!missing.ok && missing.fieldErrors.password).toEqual(["Enter the password."]);
    const spaced = parseInput(createCredentialInput, { ...valid, password: " leading and trailing " });
    expect(spaced.ok && spaced.data.password).toBe(" leading and trailing ");
  });

  it("lets an edit leave the password and TOTP secret blank to keep them", () => {
    const parsed = parseInput(updateCredentialInput, { ...valid, password: "", totpSecret: "" });
    expect(parsed.ok && [parsed.data.password, parsed.data.totpSecret, parsed.data.removeTotp]).toEqual([undefined, undefined, false]);
  });

  it("stores a TOTP secret normalized and refuses one that is not base32, without quoting it", () => {
    const parsed = parseInput(createCredentialInput, { ...valid, totpSecret: "gezd gnbv gy3t qojq gezd gnbv gy3t qojq" });
    expect(parsed.ok && parsed.data.totpSecret).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    const refused = parseInput(createCredentialInput, { ...valid, totpSecret: "my-secret-0189!" });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.fieldErrors.totpSecret?.[0]).toMatch(/base32 key/);
      expect(JSON.stringify(refused.fieldErrors)).not.toContain("my-secret-0189!");
    }
  });
});
