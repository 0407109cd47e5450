// Every secret the environment holds is redacted by value, including ones nobody listed by hand.
import { describe, expect, it } from "vitest";

const secrets = {
  BATON_OWNER_PASSWORD: "owner password from the environment",
  INNGEST_SIGNING_KEY: "signkey-prod-0123456789abcdef0123",
  INNGEST_EVENT_KEY: "event-key-0123456789abcdef",
  BATON_VAPID_PRIVATE_KEY: "vapid-private-0123456789abcdef",
  BATON_AUTH_SECRET: "an auth secret of at least thirty-two characters",
};
const previousKeys = ["previous-key-one-0123456789", "previous-key-two-0123456789"];
const publicKey = "BPublicVapidKeyIsNotASecret0123456789";
Object.assign(process.env, secrets, { BATON_SECRET_KEY_PREVIOUS: previousKeys.join(","), BATON_VAPID_PUBLIC_KEY: publicKey });
// env() is read once per process: the variables above must be in place before the first import.
const { redactSecrets } = await import("@/lib/redact");
const { SECRET_ENV_NAMES } = await import("@/lib/env");

describe("secrets from the environment", () => {
  it.each(Object.entries(secrets))("%s is replaced by value wherever it appears", (_name, value) => {
    expect(redactSecrets(`upstream said: ${value} was wrong`)).toBe("upstream said: [redacted] was wrong");
  });

  it("each of several previous secret keys is redacted", () => {
    expect(redactSecrets(previousKeys.join(" / "))).toBe("[redacted] / [redacted]");
  });

  it("a public key is left alone, and the list is read off the schema", () => {
    expect(redactSecrets(`key ${publicKey}`)).toBe(`key ${publicKey}`);
    expect(SECRET_ENV_NAMES).toEqual(expect.arrayContaining(["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "BATON_SECRET_KEY", "BATON_OWNER_PASSWORD", "INNGEST_SIGNING_KEY_FALLBACK"]));
    expect(SECRET_ENV_NAMES).not.toContain("BATON_VAPID_PUBLIC_KEY");
  });
});
