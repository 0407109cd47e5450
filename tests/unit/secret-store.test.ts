// The secret store's sealing, without a database: what is stored opens again only with the key
// it was sealed with, for the owner and name it was sealed for, and unaltered.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseKey, SecretKeyError, type Keyring, type SecretKey } from "@/lib/secrets/keyring";
import { open, seal, secretHint } from "@/lib/secrets/secret-store";
import { redactSecrets, rememberSecret } from "@/lib/redact";

const newKey = (): SecretKey => parseKey(randomBytes(32).toString("base64"), "test key");
const ringOf = (...keys: SecretKey[]): Keyring => ({ current: keys[0]!, byId: new Map(keys.map((key) => [key.id, key])), source: "BATON_SECRET_KEY" });
const API_KEY = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789";

describe("secret store sealing", () => {
  it("opens what it sealed, with a fresh IV each time and no plaintext in the sealed bytes", () => {
    const ring = ringOf(newKey());
    const first = seal(ring, "instance", "model-key:openai", API_KEY);
    const second = seal(ring, "instance", "model-key:openai", API_KEY);
    expect(open(ring, "instance", "model-key:openai", first)).toBe(API_KEY);
    expect(Buffer.from(first.iv).equals(Buffer.from(second.iv))).toBe(false);
    expect(Buffer.from(first.ciphertext).equals(Buffer.from(second.ciphertext))).toBe(false);
    expect(Buffer.from(first.ciphertext).toString("utf8")).not.toContain("abcdefgh");
    expect(first.keyId).toBe(ring.current.id);
    expect(first.keyId).not.toContain(ring.current.key.toString("hex").slice(0, 8));
  });

  it("detects a changed ciphertext or tag, and a value moved to another owner or name", () => {
    const ring = ringOf(newKey());
    const sealed = seal(ring, "user:1", "portal", "hunter2-but-longer");
    const flipped = new Uint8Array(sealed.ciphertext);
    flipped[0] = flipped[0]! ^ 1;
    expect(() => open(ring, "user:1", "portal", { ...sealed, ciphertext: flipped })).toThrow(/failed its integrity check/);
    const tag = new Uint8Array(sealed.authTag);
    tag[3] = tag[3]! ^ 0x80;
    expect(() => open(ring, "user:1", "portal", { ...sealed, authTag: tag })).toThrow(SecretKeyError);
    expect(() => open(ring, "user:2", "portal", sealed)).toThrow(/integrity check/);
    expect(() => open(ring, "user:1", "other", sealed)).toThrow(/integrity check/);
  });

  it("refuses a value sealed with another key with a message saying what to set", () => {
    const sealed = seal(ringOf(newKey()), "instance", "auth-secret", "a-generated-secret-value");
    const error = (() => {
      try {
        open(ringOf(newKey()), "instance", "auth-secret", sealed);
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(SecretKeyError);
    expect(error?.message).toMatch(/BATON_SECRET_KEY/);
    expect(error?.message).toMatch(/BATON_SECRET_KEY_PREVIOUS/);
    expect(error?.message).toContain(sealed.keyId);
  });

  it("opens values under a previous key while new ones are sealed with the current key", () => {
    const old = newKey();
    const sealedBefore = seal(ringOf(old), "instance", "model-key:anthropic", API_KEY);
    const rotated = ringOf(newKey(), old);
    expect(open(rotated, "instance", "model-key:anthropic", sealedBefore)).toBe(API_KEY);
    expect(seal(rotated, "instance", "model-key:anthropic", API_KEY).keyId).toBe(rotated.current.id);
    expect(rotated.current.id).not.toBe(old.id);
  });

  it("reads keys as hex or base64 and explains a key of the wrong size", () => {
    const bytes = randomBytes(32);
    expect(parseKey(bytes.toString("hex"), "K").id).toBe(parseKey(bytes.toString("base64"), "K").id);
    expect(() => parseKey("too-short", "BATON_SECRET_KEY")).toThrow(/BATON_SECRET_KEY must be 32 bytes.*openssl rand -base64 32/);
  });

  it("hints at a key without giving it away, and redacts a remembered value anywhere", () => {
    expect(secretHint(API_KEY)).toBe("sk-…6789");
    expect(secretHint("abcdefghijklmnop")).toBe("…mnop");
    expect(secretHint("short")).toBe("…");
    const portalPassword = "correct horse battery staple";
    rememberSecret(portalPassword);
    expect(redactSecrets(`login failed for password ${portalPassword}!`)).toBe("login failed for password [redacted]!");
  });
});
