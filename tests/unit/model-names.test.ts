// Model ids in words people use, as the timeline says them.
import { describe, expect, it } from "vitest";
import { modelDisplayName } from "@/lib/agent/providers/model-names";

describe("modelDisplayName", () => {
  it.each([
    ["demo", "scripted", "Demo model"],
    ["openai", "gpt-5-mini", "GPT-5 mini"],
    ["openai", "gpt-5", "GPT-5"],
    ["openai", "gpt-4.1-nano", "GPT-4.1 nano"],
    ["openai", "gpt-4o", "GPT-4o"],
    ["openai", "gpt-5-pro", "GPT-5 Pro"],
    ["openai", "o3-mini", "o3 mini"],
    ["anthropic", "claude-sonnet-4-5", "Claude Sonnet 4.5"],
    ["anthropic", "claude-opus-4-1-20250805", "Claude Opus 4.1"],
    ["anthropic", "claude-haiku-4", "Claude Haiku 4"],
    ["anthropic", "claude-3-5-haiku-latest", "Claude Haiku 3.5"],
  ])("%s %s is %s", (provider, model, name) => {
    expect(modelDisplayName(provider, model)).toBe(name);
  });

  it("shows an id it does not know as it is, even one that looks like the demo's", () => {
    expect(modelDisplayName("openai-compatible", "llama3.2:8b")).toBe("llama3.2:8b");
    expect(modelDisplayName("openai", "scripted")).toBe("scripted");
  });
});
