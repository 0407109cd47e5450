// A push endpoint belongs to one device of one person: registering it again from another account
// must not take it over (issue 11: user B's PUT /api/push with A's endpoint moved A's notifications).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevice } from "@/lib/auth/devices";
import { encodeSession } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { startPushReceiver, type PushReceiver } from "../fakes/push-receiver";
import { createSignedInUser, type SignedInUser } from "../support/factories";

let receiver: PushReceiver;
let pushRoute: typeof import("@/app/api/push/route");

beforeAll(async () => {
  process.env.BATON_PUSH_ALLOWLIST = "127.0.0.1:*";
  receiver = await startPushReceiver();
  pushRoute = await import("@/app/api/push/route");
});
afterAll(async () => {
  await receiver.close();
  await db().$disconnect();
});

function subscribe(user: SignedInUser, subscription: unknown) {
  return pushRoute.PUT(
    new Request("http://127.0.0.1:3000/api/push", {
      method: "PUT",
      headers: { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", "content-type": "application/json", cookie: user.cookie },
      body: JSON.stringify({ subscription }),
    }),
  );
}

const rowsFor = (endpoint: string) => db().pushSubscription.findMany({ where: { endpoint }, select: { userId: true, deviceId: true, p256dh: true } });

describe("PUT /api/push with an endpoint someone else registered", () => {
  it("is refused, and the first owner's subscription is untouched", async () => {
    const alice = await createSignedInUser(db(), "Alice");
    const mallory = await createSignedInUser(db(), "Mallory");
    const subscription = receiver.createSubscription();
    expect((await subscribe(alice, subscription)).status).toBe(200);
    const before = await rowsFor(subscription.endpoint);

    const takeover = await subscribe(mallory, { ...subscription, keys: receiver.createSubscription().keys });
    expect(takeover.status).toBe(409);
    expect(((await takeover.json()) as { error: { message: string } }).error.message).toMatch(/another account/);
    expect(await rowsFor(subscription.endpoint)).toEqual(before);
    expect(before).toEqual([{ userId: alice.userId, deviceId: alice.deviceId, p256dh: subscription.keys.p256dh }]);
  });

  it("moves between the same person's devices (the browser signed in again)", async () => {
    const alice = await createSignedInUser(db(), "Alice");
    const subscription = receiver.createSubscription();
    await subscribe(alice, subscription);
    const deviceId = await createDevice(db(), { userId: alice.userId, userAgent: "vitest", signedInVia: "password" });
    const again = { ...alice, deviceId, cookie: `next-auth.session-token=${await encodeSession(db(), { sub: alice.userId, deviceId })}` };
    expect((await subscribe(again, subscription)).status).toBe(200);
    expect(await rowsFor(subscription.endpoint)).toEqual([{ userId: alice.userId, deviceId, p256dh: subscription.keys.p256dh }]);
  });
});
