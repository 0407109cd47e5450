// Accounts, sessions and devices against a real Postgres: what a person (or an attacker) would
// notice. Route handlers are called with real Requests carrying real session cookies.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { encode } from "next-auth/jwt";
import { createDevice, listDevices, revokeDevice, signOutEverywhere } from "@/lib/auth/devices";
import { acceptInvitation, createInvitation } from "@/lib/auth/invitations";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { createPairingCode, redeemPairingCode } from "@/lib/auth/pairing";
import { encodeSession, SESSION_MAX_AGE_SECONDS, userForSessionToken } from "@/lib/auth/session";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { announceChange } from "@/lib/live/announce-change";
import { CHANGES_CHANNEL, ownedChangeSchema, type OwnedChange } from "@/lib/live/changes";
import { createTask } from "@/lib/tasks/create-task";
import { createSignedInUser } from "../support/factories";
import { waitFor } from "../support/wait-for";

const client = (ip = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`) => ({ ip, userAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 7) Chrome/140.0 Mobile" });
const engine = { startRun: async () => {}, signal: async () => {}, deliverNotification: async () => {} };

async function userWithPassword(password = "a long enough password", role: "owner" | "member" = "member") {
  const email = `${randomUUID()}@example.test`;
  const user = await db().user.create({ data: { email, name: "Pat", passwordHash: await hashPassword(password), role } });
  return { ...user, email, password };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

let tasksRoute: typeof import("@/app/api/tasks/route");
let taskRoute: typeof import("@/app/api/tasks/[id]/route");
beforeAll(async () => {
  tasksRoute = await import("@/app/api/tasks/route");
  taskRoute = await import("@/app/api/tasks/[id]/route");
});
afterAll(async () => {
  await db().$disconnect();
});

describe("passwords", () => {
  it("hashes with scrypt and a salt: same password, different hashes, both verify; a wrong one does not", async () => {
    const [first, second] = await Promise.all([hashPassword("hunter2 hunter2"), hashPassword("hunter2 hunter2")]);
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword("hunter2 hunter2", second)).toBe(true);
    expect(await verifyPassword("hunter2 hunter3", first)).toBe(false);
  });
});

describe("password sign-in", () => {
  it("opens a session on a new device named after the browser", async () => {
    const user = await userWithPassword();
    const session = await signInWithPassword(db(), { email: user.email.toUpperCase(), password: user.password }, client());
    expect(session.userId).toBe(user.id);
    const devices = await listDevices(db(), { userId: user.id, currentDeviceId: session.deviceId });
    expect(devices).toMatchObject([{ id: session.deviceId, name: "Chrome on Android", current: true, push: { enabled: false } }]);
  });

  it("says the same for an unknown email and a wrong password", async () => {
    const user = await userWithPassword();
    const wrong = await refusal(signInWithPassword(db(), { email: user.email, password: "not it at all" }, client()));
    const unknown = await refusal(signInWithPassword(db(), { email: `${randomUUID()}@example.test`, password: "whatever it is" }, client()));
    expect(wrong.code).toBe("UNAUTHORIZED");
    expect(unknown.message).toBe(wrong.message);
  });

  it("brute force: after 5 failures in 15 minutes even the right password is refused, and the attempts are logged", async () => {
    const user = await userWithPassword();
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await refusal(signInWithPassword(db(), { email: user.email, password: `guess number ${attempt}` }, client()))).code).toBe("UNAUTHORIZED");
    }
    const limited = await refusal(signInWithPassword(db(), { email: user.email, password: user.password }, client()));
    expect(limited.code).toBe("TOO_MANY_REQUESTS");
    expect(limited.status).toBe(429);
    const events = await db().securityEvent.groupBy({ by: ["type"], where: { subject: `email:${user.email}` }, _count: true });
    expect(Object.fromEntries(events.map((event) => [event.type, event._count]))).toEqual({ "sign_in.failed": 5, "sign_in.rate_limited": 1 });
  });

  it("40 guesses at once: 5 reach the password check, the other 35 are refused, and the right password then too", async () => {
    const user = await userWithPassword();
    const guesses = await Promise.all(
      Array.from({ length: 40 }, (_, attempt) => refusal(signInWithPassword(db(), { email: user.email, password: `parallel guess ${attempt}` }, client()))),
    );
    const codes = guesses.map((error) => error.code);
    expect(codes.filter((code) => code === "UNAUTHORIZED")).toHaveLength(5);
    expect(codes.filter((code) => code === "TOO_MANY_REQUESTS")).toHaveLength(35);
    expect((await refusal(signInWithPassword(db(), { email: user.email, password: user.password }, client()))).code).toBe("TOO_MANY_REQUESTS");
    const events = await db().securityEvent.groupBy({ by: ["type"], where: { subject: `email:${user.email}` }, _count: true });
    expect(Object.fromEntries(events.map((event) => [event.type, event._count]))).toEqual({ "sign_in.failed": 5, "sign_in.rate_limited": 36 });
  });

  it("a right password leaves nothing counted against the account", async () => {
    const user = await userWithPassword();
    for (let attempt = 0; attempt < 6; attempt++) {
      await expect(signInWithPassword(db(), { email: user.email, password: user.password }, client())).resolves.toMatchObject({ userId: user.id });
    }
    expect(await db().securityEvent.count({ where: { subject: `email:${user.email}` } })).toBe(0);
  });

  it("one address trying many accounts is limited too", async () => {
    const ip = `10.77.${Math.floor(Math.random() * 250)}.1`;
    for (let attempt = 0; attempt < 30; attempt++) {
      await refusal(signInWithPassword(db(), { email: `${randomUUID()}@example.test`, password: "spray spray spray" }, client(ip)));
    }
    const user = await userWithPassword();
    expect((await refusal(signInWithPassword(db(), { email: user.email, password: user.password }, client(ip)))).code).toBe("TOO_MANY_REQUESTS");
    // Someone else, elsewhere, is not affected.
    await expect(signInWithPassword(db(), { email: user.email, password: user.password }, client())).resolves.toMatchObject({ userId: user.id });
  });
});

describe("sessions", () => {
  it("a session cookie works until its device is revoked; forged and foreign tokens never do", async () => {
    const user = await createSignedInUser(db(), "Ana Session");
    const token = user.cookie.split("=")[1];
    expect(await userForSessionToken(db(), token)).toEqual({ id: user.userId, email: expect.stringContaining("@"), name: "Ana Session", role: "member", deviceId: user.deviceId });
    const forged = await encode({ token: { sub: user.userId, deviceId: user.deviceId }, secret: "x".repeat(40) });
    expect(await userForSessionToken(db(), forged)).toBeNull();
    const other = await createSignedInUser(db());
    // A genuine token whose device belongs to someone else names no session.
    expect(await userForSessionToken(db(), await encodeSession(db(), { sub: user.userId, deviceId: other.deviceId }))).toBeNull();

    await revokeDevice(db(), { userId: user.userId, deviceId: user.deviceId });
    expect(await userForSessionToken(db(), token)).toBeNull();
    await expect(revokeDevice(db(), { userId: other.userId, deviceId: user.deviceId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a session cookie in use stops working when it expires", async () => {
    const user = await createSignedInUser(db());
    const token = user.cookie.split("=")[1];
    expect(await userForSessionToken(db(), token)).toMatchObject({ id: user.userId });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + (SESSION_MAX_AGE_SECONDS + 60) * 1000 });
    try {
      expect(await userForSessionToken(db(), token)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
    expect(await userForSessionToken(db(), token)).toMatchObject({ id: user.userId });
  });

  it("sign out everywhere ends every device's session on its next request", async () => {
    const user = await createSignedInUser(db());
    const second = await createDevice(db(), { userId: user.userId, userAgent: "Firefox/130 (Macintosh)", signedInVia: "pairing" });
    const secondToken = await encodeSession(db(), { sub: user.userId, deviceId: second });
    expect(await signOutEverywhere(db(), user.userId)).toBe(2);
    expect(await userForSessionToken(db(), user.cookie.split("=")[1])).toBeNull();
    expect(await userForSessionToken(db(), secondToken)).toBeNull();
  });

  it("the API answers 401 without a session, and a signed-in user cannot see another's task by guessing its id", async () => {
    const anonymous = await tasksRoute.GET(new Request("http://127.0.0.1:3000/api/tasks"));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: { code: "UNAUTHORIZED", message: "Sign in to Baton first." } });

    const alice = await createSignedInUser(db(), "Alice");
    const bob = await createSignedInUser(db(), "Bob");
    const { task } = await createTask({ db: db(), engine }, { userId: alice.userId, title: "Alice's secret plan", prompt: "p", runAt: new Date(Date.now() + 3600_000) });
    const asBob = await taskRoute.GET(new Request(`http://127.0.0.1:3000/api/tasks/${task.id}`, { headers: { cookie: bob.cookie } }), {
      params: Promise.resolve({ id: task.id }),
    });
    expect(asBob.status).toBe(404);
    const bobsList = (await (await tasksRoute.GET(new Request("http://127.0.0.1:3000/api/tasks", { headers: { cookie: bob.cookie } }))).json()) as { tasks: unknown[] };
    expect(bobsList.tasks).toEqual([]);
  });

  it("refuses state changes from a foreign or null Origin, and requests for another Host", async () => {
    const user = await createSignedInUser(db());
    const post = (headers: Record<string, string>) =>
      tasksRoute.POST(
        new Request("http://127.0.0.1:3000/api/tasks", {
          method: "POST",
          headers: { host: "127.0.0.1:3000", cookie: user.cookie, "content-type": "application/json", ...headers },
          body: JSON.stringify({ title: "x", prompt: "y" }),
        }),
      );
    expect((await post({ origin: "null" })).status).toBe(403);
    expect((await post({ origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ host: "rebound.evil.example", origin: "http://rebound.evil.example" })).status).toBe(403);
    expect((await post({ origin: "http://127.0.0.1:3000", "idempotency-key": randomUUID() })).status).toBe(201);
  });
});

describe("pairing", () => {
  it("a code signs one other device in as the same person, once", async () => {
    const user = await createSignedInUser(db());
    const offer = await createPairingCode(db(), { userId: user.userId, deviceId: user.deviceId });
    expect(offer.code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    const phone = await redeemPairingCode(db(), { code: offer.code.toLowerCase().replace("-", " "), deviceName: "Pat's phone" }, client());
    expect(phone.userId).toBe(user.userId);
    const devices = await listDevices(db(), { userId: user.userId, currentDeviceId: user.deviceId });
    expect(devices.map((device) => device.name).sort()).toEqual(["Pat's phone", "Browser"].sort());

    const again = await refusal(redeemPairingCode(db(), { code: offer.code }, client()));
    expect(again.message).toMatch(/expired or was already used/);
  });

  it("the desktop showing the code hears who joined: once, and only when the pairing commits", async () => {
    const user = await createSignedInUser(db());
    const offer = await createPairingCode(db(), { userId: user.userId, deviceId: user.deviceId });
    const heard: OwnedChange[] = [];
    const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await listener.connect();
    try {
      listener.on("notification", (message) => heard.push(ownedChangeSchema.parse(JSON.parse(message.payload ?? "null"))));
      await listener.query(`LISTEN ${CHANGES_CHANNEL}`);
      await redeemPairingCode(db(), { code: offer.code, deviceName: "Pat's phone" }, client());
      await refusal(redeemPairingCode(db(), { code: offer.code, deviceName: "Mallory's phone" }, client()));
      // Notifications arrive in commit order: once this one is in, any from the refusal would be too.
      await announceChange(db(), { kind: "event", userId: user.userId, taskId: "sentinel", eventId: "0" });
      await waitFor(async () => heard.some((change) => change.kind === "event" && change.taskId === "sentinel"), { what: "sentinel notification" });
      const pairings = heard.filter((change) => change.kind === "pairing" && change.pairingId === offer.id);
      expect(pairings).toEqual([{ kind: "pairing", userId: user.userId, pairingId: offer.id, deviceName: "Pat's phone" }]);
    } finally {
      await listener.end();
    }
  });

  it("two phones racing for one code: exactly one gets in", async () => {
    const user = await createSignedInUser(db());
    const { code } = await createPairingCode(db(), { userId: user.userId, deviceId: user.deviceId });
    const results = await Promise.allSettled([redeemPairingCode(db(), { code }, client()), redeemPairingCode(db(), { code }, client())]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const devices = await listDevices(db(), { userId: user.userId, currentDeviceId: user.deviceId });
    expect(devices).toHaveLength(2);
  });

  it("an expired code is refused; a wrong one is refused and counted towards the limit", async () => {
    const user = await createSignedInUser(db());
    const { id, code } = await createPairingCode(db(), { userId: user.userId, deviceId: user.deviceId });
    await db().pairingCode.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await refusal(redeemPairingCode(db(), { code }, client()))).message).toMatch(/expired/);

    const ip = `10.88.${Math.floor(Math.random() * 250)}.2`;
    expect((await refusal(redeemPairingCode(db(), { code: "ZZZZ-ZZZZ" }, client(ip)))).message).toMatch(/not right/);
    expect((await refusal(redeemPairingCode(db(), { code: "short" }, client(ip)))).fieldErrors).toEqual({
      code: ["Enter the 8-character code shown on your signed-in device."],
    });
    expect(await db().securityEvent.count({ where: { type: "pairing.failed", ip } })).toBe(1);
  });
});

describe("invitations", () => {
  it("the owner invites; the link makes one member account, once; members cannot invite", async () => {
    const owner = await userWithPassword("owner password 123", "owner");
    const email = `${randomUUID()}@example.test`;
    const { token } = await createInvitation(db(), { userId: owner.id, email });
    await acceptInvitation(db(), { token, name: "Mo", password: "member password 1" });
    const member = await db().user.findUniqueOrThrow({ where: { email } });
    expect(member.role).toBe("member");
    await expect(signInWithPassword(db(), { email, password: "member password 1" }, client())).resolves.toMatchObject({ userId: member.id });

    expect((await refusal(acceptInvitation(db(), { token, name: "Mallory", password: "another password" }))).code).toBe("NOT_FOUND");
    expect((await refusal(createInvitation(db(), { userId: member.id, email: "x@example.test" }))).code).toBe("FORBIDDEN");
    expect((await refusal(createInvitation(db(), { userId: owner.id, email }))).code).toBe("CONFLICT");
  });
});
