import { describe, expect, it } from "vitest";
import { redactArguments, restoreRedacted } from "@/lib/agent/tool-step";

describe("tool arguments shown to people", () => {
  const original = { url: "https://api.example/items?id=7", headers: { Authorization: "Bearer s3cr3t-token-value", Accept: "application/json" }, body: { apiKey: "k-123", name: "x" } };

  it("hide values under secret-looking keys", () => {
    expect(redactArguments(original)).toEqual({
      url: "https://api.example/items?id=7",
      headers: { Authorization: "[redacted]", Accept: "application/json" },
      body: { apiKey: "[redacted]", name: "x" },
    });
  });

  it("an edit keeps the hidden originals where it still says [redacted], and takes every other change", () => {
    const edited = { url: "https://api.example/items?id=8", headers: { Authorization: "[redacted]", Accept: "text/plain" }, body: { apiKey: "[redacted]", name: "y" } };
    expect(restoreRedacted(edited, original)).toEqual({
      url: "https://api.example/items?id=8",
      headers: { Authorization: "Bearer s3cr3t-token-value", Accept: "text/plain" },
      body: { apiKey: "k-123", name: "y" },
    });
  });
});
