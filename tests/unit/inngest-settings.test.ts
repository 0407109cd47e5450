import { describe, expect, test } from "vitest";
import { inngestSettings } from "@/lib/engine/inngest/settings";

const none = { INNGEST_DEV: undefined, INNGEST_SIGNING_KEY: undefined, INNGEST_EVENT_KEY: undefined, INNGEST_BASE_URL: undefined };

describe("BATON_ENGINE=inngest settings", () => {
  test("Cloud mode needs both keys, and says which are missing and how to get them", () => {
    expect(() => inngestSettings(none)).toThrow(/INNGEST_SIGNING_KEY: required[\s\S]*INNGEST_EVENT_KEY: required/);
    expect(() => inngestSettings({ ...none, INNGEST_SIGNING_KEY: "signkey-prod-abc" })).toThrow(/^Baton cannot start: the Inngest engine is not configured\n {2}INNGEST_EVENT_KEY/);
    expect(inngestSettings({ ...none, INNGEST_SIGNING_KEY: "signkey-prod-abc", INNGEST_EVENT_KEY: "key" })).toEqual({ mode: "cloud", serverUrl: "https://inn.gs" });
    expect(inngestSettings({ ...none, INNGEST_SIGNING_KEY: "s", INNGEST_EVENT_KEY: "k", INNGEST_DEV: "0", INNGEST_BASE_URL: "http://inngest:8288" })).toEqual({
      mode: "cloud",
      serverUrl: "http://inngest:8288",
    });
  });

  test("dev mode needs no keys; INNGEST_DEV may name the Dev Server", () => {
    expect(inngestSettings({ ...none, INNGEST_DEV: "1" })).toEqual({ mode: "dev", serverUrl: "http://localhost:8288" });
    expect(inngestSettings({ ...none, INNGEST_DEV: "http://devbox:8288" })).toEqual({ mode: "dev", serverUrl: "http://devbox:8288" });
    expect(() => inngestSettings({ ...none, INNGEST_DEV: "yes please" })).toThrow(/INNGEST_DEV: must be 1, 0 or the Dev Server's URL/);
  });

  test("a key's value never appears in the message", () => {
    expect(() => inngestSettings({ ...none, INNGEST_EVENT_KEY: "very-secret-event-key" })).toThrow(expect.objectContaining({ message: expect.not.stringContaining("very-secret") }));
  });
});
