// The notification payload contract, its size limit (checked against what web-push really
// produces) and the VAPID subject rules that keep push services from rejecting every message.
import crypto from "node:crypto";
import webpush from "web-push";
import { describe, expect, it } from "vitest";
import { encodePushPayload, MAX_PUSH_PLAINTEXT_BYTES, PushPayloadTooLargeError, pushPayload, type PushPayload } from "@/lib/push/payload";
import { generateVapidKeys, vapidConfigSchema, vapidSubjectSchema } from "@/lib/push/vapid";

const approval: PushPayload = {
  v: 1,
  kind: "approval",
  title: "Send the weekly report?",
  body: "The agent wants to POST to https://hooks.example.com/report",
  url: "/approvals/0197a3c2",
  tag: "approval-0197a3c2",
  actions: [
    { action: "approve", title: "Approve" },
    { action: "deny", title: "Deny" },
  ],
  tokens: { approve: "tok-approve", deny: "tok-deny" },
};

/** A valid payload whose JSON is exactly `bytes` long (multi-byte text, long tokens, URL padding). */
function payloadOfSize(bytes: number): PushPayload {
  const base: PushPayload = { ...approval, body: "€".repeat(300), tokens: { approve: "a".repeat(512), deny: "d".repeat(512) }, url: "/tasks/" };
  const baseSize = Buffer.byteLength(JSON.stringify(base));
  return { ...base, url: `/tasks/${"x".repeat(bytes - baseSize)}` };
}

/** The encrypted body web-push builds for a freshly generated browser key pair. */
function encryptedSize(plaintext: Buffer): number {
  const browser = crypto.createECDH("prime256v1");
  const details = webpush.generateRequestDetails(
    { endpoint: "https://push.example.com/push/abc", keys: { p256dh: browser.generateKeys().toString("base64url"), auth: crypto.randomBytes(16).toString("base64url") } },
    plaintext,
    { contentEncoding: "aes128gcm", vapidDetails: { subject: "mailto:ops@example.com", ...generateVapidKeys() } },
  );
  return details.body?.length ?? 0;
}

describe("push payload", () => {
  it("encodes a valid approval notification as UTF-8 JSON that reads back the same", () => {
    const encoded = encodePushPayload({ ...approval, body: "Löschen bestätigen? 🗑️" });
    expect(JSON.parse(encoded.toString("utf8"))).toEqual({ ...approval, body: "Löschen bestätigen? 🗑️" });
  });

  it.each([
    ["a URL to another site", { url: "https://evil.example/phish" }],
    ["a protocol-relative URL", { url: "//evil.example/phish" }],
    ["a backslash URL browsers read as another host", { url: "/\\evil.example" }],
    ["a javascript: URL", { url: "javascript:alert(1)" }],
    ["an empty title", { title: "" }],
    ["a 121-character title", { title: "t".repeat(121) }],
    ["a 301-character body", { body: "b".repeat(301) }],
    ["an empty tag", { tag: "" }],
    ["three actions", { actions: [{ action: "approve", title: "A" }, { action: "deny", title: "D" }, { action: "approve", title: "Again" }] }],
    ["an unknown action", { actions: [{ action: "snooze", title: "Later" }] }],
    ["an unknown kind", { kind: "reminder" }],
    ["another version", { v: 2 }],
    ["an unexpected field", { icon: "/evil.png" }],
  ])("refuses %s", (_name, change) => {
    expect(pushPayload.safeParse({ ...approval, ...change }).success).toBe(false);
    expect(() => encodePushPayload({ ...approval, ...change } as PushPayload)).toThrow();
  });

  it("accepts the limits themselves: 120-character title, 300-character body, empty body, no actions", () => {
    expect(pushPayload.safeParse({ ...approval, title: "t".repeat(120), body: "b".repeat(300) }).success).toBe(true);
    expect(pushPayload.safeParse({ v: 1, kind: "completed", title: "Done", body: "", url: "/tasks/1", tag: "task-1" }).success).toBe(true);
  });
});

describe("push payload size", () => {
  it("is the plaintext that fills exactly one 4096-byte aes128gcm message", () => {
    expect(MAX_PUSH_PLAINTEXT_BYTES).toBe(3993);
    expect(encryptedSize(Buffer.alloc(MAX_PUSH_PLAINTEXT_BYTES, "a"))).toBe(4096);
    expect(encryptedSize(Buffer.alloc(MAX_PUSH_PLAINTEXT_BYTES + 1, "a"))).toBeGreaterThan(4096);
  });

  it("passes a payload of exactly the limit and refuses one byte more, saying by how much", () => {
    expect(encodePushPayload(payloadOfSize(MAX_PUSH_PLAINTEXT_BYTES))).toHaveLength(MAX_PUSH_PLAINTEXT_BYTES);

    const tooBig = payloadOfSize(MAX_PUSH_PLAINTEXT_BYTES + 1);
    expect(pushPayload.safeParse(tooBig).success).toBe(true);
    expect(() => encodePushPayload(tooBig)).toThrow(PushPayloadTooLargeError);
    expect(() => encodePushPayload(tooBig)).toThrow(`${MAX_PUSH_PLAINTEXT_BYTES + 1} bytes of JSON; push services accept at most ${MAX_PUSH_PLAINTEXT_BYTES}`);
  });
});

describe("VAPID subject", () => {
  it.each(["mailto:ops@example.com", "mailto:push+baton@mail.example.co.uk", "https://baton.example.com", "https://example.com/contact"])("accepts %s", (subject) => {
    expect(vapidSubjectSchema.safeParse(subject).success).toBe(true);
  });

  it.each([
    ["mailto:ops@localhost", "localhost"],
    ["https://localhost:3000", "localhost"],
    ["https://baton.localhost", "localhost"],
    ["https://printer.local", "mDNS"],
    ["mailto:me@nas.local", "mDNS"],
    ["https://127.0.0.1", "IP address"],
    ["https://[::1]/contact", "IP address"],
    ["mailto:ops@192.168.1.10", "IP address"],
    ["mailto:ops@intranet", "fully qualified"],
    ["https://baton", "fully qualified"],
    ["http://example.com", "only https:"],
    ["ops@example.com", "neither a mailto: address nor a URL"],
    ["mailto:a@example.com,b@example.com", "single mailto: address"],
  ])("refuses %s, saying why", (subject, why) => {
    const result = vapidSubjectSchema.safeParse(subject);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(why);
  });

  it("generates key pairs web-push signs with", () => {
    const keys = generateVapidKeys();
    expect(vapidConfigSchema.safeParse({ subject: "mailto:ops@example.com", ...keys }).success).toBe(true);
    const headers = webpush.getVapidHeaders("https://push.example.com", "mailto:ops@example.com", keys.publicKey, keys.privateKey, "aes128gcm");
    expect(headers.Authorization).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${keys.publicKey}$`));
    expect(generateVapidKeys().privateKey).not.toBe(keys.privateKey);
  });
});
