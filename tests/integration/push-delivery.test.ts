// Notifications from workflow to device and back: the delivery body runs step by step (an
// in-process stand-in for the engine that records sleeps), real web-push encrypts and signs, a
// fake push service on 127.0.0.1 decrypts and answers as scripted, and the Approve / Deny tokens
// in the payload go through the real route handler.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevice } from "@/lib/auth/devices";
import { db } from "@/lib/db";
import type { DurableContext } from "@/lib/engine/port";
import type { NotificationRequest } from "@/lib/push/notification-request";
import { deliverNotification, MAX_SEND_ATTEMPTS } from "@/lib/push/deliver-notification";
import type { PushPayload } from "@/lib/push/payload";
import { saveSubscription } from "@/lib/push/subscriptions";
import { createTask } from "@/lib/tasks/create-task";
import { startPushReceiver, type FakeSubscription, type PushReceiver } from "../fakes/push-receiver";
import { createPendingApproval, createSignedInUser } from "../support/factories";

let receiver: PushReceiver;
let tokenRoute: typeof import("@/app/api/approvals/token-decision/route");
const engine = { startRun: async () => {}, signal: async () => {}, deliverNotification: async () => {} };
const deps = () => ({ db: db(), allowlist: ["127.0.0.1:*"], backoffMs: 1000 });

/** Runs steps at once and records sleeps instead of sleeping: the engines' durability is tested elsewhere. */
function inlineContext() {
  const sleeps: number[] = [];
  const ctx: DurableContext = {
    step: (_name, fn) => fn({ mayHaveRun: false }),
    waitForSignal: async () => null,
    sleep: async (_name, ms) => void sleeps.push(ms),
  };
  return { ctx, sleeps };
}

beforeAll(async () => {
  process.env.BATON_VAPID_SUBJECT = "mailto:ops@baton.example.com";
  receiver = await startPushReceiver();
  tokenRoute = await import("@/app/api/approvals/token-decision/route");
});
afterAll(async () => {
  await receiver.close();
  await db().$disconnect();
});

async function userWithPhone(kinds?: string[]) {
  const user = await createSignedInUser(db());
  const phone = await createDevice(db(), { userId: user.userId, name: "Pixel", signedInVia: "pairing" });
  const subscription = receiver.createSubscription();
  await saveSubscription(db(), { userId: user.userId, deviceId: phone, body: { subscription, ...(kinds ? { kinds } : {}) }, allowlist: ["127.0.0.1:*"] });
  return { ...user, phone, subscription };
}

const pendingApproval = (userId: string, title?: string) => createPendingApproval(db(), { userId, title });

const messagesFor = (subscription: FakeSubscription) => receiver.messages.filter((message) => message.subscriptionId === subscription.id);
const timeline = (taskId: string) => db().timelineEvent.findMany({ where: { taskId, type: { startsWith: "push." } }, orderBy: { id: "asc" } });

function decide(token: string, headers: Record<string, string> = {}) {
  return tokenRoute.POST(
    new Request("http://127.0.0.1:3000/api/approvals/token-decision", {
      method: "POST",
      headers: { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", "content-type": "application/json", ...headers },
      body: JSON.stringify({ token }),
    }),
  );
}

async function approvalPush(user: Awaited<ReturnType<typeof userWithPhone>>) {
  const approval = await pendingApproval(user.userId);
  const request: NotificationRequest = { id: `approval-${approval.approvalId}`, kind: "approval", userId: user.userId, taskId: approval.taskId, approvalId: approval.approvalId };
  await deliverNotification(inlineContext().ctx, deps(), request);
  const [message] = messagesFor(user.subscription);
  return { ...approval, message: message!, payload: message!.payload as PushPayload };
}

describe("approval notifications", () => {
  it("arrive encrypted, urgent, with Approve and Deny, a link to the task and no arguments", async () => {
    const user = await userWithPhone();
    const { payload, message, taskId } = await approvalPush(user);
    expect(message.urgency).toBe("high");
    expect(message.ttl).toBeGreaterThan(3500);
    expect(message.ttl).toBeLessThanOrEqual(3600);
    expect(message.vapidSubject).toBe("mailto:ops@baton.example.com");
    expect(payload).toMatchObject({
      v: 1,
      kind: "approval",
      title: "Approve? Post the weekly report",
      body: "http_request: POST https://hooks.example.com/report",
      url: `/tasks/${taskId}`,
      actions: [
        { action: "approve", title: "Approve" },
        { action: "deny", title: "Deny" },
      ],
    });
    expect(Object.keys(payload.tokens ?? {})).toEqual(["approve", "deny"]);
    expect((await timeline(taskId)).map((event) => event.message)).toEqual(["Notification sent to Pixel"]);
  });

  it("Approve works once from the notification; a replay, the other button afterwards and a forgery are refused and recorded", async () => {
    const user = await userWithPhone();
    const { payload, approvalId, taskId } = await approvalPush(user);
    const approved = await decide(payload.tokens!.approve);
    expect(approved.status).toBe(200);
    expect(await approved.json()).toEqual({ approval: { id: approvalId, status: "approved" } });
    expect(await db().approval.findUniqueOrThrow({ where: { id: approvalId } })).toMatchObject({ status: "approved", decidedVia: "push" });

    const replay = await decide(payload.tokens!.approve);
    expect(replay.status).toBe(403);
    expect(((await replay.json()) as { error: { message: string } }).error.message).toMatch(/already used/);
    const deny = await decide(payload.tokens!.deny);
    expect(deny.status).toBe(409);
    expect(((await deny.json()) as { error: { message: string } }).error.message).toBe("This request was already approved.");

    const [body, signature] = payload.tokens!.deny.split(".");
    const tampered = `${Buffer.from(Buffer.from(body!, "base64url").toString().replace('"deny"', '"approve"')).toString("base64url")}.${signature}`;
    expect((await decide(tampered)).status).toBe(403);

    const events = await db().securityEvent.findMany({ where: { subject: { in: [approvalId, tampered.slice(0, 60)] } }, select: { type: true } });
    expect(events.map((event) => event.type).sort()).toEqual(["approval_token.forged", "approval_token.replayed"]);
    const refused = await db().timelineEvent.findMany({ where: { taskId, type: "approval.token_refused" } });
    expect(refused.map((event) => event.message)).toEqual(["Refused a replayed Approve link for http_request"]);
  });

  it("a token used after its approval expired is refused", async () => {
    const user = await userWithPhone();
    const { payload, approvalId } = await approvalPush(user);
    await db().approvalToken.updateMany({ where: { approvalId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const late = await decide(payload.tokens!.deny);
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
    expect((await db().approval.findUniqueOrThrow({ where: { id: approvalId } })).status).toBe("pending");
  });

  it("a token from another site's page is refused before it is looked at", async () => {
    const user = await userWithPhone();
    const { payload, approvalId } = await approvalPush(user);
    expect((await decide(payload.tokens!.approve, { origin: "https://evil.example" })).status).toBe(403);
    expect((await db().approval.findUniqueOrThrow({ where: { id: approvalId } })).status).toBe("pending");
  });
});

describe("push service answers", () => {
  async function completedPush(user: Awaited<ReturnType<typeof userWithPhone>>, title = "Weekly metrics") {
    const { task } = await createTask({ db: db(), engine }, { userId: user.userId, title, prompt: "p", runAt: new Date(Date.now() + 3600_000) });
    const { ctx, sleeps } = inlineContext();
    await deliverNotification(ctx, deps(), { id: `completed-${task.id}`, kind: "completed", userId: user.userId, taskId: task.id });
    return { taskId: task.id, sleeps };
  }

  it("410 Gone removes the subscription; 400 keeps it; both are on the timeline", async () => {
    const gone = await userWithPhone();
    receiver.respondWith(gone.subscription.id, [{ status: 410 }]);
    const first = await completedPush(gone);
    expect(await db().pushSubscription.count({ where: { deviceId: gone.phone } })).toBe(0);
    expect((await timeline(first.taskId)).map((event) => event.type)).toEqual(["push.removed"]);

    const bad = await userWithPhone();
    receiver.respondWith(bad.subscription.id, [{ status: 400, body: "bad request" }]);
    const second = await completedPush(bad);
    expect(await db().pushSubscription.count({ where: { deviceId: bad.phone } })).toBe(1);
    expect((await timeline(second.taskId)).map((event) => event.type)).toEqual(["push.failed"]);
  });

  it("429 waits as long as Retry-After says, then delivers; 5xx backs off and gives up after the last attempt", async () => {
    const busy = await userWithPhone();
    receiver.respondWith(busy.subscription.id, [{ status: 429, retryAfter: "7" }, { status: 201 }]);
    const retried = await completedPush(busy);
    expect(retried.sleeps).toEqual([7000]);
    expect((await timeline(retried.taskId)).map((event) => event.type)).toEqual(["push.retrying", "push.delivered"]);
    expect(receiver.requests.filter((request) => request.subscriptionId === busy.subscription.id).map((request) => request.status)).toEqual([429, 201]);

    const down = await userWithPhone();
    receiver.respondWith(down.subscription.id, Array.from({ length: MAX_SEND_ATTEMPTS }, () => ({ status: 503 })));
    const failed = await completedPush(down);
    expect(failed.sleeps).toEqual([1000, 2000, 4000, 8000]);
    const events = await timeline(failed.taskId);
    expect(events.at(-1)?.message).toMatch(/^Gave up notifying Pixel after 5 attempts/);
    expect(await db().pushSubscription.count({ where: { deviceId: down.phone } })).toBe(1);
  });

  it("each device gets only the kinds it chose, and a payload carries no secret from the task", async () => {
    const choosy = await userWithPhone(["approval"]);
    await completedPush(choosy);
    expect(messagesFor(choosy.subscription)).toHaveLength(0);

    const user = await userWithPhone();
    await completedPush(user, "Rotate key sk-live-abcdefghijklmnopqrstuvwx now");
    const text = JSON.stringify(messagesFor(user.subscription)[0]?.payload);
    expect(text).toContain("Done: Rotate key");
    expect(text).not.toContain("abcdefghijklmnop");
  });
});
