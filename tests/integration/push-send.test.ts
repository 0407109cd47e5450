// sendPush end to end: real web-push encryption and VAPID signing, sent through the guarded
// client to a fake push service on 127.0.0.1 that checks the JWT and decrypts the body. DNS is
// always an injected fake, and a guard on net.Socket#connect fails the test before any socket
// dials anything but 127.0.0.1. No database is involved.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { encodePushPayload, MAX_PUSH_PLAINTEXT_BYTES, PushPayloadTooLargeError, type PushPayload } from "@/lib/push/payload";
import { sendPush, type PushOutcome, type SendPushRequest } from "@/lib/push/send-push";
import { generateVapidKeys, type VapidConfig } from "@/lib/push/vapid";
import type { LookupFn } from "@/lib/tools/http/ssrf-guard";
import { startPushReceiver, type FakeSubscription, type PushReceiver } from "../fakes/push-receiver";

let receiver: PushReceiver;
const vapid: VapidConfig = { subject: "mailto:ops@baton.example.com", ...generateVapidKeys() };
const allowlist = ["127.0.0.1:*"];
const lookups: string[] = [];
const lookup: LookupFn = async (hostname) => {
  lookups.push(hostname);
  return [{ address: "127.0.0.1", family: 4 }];
};

const payload: PushPayload = {
  v: 1,
  kind: "approval",
  title: "Approve the deploy?",
  body: "The agent wants to run `deploy` on prod — ça va?",
  url: "/approvals/42",
  tag: "approval-42",
  actions: [
    { action: "approve", title: "Approve" },
    { action: "deny", title: "Deny" },
  ],
  tokens: { approve: "approve-token", deny: "deny-token" },
};

function pushTo(subscription: FakeSubscription, overrides: Partial<SendPushRequest> = {}): SendPushRequest {
  return {
    subscription: { endpoint: subscription.endpoint, ...subscription.keys },
    payload: encodePushPayload(payload),
    vapid,
    ttlSeconds: 3600,
    urgency: "high",
    ...overrides,
  };
}

/** The outcome's message, if it has one, must describe the endpoint by origin only. */
function expectNoCapability(outcome: PushOutcome, subscription: FakeSubscription) {
  const text = JSON.stringify(outcome);
  expect(text).not.toContain(subscription.id);
  expect(text).not.toContain("/push/");
  expect(text).not.toContain(subscription.keys.auth);
  expect(text).not.toContain(vapid.privateKey);
  expect(text).not.toMatch(/vapid t=/i);
}

beforeAll(async () => {
  const connect = net.Socket.prototype.connect;
  vi.spyOn(net.Socket.prototype, "connect").mockImplementation(function (this: net.Socket, ...args: unknown[]) {
    // Node passes either (options, cb), (port, host, cb) or an internal [options, cb] array.
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const host = typeof first === "object" && first !== null ? (first as { host?: unknown }).host : args[1];
    if (host !== "127.0.0.1") throw new Error(`Test tried to connect to ${String(host)}; only 127.0.0.1 is allowed`);
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect);
  receiver = await startPushReceiver();
});

afterAll(async () => {
  vi.restoreAllMocks();
  await receiver?.close();
});

describe("delivering", () => {
  it("encrypts so the device decrypts exactly the payload, with TTL, Urgency, Topic and a verified VAPID JWT", async () => {
    const subscription = receiver.createSubscription();
    const outcome = await sendPush(pushTo(subscription, { ttlSeconds: 600, urgency: "high", topic: "approval-42" }), { allowlist });

    expect(outcome).toEqual({ kind: "delivered", status: 201 });
    expect(receiver.messages.filter((message) => message.subscriptionId === subscription.id)).toEqual([
      { subscriptionId: subscription.id, ttl: 600, urgency: "high", topic: "approval-42", payload, vapidSubject: vapid.subject, bodyBytes: expect.any(Number) },
    ]);
  });

  it("fits a payload of exactly the size limit into one 4096-byte message", async () => {
    const subscription = receiver.createSubscription();
    const plaintext = Buffer.from(JSON.stringify({ ...payload, url: "/", body: "" }));
    const padded = Buffer.from(JSON.stringify({ ...payload, body: "", url: `/${"x".repeat(MAX_PUSH_PLAINTEXT_BYTES - plaintext.length)}` }));
    expect(padded).toHaveLength(MAX_PUSH_PLAINTEXT_BYTES);

    expect(await sendPush(pushTo(subscription, { payload: padded, urgency: "low", ttlSeconds: 0 }), { allowlist })).toEqual({ kind: "delivered", status: 201 });
    const [message] = receiver.messages.filter((received) => received.subscriptionId === subscription.id);
    expect(message).toMatchObject({ bodyBytes: 4096, ttl: 0, urgency: "low", topic: null });
    expect(message?.payload).toEqual(JSON.parse(padded.toString()));
  });

  it("throws on a payload over the limit before anything is sent", async () => {
    const subscription = receiver.createSubscription();
    const request = pushTo(subscription, { payload: Buffer.alloc(MAX_PUSH_PLAINTEXT_BYTES + 1, "a") });
    await expect(sendPush(request, { allowlist })).rejects.toThrow(PushPayloadTooLargeError);
    expect(receiver.requests.filter((seen) => seen.subscriptionId === subscription.id)).toEqual([]);
  });

  it("is rejected, not dropped, when Baton's VAPID public key does not match its private key", async () => {
    const subscription = receiver.createSubscription();
    const mismatched = { ...vapid, publicKey: generateVapidKeys().publicKey };
    const outcome = await sendPush(pushTo(subscription, { vapid: mismatched }), { allowlist });

    expect(outcome).toMatchObject({ kind: "rejected", status: 403 });
    expect(outcome.kind === "rejected" && outcome.message).toContain(`The push service at ${receiver.origin} answered 403`);
    expect(receiver.requests.find((seen) => seen.subscriptionId === subscription.id)?.refusal).toBe("JWT signature does not verify with k");
    expect(receiver.messages.some((message) => message.subscriptionId === subscription.id)).toBe(false);
    expectNoCapability(outcome, subscription);
  });
});

describe("what the push service answers", () => {
  it.each([410, 404])("%i means the subscription is gone", async (status) => {
    const subscription = receiver.createSubscription();
    receiver.respondWith(subscription.id, [{ status }]);
    expect(await sendPush(pushTo(subscription), { allowlist })).toEqual({ kind: "gone", status });
  });

  it("an endpoint the service no longer knows is gone", async () => {
    const subscription = receiver.createSubscription();
    const outcome = await sendPush(pushTo(subscription, { subscription: { ...pushTo(subscription).subscription, endpoint: `${receiver.origin}/push/unknownSubscription` } }), { allowlist });
    expect(outcome).toEqual({ kind: "gone", status: 404 });
  });

  it.each([400, 403, 413])("%i is rejected with a message naming only the origin", async (status) => {
    const subscription = receiver.createSubscription();
    receiver.respondWith(subscription.id, [{ status, body: `bad request for /push/${subscription.id}` }]);
    const outcome = await sendPush(pushTo(subscription), { allowlist });

    expect(outcome).toMatchObject({ kind: "rejected", status });
    expect(outcome.kind === "rejected" && outcome.message).toContain(`${receiver.origin} answered ${status}: bad request for`);
    expectNoCapability(outcome, subscription);
  });

  it("429 with Retry-After in seconds is retried after that long, then delivers", async () => {
    const subscription = receiver.createSubscription();
    receiver.respondWith(subscription.id, [{ status: 429, retryAfter: "2" }, { status: 201 }]);

    const first = await sendPush(pushTo(subscription), { allowlist });
    expect(first).toMatchObject({ kind: "retry", status: 429, retryAfterMs: 2000 });
    expectNoCapability(first, subscription);
    expect(await sendPush(pushTo(subscription), { allowlist })).toEqual({ kind: "delivered", status: 201 });
    expect(receiver.messages.filter((message) => message.subscriptionId === subscription.id)).toHaveLength(1);
  });

  it("429 with Retry-After as an HTTP date is retried after the time left", async () => {
    const subscription = receiver.createSubscription();
    receiver.respondWith(subscription.id, [{ status: 429, retryAfter: new Date(Date.now() + 30_000).toUTCString() }]);
    const outcome = await sendPush(pushTo(subscription), { allowlist });
    expect(outcome.kind === "retry" && outcome.retryAfterMs).toBeGreaterThan(25_000);
    expect(outcome.kind === "retry" && outcome.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it("503 without Retry-After is retried at the caller's pace", async () => {
    const subscription = receiver.createSubscription();
    receiver.respondWith(subscription.id, [{ status: 503, body: "overloaded" }]);
    const outcome = await sendPush(pushTo(subscription), { allowlist });
    expect(outcome).toEqual({ kind: "retry", status: 503, retryAfterMs: null, message: `The push service at ${receiver.origin} answered 503: overloaded` });
  });

  it("a service that does not answer in time is retried", async () => {
    const subscription = receiver.createSubscription();
    receiver.respondWith(subscription.id, [{ status: 201, delayMs: 2000 }]);
    const outcome = await sendPush(pushTo(subscription), { allowlist, timeoutMs: 300 });
    expect(outcome).toMatchObject({ kind: "retry", status: null, retryAfterMs: null, message: `Timed out after 300 ms waiting for the push service at ${receiver.origin}.` });
  });

  it("a service that is down is retried", async () => {
    const down = await startPushReceiver();
    const subscription = down.createSubscription();
    await down.close();
    const outcome = await sendPush(pushTo(subscription), { allowlist });
    expect(outcome).toMatchObject({ kind: "retry", status: null, retryAfterMs: null, message: `The request to the push service at ${down.origin} failed: ECONNREFUSED` });
    expectNoCapability(outcome, subscription);
  });
});

describe("endpoints Baton must not dial", () => {
  it("refuses plain http to a host that is not allowlisted, before DNS or any request", async () => {
    const subscription = receiver.createSubscription();
    const before = receiver.requests.length;
    const outcome = await sendPush(pushTo(subscription, { subscription: { ...pushTo(subscription).subscription, endpoint: `http://push.example.net/push/${subscription.id}` } }), { allowlist, lookup });

    expect(outcome).toEqual({ kind: "refused", message: expect.stringContaining("http://push.example.net") });
    expect(lookups).not.toContain("push.example.net");
    expect(receiver.requests).toHaveLength(before);
    expectNoCapability(outcome, subscription);
  });

  it("refuses the fake service itself when nothing is allowlisted, even over https", async () => {
    const subscription = receiver.createSubscription();
    const before = receiver.requests.length;
    const port = new URL(receiver.origin).port;
    for (const endpoint of [subscription.endpoint, `https://127.0.0.1:${port}/push/${subscription.id}`]) {
      const outcome = await sendPush(pushTo(subscription, { subscription: { ...pushTo(subscription).subscription, endpoint } }));
      expect(outcome.kind).toBe("refused");
      expectNoCapability(outcome, subscription);
    }
    expect(receiver.requests).toHaveLength(before);
  });

  it("refuses a public-looking name that resolves to a loopback address", async () => {
    const subscription = receiver.createSubscription();
    const before = receiver.requests.length;
    const endpoint = `https://push.rebind.example/push/${subscription.id}`;
    const outcome = await sendPush(pushTo(subscription, { subscription: { ...pushTo(subscription).subscription, endpoint } }), { lookup });

    expect(outcome).toEqual({ kind: "refused", message: expect.stringContaining("push.rebind.example resolves to 127.0.0.1, which is a loopback address") });
    expect(receiver.requests).toHaveLength(before);
    expectNoCapability(outcome, subscription);
  });

  it("refuses a subscription whose keys are not a browser's", async () => {
    const subscription = receiver.createSubscription();
    const outcome = await sendPush(pushTo(subscription, { subscription: { ...pushTo(subscription).subscription, p256dh: "bm90LWEta2V5" } }), { allowlist });
    expect(outcome).toEqual({ kind: "refused", message: expect.stringContaining("p256dh") });
    expect(receiver.requests.filter((seen) => seen.subscriptionId === subscription.id)).toEqual([]);
  });
});
